import { definePack } from "@babyhelm/manifest-sdk";
import { packTemplates } from "../shared/pack-templates.js";
import { defaultApplicationSchema } from "./default-application.js";
import { defaultProjectSchema } from "./default-project.schema.js";

const VERSION = "2.0.0";

/** default@2.0.0: production defaults (probes, limits, hardening, PDB, optional Ingress) and a guarded namespace. */
export const defaultPack = definePack({
  name: "default",
  version: VERSION,
  description:
    "Production-grade app: hardened Deployment, Service, optional HPA, PDB and Ingress; project namespace with quota, limits and isolation.",
  describes: { image: "image", env: "env", ports: "ports", replicas: "replicas" },
  application: {
    schema: defaultApplicationSchema,
    kinds: ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Ingress"],
    templates: packTemplates("default", VERSION, "application", [
      "deployment",
      "service",
      "hpa",
      "pdb",
      "ingress",
    ]),
  },
  project: {
    schema: defaultProjectSchema,
    kinds: ["Namespace", "ResourceQuota", "LimitRange", "NetworkPolicy"],
    templates: packTemplates("default", VERSION, "project", [
      "namespace",
      "resourcequota",
      "limitrange",
      "networkpolicy",
    ]),
  },
});
