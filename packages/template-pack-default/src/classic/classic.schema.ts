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

/**
 * The parent's ports were pydantic `int`s in lax mode, so it read `" 80 "`, `"+80"`, `"8_080"`, `"80.0"` and `true`
 * as integers (see test/fixtures/classic-parent-schema-vectors.jsonl); we read exactly what it read, nothing looser.
 * pydantic trims Unicode White_Space (Rust's `str::trim`), which is not quite JavaScript's `trim`: hence the class.
 */
const PYDANTIC_WHITESPACE = String.raw`[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*`;
const PYDANTIC_INT_STRING = new RegExp(
  `^${PYDANTIC_WHITESPACE}\\+?([0-9]+(?:_[0-9]+)*)(?:\\.0+)?${PYDANTIC_WHITESPACE}$`,
);

/** The integer pydantic read from `text`, or undefined when it refused the string. */
function integerOfDigits(text: string): number | undefined {
  const digits = PYDANTIC_INT_STRING.exec(text)?.[1];
  return digits === undefined ? undefined : Number(digits.replaceAll("_", ""));
}

function portNumber(field: string) {
  return unionField(
    field,
    "an integer from 1 to 65535 (a number or a string of digits, as the parent read it)",
    [
      z.int().min(1).max(65535),
      z
        .string()
        .regex(PYDANTIC_INT_STRING)
        .refine((text) => {
          const port = integerOfDigits(text);
          return port !== undefined && port >= 1 && port <= 65535;
        }),
      // pydantic's lax mode reads `true` as 1 (and `false` as 0, which the range refuses).
      z.literal(true),
    ],
  ).transform((port) => (typeof port === "number" ? port : port === true ? 1 : integerOfDigits(port)!));
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
