// default@2 application spec: what a user writes. Every object is strict (a misspelt key is an error, not a silent
// no-op), every field's error names it, and every default lives here so templates stay free of policy.
import { z } from "zod";
import { DNS_1035_LABEL } from "@babyhelm/manifest-sdk/names";
import { fieldError } from "../shared/field-error.js";
import {
  annotationsSchema,
  dnsSubdomainSchema,
  envNameSchema,
  imageSchema,
  labelValueSchema,
  textSchema,
} from "../shared/kubernetes-rules.js";
import { quantitySchema } from "../shared/quantity.js";
import { integer, portName } from "./default-fields.js";
import { ingressSchema } from "./default-ingress.schema.js";
import { probeSchema } from "./default-probes.schema.js";

const nameExpectation =
  "a lowercase DNS label starting with a letter (a-z, 0-9, '-'; not ending with '-'), at most 63 characters";
// Object names are the app name itself; a Service name must be a DNS-1035 label, the strictest rule of the lot.
const appName = z
  .string({ error: fieldError("name", nameExpectation) })
  .max(63, { error: "name must be at most 63 characters", abort: true })
  .regex(DNS_1035_LABEL, { error: `name must be ${nameExpectation}` });

const portSchema = z.strictObject(
  {
    name: portName("ports[].name").optional(),
    port: integer("ports[].port", 1, 65535),
    containerPort: integer("ports[].containerPort", 1, 65535).optional(),
    protocol: z
      .enum(["TCP", "UDP", "SCTP"], { error: fieldError("ports[].protocol", "TCP, UDP or SCTP") })
      .default("TCP"),
  },
  { error: fieldError("ports[]", "an object { name?, port, containerPort?, protocol? }") },
);

const envSchema = z.strictObject(
  {
    name: envNameSchema("env[].name"),
    value: textSchema("env[].value", "a string (quote numbers and booleans)"),
  },
  { error: fieldError("env[]", "an object { name, value }") },
);

const autoscalingSchema = z.strictObject(
  {
    min: integer("autoscaling.min", 1, 1000),
    max: integer("autoscaling.max", 1, 1000),
    cpuPercent: integer("autoscaling.cpuPercent", 1, 1000).optional(),
    memoryPercent: integer("autoscaling.memoryPercent", 1, 1000).optional(),
  },
  { error: fieldError("autoscaling", "an object { min, max, cpuPercent?, memoryPercent? }") },
);

const resourcesSchema = z.strictObject(
  {
    requests: z
      .strictObject(
        {
          cpu: quantitySchema("resources.requests.cpu", "100m").default("100m"),
          memory: quantitySchema("resources.requests.memory", "128Mi").default("128Mi"),
        },
        { error: fieldError("resources.requests", "an object { cpu?, memory? }") },
      )
      .prefault({}),
    limits: z
      .strictObject(
        {
          // No CPU limit by default: a CPU limit throttles a busy app long before the node is short of CPU.
          cpu: quantitySchema("resources.limits.cpu", "500m").optional(),
          memory: quantitySchema("resources.limits.memory", "256Mi").default("256Mi"),
        },
        { error: fieldError("resources.limits", "an object { cpu?, memory? }") },
      )
      .prefault({}),
  },
  { error: fieldError("resources", "an object { requests?, limits? }") },
);

const securitySchema = z.strictObject(
  {
    runAsNonRoot: z.boolean({ error: fieldError("security.runAsNonRoot", "true or false") }).optional(),
    runAsUser: integer("security.runAsUser", 0, 2147483647).optional(),
    readOnlyRootFilesystem: z
      .boolean({ error: fieldError("security.readOnlyRootFilesystem", "true or false") })
      .default(false),
  },
  { error: fieldError("security", "an object { runAsNonRoot?, runAsUser?, readOnlyRootFilesystem? }") },
);

const serviceSchema = z.strictObject(
  {
    type: z
      .enum(["ClusterIP", "LoadBalancer"], { error: fieldError("service.type", "ClusterIP or LoadBalancer") })
      .default("ClusterIP"),
    loadBalancerClass: z
      .string({ error: fieldError("service.loadBalancerClass", "a load balancer class like tailscale") })
      .max(253, { error: "service.loadBalancerClass must be at most 253 characters", abort: true })
      .regex(
        /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
        {
          error: "service.loadBalancerClass must be a load balancer class like tailscale or example.com/lb",
        },
      )
      .optional(),
    annotations: annotationsSchema("service.annotations").optional(),
  },
  { error: fieldError("service", "an object { type?, loadBalancerClass?, annotations? }") },
);

export const applicationSpecSchema = z.strictObject(
  {
    name: appName.describe(
      "The app's name: every object is named after it (a DNS label starting with a letter).",
    ),
    image: imageSchema("image").describe("Container image; a version tag becomes app.kubernetes.io/version."),
    component: labelValueSchema("component").describe("app.kubernetes.io/component label.").optional(),
    partOf: labelValueSchema("partOf").describe("app.kubernetes.io/part-of label.").optional(),
    ports: z
      .array(portSchema, {
        error: fieldError("ports", "a list of { name?, port, containerPort?, protocol? }"),
      })
      .min(1, { error: "ports must list at least one port" })
      .max(100, { error: "ports must list at most 100 ports" })
      .describe("Ports the app listens on; the Service exposes each."),
    env: z
      .array(envSchema, { error: fieldError("env", "a list of { name, value }") })
      .describe("Environment variables, in order.")
      .default([]),
    replicas: integer("replicas", 0, 1000)
      .describe("Fixed pod count (default 1); not with autoscaling.")
      .optional(),
    autoscaling: autoscalingSchema
      .describe("A HorizontalPodAutoscaler between min and max; not with replicas.")
      .optional(),
    resources: resourcesSchema.describe("Container requests and limits.").prefault({}),
    probes: z
      .strictObject(
        {
          liveness: probeSchema("liveness").optional(),
          readiness: probeSchema("readiness").optional(),
          startup: probeSchema("startup").optional(),
        },
        { error: fieldError("probes", "an object { liveness?, readiness?, startup? }") },
      )
      .describe("Health checks; none unless given.")
      .prefault({}),
    security: securitySchema.describe("Pod security options on top of the always-on hardening.").prefault({}),
    service: serviceSchema.describe("The Service: ClusterIP unless LoadBalancer is asked for.").prefault({}),
    ingress: ingressSchema.describe("An Ingress for one host, optionally with TLS.").optional(),
    imagePullSecrets: z
      .array(dnsSubdomainSchema("imagePullSecrets[]"), {
        error: fieldError("imagePullSecrets", "a list of Secret names"),
      })
      .describe("Secrets to pull the image with.")
      .default([]),
  },
  { error: fieldError("the application spec", "an object { name, image, ports, ... }") },
);

/** The spec with defaults applied: what the cross-field checks and the template model start from. */
export type DefaultAppParsed = z.output<typeof applicationSpecSchema>;
