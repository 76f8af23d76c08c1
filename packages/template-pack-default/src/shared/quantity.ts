// Resource quantities ("100m", "128Mi", "2"): validated here and compared, because Kubernetes refuses a request above
// its limit and we would rather say which field is wrong than let the API server refuse the whole apply.
import { z } from "zod";
import { fieldError } from "./field-error.js";

const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const MULTIPLIERS: Readonly<Record<string, number>> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The quantity's value in base units (cores, bytes); only for comparisons, never rendered. */
export function quantityValue(quantity: string): number {
  const match = QUANTITY.exec(quantity);
  if (!match) return Number.NaN;
  return Number(match[1]) * (MULTIPLIERS[match[2] ?? ""] ?? Number.NaN);
}

export function quantitySchema(field: string, example: string) {
  const expectation = `a positive Kubernetes quantity such as ${example} (a number, optionally with a suffix m, k, M, G, Ki, Mi, Gi...)`;
  return z
    .string({ error: fieldError(field, expectation) })
    .max(64, { error: `${field} must be ${expectation}`, abort: true })
    .regex(QUANTITY, { error: `${field} must be ${expectation}`, abort: true })
    .refine((quantity) => quantityValue(quantity) > 0, { error: `${field} must be greater than zero` });
}

/** Adds an issue at `path` when `lower` exceeds `upper`; both optional, so callers pass whatever the spec set. */
export function checkNotAbove(
  context: z.RefinementCtx,
  lower: { field: string; path: PropertyKey[]; value: string | undefined },
  upper: { field: string; value: string | undefined },
): void {
  if (lower.value === undefined || upper.value === undefined) return;
  if (quantityValue(lower.value) > quantityValue(upper.value)) {
    context.addIssue({
      code: "custom",
      path: lower.path,
      message: `${lower.field} (${lower.value}) must not exceed ${upper.field} (${upper.value})`,
    });
  }
}
