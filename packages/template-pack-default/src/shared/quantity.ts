// Resource quantities ("100m", "128Mi", "2"): validated here and compared, because Kubernetes refuses a request above
// its limit and we would rather say which field is wrong than let the API server refuse the whole apply.
import { z } from "zod";
import { quantityValue } from "@babyhelm/manifest-sdk";
import { fieldError } from "./field-error.js";

const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

export function quantitySchema(field: string, example: string) {
  const expectation = `a positive Kubernetes quantity such as ${example} (a number, optionally with a suffix m, k, M, G, Ki, Mi, Gi...)`;
  return z
    .string({ error: fieldError(field, expectation) })
    .max(64, { error: `${field} must be ${expectation}`, abort: true })
    .regex(QUANTITY, { error: `${field} must be ${expectation}`, abort: true })
    .refine((quantity) => (quantityValue(quantity) ?? 0) > 0, {
      error: `${field} must be greater than zero`,
    });
}

/** Adds an issue at `path` when `lower` exceeds `upper`; both optional, so callers pass whatever the spec set. */
export function checkNotAbove(
  context: z.RefinementCtx,
  lower: { field: string; path: PropertyKey[]; value: string | undefined },
  upper: { field: string; value: string | undefined },
): void {
  if (lower.value === undefined || upper.value === undefined) return;
  const [low, high] = [quantityValue(lower.value), quantityValue(upper.value)];
  if (low !== undefined && high !== undefined && low > high) {
    context.addIssue({
      code: "custom",
      path: lower.path,
      message: `${lower.field} (${lower.value}) must not exceed ${upper.field} (${upper.value})`,
    });
  }
}
