// cron@1 values. Every field carries a description: the JSON Schema the server publishes is all a generic form
// (or an editor) knows about this pack.
import { z } from "zod";
import { DNS_1035_LABEL, DNS_1123_LABEL } from "@babyhelm/manifest-sdk/names";

/** Kubernetes' environment variable name rule (a C identifier, plus `.` and `-`). */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** An image reference without spaces or control characters; the registry has the last word on the rest. */
const IMAGE_REFERENCE = /^[a-z0-9][a-z0-9._\-/:@]*$/i;
/** Five cron fields (minute hour day-of-month month day-of-week), or one of the macros the CronJob controller reads. */
const CRON_FIELD = String.raw`[0-9A-Za-z*?/,\-]+`;
const SCHEDULE = new RegExp(
  String.raw`^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|${CRON_FIELD}( ${CRON_FIELD}){4})$`,
);
/** The Job controller appends an 11-character suffix to the CronJob's name, and Job names are 63 at most. */
const NAME_MAX = 52;
const historyLimit = (field: string, fallback: number) =>
  z
    .int({ error: `${field} must be a whole number from 0 to 100` })
    .min(0, { error: `${field} must be a whole number from 0 to 100` })
    .max(100, { error: `${field} must be a whole number from 0 to 100` })
    .default(fallback);

export const cronApplicationSchema = z
  .strictObject({
    name: z
      .string()
      .max(NAME_MAX, { error: `name must be at most ${NAME_MAX} characters` })
      .regex(DNS_1035_LABEL, {
        error: "name must be a lowercase DNS label starting with a letter (a-z, 0-9, '-')",
      })
      .describe(`The app's name: the CronJob's and the container's (at most ${NAME_MAX} characters)`),
    image: z
      .string()
      .max(512, { error: "image must be at most 512 characters" })
      .regex(IMAGE_REFERENCE, {
        error: "image must be a container image reference such as ghcr.io/org/report:2.0",
      })
      .describe("The container image, such as ghcr.io/org/report:2.0"),
    schedule: z
      .string()
      .regex(SCHEDULE, {
        error:
          'schedule must be five cron fields such as "*/15 * * * *", or @hourly, @daily, @weekly, @monthly, @yearly',
      })
      .describe(
        'When it runs, in cron syntax ("0 3 * * *": every day at 03:00, in the cluster\'s time zone)',
      ),
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
    concurrencyPolicy: z
      .enum(["Allow", "Forbid", "Replace"], { error: "concurrencyPolicy must be Allow, Forbid or Replace" })
      .default("Forbid")
      .describe(
        "When a run is due while the last one still runs: Allow both, Forbid (skip the new one), Replace the old one",
      ),
    successfulJobsHistoryLimit: historyLimit("successfulJobsHistoryLimit", 3).describe(
      "How many finished successful runs are kept (their pods and logs)",
    ),
    failedJobsHistoryLimit: historyLimit("failedJobsHistoryLimit", 1).describe(
      "How many failed runs are kept (their pods and logs)",
    ),
  })
  .describe("A scheduled task: a CronJob");

export const cronProjectSchema = z
  .strictObject({
    name: z
      .string()
      .max(63, { error: "name must be at most 63 characters" })
      .regex(DNS_1123_LABEL, { error: "name must be a lowercase DNS label (a-z, 0-9, '-')" })
      .describe("The project's namespace"),
  })
  .describe("A project: its namespace");

export type CronAppSpec = z.input<typeof cronApplicationSchema>;
export type CronAppValues = z.output<typeof cronApplicationSchema>;
