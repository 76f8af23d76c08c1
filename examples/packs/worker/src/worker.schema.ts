// worker@1 values. Every field carries a description: the JSON Schema the server publishes is all a generic form
// (or an editor) knows about this pack.
import { z } from "zod";
import { DNS_1035_LABEL, DNS_1123_LABEL } from "@babyhelm/manifest-sdk/names";
import { quantityValue } from "@babyhelm/manifest-sdk/quantity";

/** Kubernetes' environment variable name rule (a C identifier, plus `.` and `-`). */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** An image reference without spaces or control characters; the registry has the last word on the rest. */
const IMAGE_REFERENCE = /^[a-z0-9][a-z0-9._\-/:@]*$/i;

const quantity = (field: string) =>
  z.string().refine((value) => quantityValue(value) !== undefined, {
    error: `${field} must be a Kubernetes quantity such as 250m, 1, 128Mi or 1Gi`,
  });

const resourceList = (field: string) =>
  z
    .strictObject({
      cpu: quantity(`${field}.cpu`).describe("CPU, in cores (0.5) or millicores (500m)").optional(),
      memory: quantity(`${field}.memory`).describe("Memory, in bytes with a suffix (128Mi, 1Gi)").optional(),
    })
    .describe(field);

export const workerApplicationSchema = z
  .strictObject({
    name: z
      .string()
      .max(63, { error: "name must be at most 63 characters" })
      .regex(DNS_1035_LABEL, {
        error: "name must be a lowercase DNS label starting with a letter (a-z, 0-9, '-')",
      })
      .describe("The app's name: the Deployment's and the container's"),
    image: z
      .string()
      .max(512, { error: "image must be at most 512 characters" })
      .regex(IMAGE_REFERENCE, {
        error: "image must be a container image reference such as ghcr.io/org/worker:1.4",
      })
      .describe("The container image, such as ghcr.io/org/worker:1.4"),
    command: z.array(z.string()).describe("Replaces the image's ENTRYPOINT; leave out to keep it").optional(),
    args: z.array(z.string()).describe("Replaces the image's CMD; leave out to keep it").optional(),
    env: z
      .array(
        z.strictObject({
          name: z
            .string()
            .regex(ENV_VAR_NAME, {
              error: "env[].name must be letters, digits, '_', '.' or '-', not starting with a digit",
            })
            .describe("Variable name"),
          value: z
            .string({ error: "env[].value must be a string (quote numbers)" })
            .describe("Variable value (a string: quote numbers)"),
        }),
      )
      .default([])
      .refine((env) => new Set(env.map((variable) => variable.name)).size === env.length, {
        error: "env must not repeat a name",
      })
      .describe("Environment variables of the container"),
    replicas: z
      .int({ error: "replicas must be a whole number from 0 to 100" })
      .min(0, { error: "replicas must be a whole number from 0 to 100" })
      .max(100, { error: "replicas must be a whole number from 0 to 100" })
      .default(1)
      .describe("How many copies run (0 stops the worker without deleting it)"),
    resources: z
      .strictObject({
        requests: resourceList("resources.requests").optional(),
        limits: resourceList("resources.limits").optional(),
      })
      .default({})
      .describe(
        "CPU and memory the scheduler reserves (requests) and the most the container may use (limits)",
      ),
  })
  .describe("A background process: a Deployment with no Service");

export const workerProjectSchema = z
  .strictObject({
    name: z
      .string()
      .max(63, { error: "name must be at most 63 characters" })
      .regex(DNS_1123_LABEL, { error: "name must be a lowercase DNS label (a-z, 0-9, '-')" })
      .describe("The project's namespace"),
  })
  .describe("A project: its namespace");

export type WorkerAppSpec = z.input<typeof workerApplicationSchema>;
export type WorkerAppValues = z.output<typeof workerApplicationSchema>;
