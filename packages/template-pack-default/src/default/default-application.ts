// default@2's application schema as the pack uses it: the per-field schema, then the cross-field checks, then the
// model the templates see. Composed here so that the checks and the model can take the parsed spec's type from the
// schema without importing each other in a circle.
import type { z } from "zod";
import { checkApplication } from "./default-application.checks.js";
import { toApplicationModel } from "./default-application.model.js";
import { applicationSpecSchema } from "./default-application.schema.js";

// Cross-field rules run after the per-field ones; the model (derived labels, resolved ports) is what templates see.
export const defaultApplicationSchema = applicationSpecSchema
  .superRefine(checkApplication)
  .transform(toApplicationModel);

/** What a user writes for a default@2 application. */
export type DefaultAppSpec = z.input<typeof defaultApplicationSchema>;
/** What default@2's application templates see as `it.values`. */
export type DefaultAppValues = z.output<typeof defaultApplicationSchema>;
