// What an object costs a ResourceQuota, as kube's quota evaluators count it (pkg/quota/v1/evaluator/core and the
// generic object-count evaluator): shared by the ResourceQuota admission check and the quota controller that keeps
// every quota's status.used current.
import type { NewObject, ObjectStore, StoredObject } from "../contract.js";
import { qualifiedResource, type ResourceInfo } from "../resources.js";
import { addLists, parseList, type Quantity, type ResourceList } from "./quantity.js";

const ONE: Quantity = { milli: 1000, format: "DecimalSI" };

/** The resources whose quota the pod evaluator answers for (its podResources, minus ephemeral storage's prefixes). */
const POD_RESOURCES = new Set([
  "count/pods",
  "pods",
  "cpu",
  "memory",
  "ephemeral-storage",
  "requests.cpu",
  "requests.memory",
  "requests.ephemeral-storage",
  "limits.cpu",
  "limits.memory",
  "limits.ephemeral-storage",
]);

const SERVICE_RESOURCES = new Set([
  "count/services",
  "services",
  "services.loadbalancers",
  "services.nodeports",
]);

const CLAIM_RESOURCES = new Set([
  "count/persistentvolumeclaims",
  "persistentvolumeclaims",
  "requests.storage",
]);

/** Object counts that predate `count/…` and are still accepted under their bare names. */
const LEGACY_COUNTS = new Set([
  "configmaps",
  "secrets",
  "resourcequotas",
  "persistentvolumeclaims",
  "replicationcontrollers",
]);

/** "count/pods", "count/deployments.apps". */
export function objectCountName(info: Pick<ResourceInfo, "group" | "plural">): string {
  return `count/${qualifiedResource(info)}`;
}

/** Which of a quota's hard resources the evaluator for `info` tracks (quota's MatchingResources). */
export function matchingResources(
  info: Pick<ResourceInfo, "group" | "plural">,
  hard: readonly string[],
): string[] {
  if (info.group === "" && info.plural === "pods")
    return hard.filter(
      (key) =>
        POD_RESOURCES.has(key) || key.startsWith("hugepages-") || key.startsWith("requests.hugepages-"),
    );
  if (info.group === "" && info.plural === "services")
    return hard.filter((key) => SERVICE_RESOURCES.has(key));
  if (info.group === "" && info.plural === "persistentvolumeclaims")
    return hard.filter((key) => CLAIM_RESOURCES.has(key));
  const count = objectCountName(info);
  return hard.filter(
    (key) => key === count || (info.group === "" && LEGACY_COUNTS.has(key) && key === info.plural),
  );
}

interface ContainerShape {
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

interface PodShape {
  metadata: { deletionTimestamp?: string };
  spec?: { containers?: ContainerShape[]; initContainers?: ContainerShape[] };
  status?: { phase?: string };
}

/** Succeeded and Failed pods hold no compute quota (they still count for count/pods). */
export function isTerminal(pod: NewObject): boolean {
  const phase = (pod as unknown as PodShape).status?.phase;
  return phase === "Succeeded" || phase === "Failed";
}

/** resourcehelper.PodRequests/PodLimits: the containers' sum, or the largest init container's figure if that is more. */
function podResources(pod: PodShape, kind: "requests" | "limits"): ResourceList {
  let total: ResourceList = new Map();
  for (const container of pod.spec?.containers ?? [])
    total = addLists(total, parseList(container.resources?.[kind]));
  for (const container of pod.spec?.initContainers ?? []) {
    for (const [key, value] of parseList(container.resources?.[kind])) {
      const current = total.get(key);
      if (!current || value.milli > current.milli) total.set(key, value);
    }
  }
  return total;
}

function podUsage(object: NewObject): ResourceList {
  const usage: ResourceList = new Map([["count/pods", ONE]]);
  if (isTerminal(object)) return usage;
  const pod = object as unknown as PodShape;
  usage.set("pods", ONE);
  for (const [key, value] of podResources(pod, "requests")) {
    if (key === "cpu" || key === "memory" || key === "ephemeral-storage") usage.set(key, value);
    if (key === "cpu" || key === "memory" || key === "ephemeral-storage" || key.startsWith("hugepages-"))
      usage.set(`requests.${key}`, value);
    if (key.startsWith("hugepages-")) usage.set(key, value);
  }
  for (const [key, value] of podResources(pod, "limits")) {
    if (key === "cpu" || key === "memory" || key === "ephemeral-storage") usage.set(`limits.${key}`, value);
  }
  return usage;
}

function serviceUsage(object: NewObject): ResourceList {
  const spec = (object.spec ?? {}) as { type?: string; ports?: unknown[] };
  const usage: ResourceList = new Map([
    ["count/services", ONE],
    ["services", ONE],
  ]);
  if (spec.type === "LoadBalancer") usage.set("services.loadbalancers", ONE);
  if (spec.type === "LoadBalancer" || spec.type === "NodePort")
    usage.set("services.nodeports", { milli: 1000 * (spec.ports?.length ?? 0), format: "DecimalSI" });
  return usage;
}

/** A claim counts once and for the storage it requests (storage classes' own quotas are not simulated). */
function claimUsage(object: NewObject): ResourceList {
  const spec = (object.spec ?? {}) as { resources?: { requests?: Record<string, unknown> } };
  const usage: ResourceList = new Map([
    ["count/persistentvolumeclaims", ONE],
    ["persistentvolumeclaims", ONE],
  ]);
  const storage = parseList(spec.resources?.requests).get("storage");
  if (storage !== undefined) usage.set("requests.storage", storage);
  return usage;
}

/** What one object of `info` uses of every quota resource it can use. */
export function usageOf(info: Pick<ResourceInfo, "group" | "plural">, object: NewObject): ResourceList {
  if (info.group === "" && info.plural === "pods") return podUsage(object);
  if (info.group === "" && info.plural === "services") return serviceUsage(object);
  if (info.group === "" && info.plural === "persistentvolumeclaims") return claimUsage(object);
  const usage: ResourceList = new Map([[objectCountName(info), ONE]]);
  if (info.group === "" && LEGACY_COUNTS.has(info.plural)) usage.set(info.plural, ONE);
  return usage;
}

/** A quota's hard figures: status.hard once the controller has copied them, the spec's before. */
export function hardOf(quota: NewObject): ResourceList {
  const status = quota.status as { hard?: Record<string, unknown> } | undefined;
  const spec = quota.spec as { hard?: Record<string, unknown> } | undefined;
  const fromStatus = parseList(status?.hard);
  return fromStatus.size > 0 ? fromStatus : parseList(spec?.hard);
}

/** Admission only reads: the stored objects themselves where the store can hand them out, copies otherwise. */
export function readList(store: ObjectStore, resource: string, namespace: string): readonly StoredObject[] {
  return store.peekList ? store.peekList(resource, namespace) : store.list(resource, namespace);
}

/** Admission plugins take a namespace's quotas and LimitRanges in name order, so the first refusal is stable. */
export function byName(objects: readonly StoredObject[]): StoredObject[] {
  return [...objects].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}
