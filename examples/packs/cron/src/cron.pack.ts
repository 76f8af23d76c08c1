import { definePack, loadTemplates } from "@babyhelm/manifest-sdk";
import { cronApplicationSchema, cronProjectSchema } from "./cron.schema.js";

const VERSION = "1.0.0";

// Templates ship beside dist/ and src/ alike: both sit one level below the package root.
const templates = (target: "application" | "project", roles: readonly string[]) =>
  loadTemplates(new URL(`../packs/cron/${VERSION}/${target}/`, import.meta.url), roles);

/** cron@1.0.0: one CronJob whose Jobs run a container to completion on a schedule. */
export const cron = definePack({
  name: "cron",
  version: VERSION,
  description: "A scheduled task: a CronJob that runs a container to completion on a cron schedule.",
  application: {
    schema: cronApplicationSchema,
    kinds: ["CronJob"],
    templates: templates("application", ["cronjob"]),
  },
  describes: { image: "image", env: "env" },
  project: {
    schema: cronProjectSchema,
    kinds: ["Namespace"],
    templates: templates("project", ["namespace"]),
  },
});
