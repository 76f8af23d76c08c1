// default@2 project spec: a namespace with guard rails. Quota, default container limits and network isolation are
// on by default (a shared cluster needs them) and each can be tuned or switched off.
import { z } from "zod";
import { fieldError } from "../shared/field-error.js";
import { labelMapSchema, namespaceNameSchema } from "../shared/kubernetes-rules.js";
import { checkNotAbove, quantitySchema } from "../shared/quantity.js";

function enabled(field: string) {
  return z.boolean({ error: fieldError(`${field}.enabled`, "true or false") }).default(true);
}

function countSchema(field: string) {
  const expectation = "an integer from 0 to 100000";
  return z
    .int({ error: fieldError(field, expectation) })
    .min(0, { error: `${field} must be ${expectation}` })
    .max(100000, { error: `${field} must be ${expectation}` });
}

function count(field: string, fallback: number) {
  return countSchema(field).default(fallback);
}

/** `{ cpu, memory }` with per-resource defaults; `cpu: undefined` means no CPU figure at all. */
function cpuMemory(field: string, defaults: { cpu?: string; memory: string }) {
  const cpu = quantitySchema(`${field}.cpu`, defaults.cpu ?? "2");
  return z
    .strictObject(
      {
        cpu: defaults.cpu === undefined ? cpu.optional() : cpu.default(defaults.cpu),
        memory: quantitySchema(`${field}.memory`, defaults.memory).default(defaults.memory),
      },
      { error: fieldError(field, "an object { cpu?, memory? }") },
    )
    .prefault({});
}

const quotaFields = {
  enabled: enabled("quota"),
  requests: cpuMemory("quota.requests", { cpu: "4", memory: "8Gi" }),
  // No CPU limit total by default, matching the apps' default of no CPU limit.
  limits: cpuMemory("quota.limits", { memory: "16Gi" }),
  pods: count("quota.pods", 50),
  services: count("quota.services", 20),
};

const quotaSchema = z.strictObject(quotaFields, {
  error: fieldError("quota", "an object { enabled?, requests?, limits?, pods?, services? }"),
});

// default@2.1 adds storage caps, off unless given (a 2.0 project spec renders the same quota).
const quota21Schema = z.strictObject(
  {
    ...quotaFields,
    storage: quantitySchema("quota.storage", "50Gi")
      .describe("requests.storage: the total size of the namespace's PersistentVolumeClaims.")
      .optional(),
    persistentVolumeClaims: countSchema("quota.persistentVolumeClaims")
      .describe("How many PersistentVolumeClaims the namespace may hold.")
      .optional(),
  },
  {
    error: fieldError(
      "quota",
      "an object { enabled?, requests?, limits?, pods?, services?, storage?, persistentVolumeClaims? }",
    ),
  },
);

const limitsSchema = z.strictObject(
  {
    enabled: enabled("limits"),
    defaultRequest: cpuMemory("limits.defaultRequest", { cpu: "100m", memory: "128Mi" }),
    default: cpuMemory("limits.default", { memory: "256Mi" }),
    max: z
      .strictObject(
        {
          cpu: quantitySchema("limits.max.cpu", "2").optional(),
          memory: quantitySchema("limits.max.memory", "2Gi").optional(),
        },
        { error: fieldError("limits.max", "an object { cpu?, memory? }") },
      )
      .optional(),
  },
  { error: fieldError("limits", "an object { enabled?, defaultRequest?, default?, max? }") },
);

const networkPolicySchema = z.strictObject(
  {
    enabled: enabled("networkPolicy"),
    // Where the ingress controller runs; its traffic is let in. Every namespace carries kubernetes.io/metadata.name.
    ingressNamespaceSelector: labelMapSchema("networkPolicy.ingressNamespaceSelector")
      .refine((labels) => Object.keys(labels).length > 0, {
        error:
          "networkPolicy.ingressNamespaceSelector needs at least one label (an empty selector lets every namespace in)",
      })
      .default({ "kubernetes.io/metadata.name": "ingress-nginx" }),
  },
  { error: fieldError("networkPolicy", "an object { enabled?, ingressNamespaceSelector? }") },
);

const projectSpecSchema = z.strictObject(
  {
    name: namespaceNameSchema("name").describe("The namespace name (a DNS label)."),
    podSecurity: z
      .enum(["privileged", "baseline", "restricted"], {
        error: fieldError("podSecurity", "privileged, baseline or restricted"),
      })
      .describe("Pod Security Admission level the namespace enforces.")
      .default("baseline"),
    quota: quotaSchema.describe("A ResourceQuota capping the namespace.").prefault({}),
    limits: limitsSchema.describe("A LimitRange giving containers default requests and limits.").prefault({}),
    networkPolicy: networkPolicySchema
      .describe("A NetworkPolicy letting in only the namespace itself and the ingress controller.")
      .prefault({}),
  },
  {
    error: fieldError(
      "the project spec",
      "an object { name, podSecurity?, quota?, limits?, networkPolicy? }",
    ),
  },
);

type ProjectSpec = z.output<typeof projectSpecSchema>;

function checkProject(spec: ProjectSpec, context: z.RefinementCtx): void {
  const { limits, quota } = spec;
  if (limits.enabled) {
    // The API server refuses a LimitRange whose default request exceeds its default limit or its max.
    for (const resource of ["cpu", "memory"] as const) {
      const request = {
        field: `limits.defaultRequest.${resource}`,
        path: ["limits", "defaultRequest", resource],
        value: limits.defaultRequest[resource],
      };
      checkNotAbove(context, request, {
        field: `limits.default.${resource}`,
        value: limits.default[resource],
      });
      checkNotAbove(context, request, { field: `limits.max.${resource}`, value: limits.max?.[resource] });
      checkNotAbove(
        context,
        {
          field: `limits.default.${resource}`,
          path: ["limits", "default", resource],
          value: limits.default[resource],
        },
        { field: `limits.max.${resource}`, value: limits.max?.[resource] },
      );
    }
  }
  // A CPU-limit quota makes every pod declare a CPU limit; without a default one, apps that set none are refused.
  if (
    quota.enabled &&
    quota.limits.cpu !== undefined &&
    !(limits.enabled && limits.default.cpu !== undefined)
  ) {
    context.addIssue({
      code: "custom",
      path: ["quota", "limits", "cpu"],
      message:
        "quota.limits.cpu needs limits.default.cpu (with limits enabled), or pods without a CPU limit are refused",
    });
  }
}

export const defaultProjectSchema = projectSpecSchema.superRefine(checkProject);

/** default@2.1's project: 2.0's, with optional storage caps in the quota. */
export const defaultProject21Schema = projectSpecSchema
  .extend({ quota: quota21Schema.describe("A ResourceQuota capping the namespace.").prefault({}) })
  .superRefine(checkProject);

export type DefaultProjectSpec = z.input<typeof defaultProjectSchema>;
export type DefaultProjectValues = z.output<typeof defaultProjectSchema>;
export type DefaultProject21Spec = z.input<typeof defaultProject21Schema>;
export type DefaultProject21Values = z.output<typeof defaultProject21Schema>;
