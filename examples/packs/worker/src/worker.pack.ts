import { definePack, loadTemplates } from "@babyhelm/manifest-sdk";
import { workerApplicationSchema, workerProjectSchema } from "./worker.schema.js";

const VERSION = "1.0.0";

// Templates ship beside dist/ and src/ alike: both sit one level below the package root.
const templates = (target: "application" | "project", roles: readonly string[]) =>
  loadTemplates(new URL(`../packs/worker/${VERSION}/${target}/`, import.meta.url), roles);

/** worker@1.0.0: one Deployment, no Service, for processes nobody connects to. */
export const worker = definePack({
  name: "worker",
  version: VERSION,
  description:
    "A background worker: a Deployment with no Service (queue consumers, bots, schedulers of their own).",
  application: {
    schema: workerApplicationSchema,
    kinds: ["Deployment"],
    templates: templates("application", ["deployment"]),
  },
  describes: { image: "image", env: "env", replicas: "replicas" },
  project: {
    schema: workerProjectSchema,
    kinds: ["Namespace"],
    templates: templates("project", ["namespace"]),
  },
});
