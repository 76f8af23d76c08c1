// default@2.1 application spec: 2.0's spec plus secrets, command/args, volumes, config files and several Ingress
// hosts. Every new field is optional, so every 2.0 spec is a 2.1 spec (and renders the same objects).
import { z } from "zod";
import { fieldError } from "../shared/field-error.js";
import { applicationSpecSchema } from "./default-application.schema.js";
import { ingress21Schema } from "./default-ingress-hosts.schema.js";
import {
  argumentListSchema,
  fileSchema,
  secretSchema,
  secretsVersionSchema,
  volumeSchema,
} from "./default-workload.schema.js";

export const applicationSpec21Schema = applicationSpecSchema.extend({
  secrets: z
    .array(secretSchema, { error: fieldError("secrets", "a list of { name, secretRef? }") })
    .max(100, { error: "secrets must list at most 100 variables" })
    .describe(
      "Secret environment variables: values are kept sealed by the server (Secret <name>-secrets), or read from an existing Secret (secretRef).",
    )
    .default([]),
  secretsVersion: secretsVersionSchema
    .describe("Filled by the server: the version of the stored secret values, so a change rolls out.")
    .optional(),
  command: argumentListSchema("command")
    .describe("The container's command (the image's entrypoint otherwise).")
    .optional(),
  args: argumentListSchema("args")
    .describe("The container's arguments (the image's command otherwise).")
    .optional(),
  volumes: z
    .array(volumeSchema, {
      error: fieldError("volumes", "a list of { name, mountPath, persistent or scratch }"),
    })
    .max(50, { error: "volumes must list at most 50 volumes" })
    .describe("Persistent volumes (a PersistentVolumeClaim each) and scratch space (emptyDir).")
    .default([]),
  files: z
    .array(fileSchema, { error: fieldError("files", "a list of { path, content }") })
    .max(100, { error: "files must list at most 100 files" })
    .describe("Config files mounted from the ConfigMap <name>-files.")
    .default([]),
  ingress: ingress21Schema
    .describe("An Ingress: one host (host, path...) or several (hosts: [...]).")
    .optional(),
});

/** A 2.1 spec with defaults applied: what the 2.1 checks and model start from. */
export type DefaultApp21Parsed = z.output<typeof applicationSpec21Schema>;
