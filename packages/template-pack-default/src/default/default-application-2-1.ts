// default@2.1's application schema as the pack uses it: the per-field schema, the cross-field checks (2.0's and
// 2.1's), then the model the templates see.
import type { z } from "zod";
import { checkApplication21 } from "./default-application-2-1.checks.js";
import { toApplicationModel21 } from "./default-application-2-1.model.js";
import { applicationSpec21Schema } from "./default-application-2-1.schema.js";

export const defaultApplication21Schema = applicationSpec21Schema
  .superRefine(checkApplication21)
  .transform(toApplicationModel21);

/** What a user (or the server, for secretsVersion) writes for a default@2.1 application. */
export type DefaultApp21Spec = z.input<typeof defaultApplication21Schema>;
/** What default@2.1's application templates see as `it.values`. */
export type DefaultApp21Values = z.output<typeof defaultApplication21Schema>;
