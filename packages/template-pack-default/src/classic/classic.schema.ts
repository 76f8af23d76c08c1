// classic@1 values: the parent's request bodies, accepted as the parent accepted them (unknown keys ignored, numeric
// strings for ports), minus what Kubernetes would refuse. The compat vectors in test/fixtures are the contract.
import { z } from "zod";
import { DNS_1035_LABEL } from "@babyhelm/manifest-sdk/names";
import { fieldError } from "../shared/field-error.js";
import { envNameSchema, imageSchema, namespaceNameSchema, textSchema } from "../shared/kubernetes-rules.js";
import { unionField } from "../shared/union-field.js";

/**
 * The parent names objects `<name>-container` (a DNS label, so at most 63 characters) and `<name>-svc` (a Service
 * name, so it must start with a letter): hence 53 characters and a leading letter.
 */
const APP_NAME_MAX = 53;
const appNameExpectation = `a lowercase DNS label starting with a letter (a-z, 0-9, '-'; not ending with '-'), at most ${APP_NAME_MAX} characters`;

const appName = z
  .string({ error: fieldError("name", appNameExpectation) })
  .max(APP_NAME_MAX, { error: `name must be at most ${APP_NAME_MAX} characters`, abort: true })
  .regex(DNS_1035_LABEL, { error: `name must be ${appNameExpectation}` });

/** The parent coerced numeric strings ("8080") to integers; so do we, and nothing looser (no "", no booleans). */
function portNumber(field: string) {
  return unionField(field, "an integer from 1 to 65535 (a number or a string of digits)", [
    z.int().min(1).max(65535),
    z
      .string()
      .regex(/^0*[1-9][0-9]{0,4}$/)
      .refine((digits) => Number(digits) <= 65535),
  ]).pipe(z.coerce.number<string | number>());
}

export const classicApplicationSchema = z.object(
  {
    name: appName,
    image: imageSchema("image"),
    ports: z.object(
      { port: portNumber("ports.port"), targetPort: portNumber("ports.targetPort") },
      { error: fieldError("ports", "an object { port, targetPort }") },
    ),
    // The parent always sent `envs`; a missing list means no variables rather than an error.
    envs: z
      .array(
        z.object(
          {
            name: envNameSchema("envs[].name"),
            // Any string, empty included: the parent's refusal of "", ':' and quotes was a bug (see the vectors).
            value: textSchema("envs[].value"),
          },
          { error: fieldError("envs[]", "an object { name, value }") },
        ),
        { error: fieldError("envs", "a list of { name, value }") },
      )
      .default([]),
  },
  { error: fieldError("the application spec", "an object { name, image, ports, envs }") },
);

export const classicProjectSchema = z.object(
  { name: namespaceNameSchema("name") },
  { error: fieldError("the project spec", "an object { name }") },
);

/** What a caller sends for a classic application (the parent's `POST /manifests/render` body). */
export type ClassicAppSpec = z.input<typeof classicApplicationSchema>;
/** What classic@1's application templates see as `it.values`. */
export type ClassicAppValues = z.output<typeof classicApplicationSchema>;
export type ClassicProjectSpec = z.input<typeof classicProjectSchema>;
export type ClassicProjectValues = z.output<typeof classicProjectSchema>;
