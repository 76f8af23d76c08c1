import { definePack } from "@babyhelm/manifest-sdk";
import { packTemplates } from "../shared/pack-templates.js";
import { classicApplicationSchema, classicProjectSchema } from "./classic.schema.js";

const VERSION = "1.0.0";

/** classic@1.0.0: exactly the objects the parent BabyHelm rendered, so existing apps re-render unchanged. */
export const classic = definePack({
  name: "classic",
  version: VERSION,
  description:
    "The parent BabyHelm's manifests: Deployment, LoadBalancer Service and HPA per app; a Namespace per project.",
  application: {
    schema: classicApplicationSchema,
    kinds: ["Deployment", "Service", "HorizontalPodAutoscaler"],
    templates: packTemplates("classic", VERSION, "application", ["deployment", "service", "hpa"]),
  },
  // No replicas (always 2, scaled by the HPA) and no secrets.
  describes: { image: "image", env: "envs", ports: "ports" },
  project: {
    schema: classicProjectSchema,
    kinds: ["Namespace"],
    templates: packTemplates("classic", VERSION, "project", ["namespace"]),
  },
});
