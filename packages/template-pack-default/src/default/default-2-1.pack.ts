import { definePack } from "@babyhelm/manifest-sdk";
import { packTemplatesAcrossVersions } from "../shared/pack-templates.js";
import { defaultApplication21Schema } from "./default-application-2-1.js";
import { defaultProject21Schema } from "./default-project.schema.js";

const VERSION = "2.1.0";
/** Templates 2.1 keeps from 2.0 unchanged. */
const FROM_2_0 = "2.0.0";

/**
 * default@2.1.0: default@2.0.0 (which it renders identically for every 2.0 spec) plus secret env vars, command and
 * args, persistent and scratch volumes, config files and several Ingress hosts; projects may cap storage in their quota.
 */
export const defaultPack21 = definePack({
  name: "default",
  version: VERSION,
  description:
    "Production-grade app: hardened Deployment, Service, optional HPA, PDB and Ingress (several hosts), secrets, volumes and config files; project namespace with quota, limits and isolation.",
  describes: { image: "image", env: "env", ports: "ports", secrets: "secrets", replicas: "replicas" },
  application: {
    schema: defaultApplication21Schema,
    kinds: [
      "Deployment",
      "Service",
      "HorizontalPodAutoscaler",
      "PodDisruptionBudget",
      "Ingress",
      "PersistentVolumeClaim",
      "ConfigMap",
    ],
    templates: packTemplatesAcrossVersions("default", "application", [
      ["deployment", VERSION],
      ["service", FROM_2_0],
      ["hpa", FROM_2_0],
      ["pdb", FROM_2_0],
      ["ingress", VERSION],
      ["pvc", VERSION],
      ["configmap", VERSION],
    ]),
  },
  project: {
    schema: defaultProject21Schema,
    kinds: ["Namespace", "ResourceQuota", "LimitRange", "NetworkPolicy"],
    templates: packTemplatesAcrossVersions("default", "project", [
      ["namespace", FROM_2_0],
      ["resourcequota", VERSION],
      ["limitrange", FROM_2_0],
      ["networkpolicy", FROM_2_0],
    ]),
  },
});
