// The ResourceQuota admission plugin (plugin/pkg/admission/resourcequota) and the quota controller's usage count
// (pkg/controller/resourcequota): a create (or a Service update) that would take a namespace over a quota's hard figure
// is refused with 403 and the plugin's own wording, and status.used adds up what the namespace's objects use.
import type { NewObject, ObjectStore, StoredObject } from "../contract.js";
import { STORED_RESOURCES, type ResourceInfo } from "../resources.js";
import {
  addLists,
  formatQuantity,
  parseQuantity,
  prettyPrint,
  type Quantity,
  type ResourceList,
} from "./quantity.js";
import { byName, hardOf, isTerminal, matchingResources, readList, usageOf } from "./usage.js";

/** If a quota tracks cpu or memory, every container must state it (kube calls this its own mistake, kept for compatibility). */
const VALIDATION_SET = new Set([
  "cpu",
  "memory",
  "requests.cpu",
  "requests.memory",
  "limits.cpu",
  "limits.memory",
]);

/** Which container figure a validation-set resource needs. */
function containerHas(container: ContainerShape, resource: string): boolean {
  const [kind, name] = resource.includes(".") ? resource.split(".") : ["requests", resource];
  return parseQuantity(container.resources?.[kind as "requests" | "limits"]?.[name!]) !== undefined;
}

interface ContainerShape {
  name?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

/** The pod evaluator's Constraints: "must specify limits.memory for: web; requests.cpu for: init,web". */
function podConstraints(pod: NewObject, tracked: readonly string[]): string | undefined {
  const required = tracked.filter((key) => VALIDATION_SET.has(key));
  const spec = pod.spec as { containers?: ContainerShape[]; initContainers?: ContainerShape[] } | undefined;
  const missing = new Map<string, Set<string>>();
  for (const container of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    for (const resource of required) {
      if (containerHas(container, resource)) continue;
      const names = missing.get(resource) ?? new Set<string>();
      names.add(container.name ?? "");
      missing.set(resource, names);
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()]
    .sort()
    .map((resource) => `${resource} for: ${[...missing.get(resource)!].sort().join(",")}`);
  return `must specify ${parts.join("; ")}`;
}

/** What the namespace's objects use of each of `keys` (zero where nothing does), as the quota controller counts it. */
export function namespaceUsage(store: ObjectStore, namespace: string, keys: readonly string[]): ResourceList {
  let used: ResourceList = new Map(
    keys.map((key): [string, Quantity] => [key, { milli: 0, format: "DecimalSI" }]),
  );
  const zero = new Set(keys);
  for (const info of STORED_RESOURCES) {
    if (!info.namespaced) continue;
    const matched = matchingResources(info, keys);
    if (matched.length === 0) continue;
    for (const object of readList(store, info.plural, namespace)) {
      const usage = usageOf(info, object);
      for (const key of matched) {
        const value = usage.get(key);
        if (!value) continue;
        // The first real figure sets the sum's format (256Mi stays binary), as quota.Add does.
        if (zero.delete(key)) used.set(key, { ...value });
        else used = addLists(used, new Map([[key, value]]));
      }
    }
  }
  return used;
}

/** The status the quota controller writes: hard as the spec says, used for each hard resource. */
export function quotaStatus(
  store: ObjectStore,
  quota: StoredObject,
): { hard: Record<string, string>; used: Record<string, string> } {
  const spec = quota.spec as { hard?: Record<string, string> } | undefined;
  const hard = { ...(spec?.hard ?? {}) };
  const used = namespaceUsage(store, quota.metadata.namespace ?? "default", Object.keys(hard));
  return {
    hard,
    used: Object.fromEntries(Object.keys(hard).map((key) => [key, formatUsed(used.get(key))])),
  };
}

function formatUsed(quantity: Quantity | undefined): string {
  return quantity ? formatQuantity(quantity) : "0";
}

/**
 * The quota check for a create (old undefined) or an update of `object` in `namespace`: the reason it is refused, or
 * undefined. Every quota that tracks something the object uses is checked in name order; the first refusal wins.
 */
export function quotaRefusal(
  store: ObjectStore,
  info: ResourceInfo,
  namespace: string,
  object: NewObject,
  old: StoredObject | undefined,
): string | undefined {
  // Pods are charged on create only (their resources cannot change); everything else on create and update.
  if (old && info.plural === "pods" && info.group === "") return undefined;
  const quotas = byName(readList(store, "resourcequotas", namespace));
  if (quotas.length === 0) return undefined;
  const usage = usageOf(info, object);
  const previous = old ? usageOf(info, old) : new Map<string, Quantity>();
  for (const quota of quotas) {
    const hard = hardOf(quota);
    const tracked = matchingResources(info, [...hard.keys()]);
    if (tracked.length === 0) continue;
    if (info.plural === "pods" && info.group === "" && !isTerminal(object)) {
      const missing = podConstraints(object, tracked);
      if (missing) return `failed quota: ${quota.metadata.name}: ${missing}`;
    }
    const requested: ResourceList = new Map();
    for (const key of tracked) {
      const delta = (usage.get(key)?.milli ?? 0) - (previous.get(key)?.milli ?? 0);
      if (delta > 0) requested.set(key, { milli: delta, format: usage.get(key)!.format });
    }
    if (requested.size === 0) continue;
    const used = namespaceUsage(store, namespace, tracked);
    const exceeded = [...requested.keys()].filter(
      (key) => (used.get(key)?.milli ?? 0) + requested.get(key)!.milli > hard.get(key)!.milli,
    );
    if (exceeded.length > 0) {
      return `exceeded quota: ${quota.metadata.name}, requested: ${prettyPrint(requested, exceeded)}, used: ${prettyPrint(used, exceeded)}, limited: ${prettyPrint(hard, exceeded)}`;
    }
  }
  return undefined;
}
