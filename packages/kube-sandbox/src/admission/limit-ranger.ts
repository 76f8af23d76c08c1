// The LimitRanger admission plugin (plugin/pkg/admission/limitranger) for pods and a namespace's Container limits:
// missing requests and limits are filled from the LimitRanges' defaults (and the pod annotated with what was set),
// then min, max and maxLimitRequestRatio are enforced with the plugin's own messages.
import type { NewObject, StoredObject } from "../contract.js";
import { formatQuantity, parseList, type Quantity, type ResourceList } from "./quantity.js";

const ANNOTATION = "kubernetes.io/limit-ranger";

interface LimitRangeItem {
  type?: string;
  default?: Record<string, unknown>;
  defaultRequest?: Record<string, unknown>;
  max?: Record<string, unknown>;
  min?: Record<string, unknown>;
  maxLimitRequestRatio?: Record<string, unknown>;
}

interface Container {
  name: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  [field: string]: unknown;
}

interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
}

function containerItems(limitRange: StoredObject): LimitRangeItem[] {
  const spec = limitRange.spec as { limits?: LimitRangeItem[] } | undefined;
  return (spec?.limits ?? []).filter((item) => item.type === "Container");
}

/**
 * The item's defaults as the API server stores them (SetDefaults_LimitRangeItem): default falls back to max, and
 * defaultRequest to default, then to min.
 */
function defaultsOf(item: LimitRangeItem): {
  limits: Record<string, unknown>;
  requests: Record<string, unknown>;
} {
  const limits = { ...item.max, ...item.default };
  const requests = { ...item.min, ...limits, ...item.defaultRequest };
  return { limits, requests };
}

function defaultRequestsFromLimits(container: Container): Container {
  const limits = container.resources?.limits;
  if (!limits) return container;
  const requests = { ...limits, ...container.resources?.requests };
  return { ...container, resources: { ...container.resources, requests } };
}

/**
 * Admit: fills missing requests and limits from each LimitRange in turn (what an earlier one set stays), annotating
 * the pod with what the last one that set anything set; returns the pod to store.
 */
export function defaultPodResources(pod: NewObject, limitRanges: readonly StoredObject[]): NewObject {
  let result = pod;
  for (const limitRange of limitRanges) result = applyDefaults(result, limitRange);
  return result;
}

/** Pod defaulting, which runs before admission: a container with a limit and no request requests its limit. */
export function defaultPodRequests(pod: NewObject): NewObject {
  const spec = (pod.spec ?? {}) as PodSpec;
  return {
    ...pod,
    spec: {
      ...spec,
      ...(spec.containers ? { containers: spec.containers.map(defaultRequestsFromLimits) } : {}),
      ...(spec.initContainers ? { initContainers: spec.initContainers.map(defaultRequestsFromLimits) } : {}),
    },
  };
}

function applyDefaults(pod: NewObject, limitRange: StoredObject): NewObject {
  const spec = pod.spec as PodSpec;
  const defaults = { limits: {} as Record<string, unknown>, requests: {} as Record<string, unknown> };
  for (const item of containerItems(limitRange)) {
    const itemDefaults = defaultsOf(item);
    Object.assign(defaults.limits, itemDefaults.limits);
    Object.assign(defaults.requests, itemDefaults.requests);
  }
  const notes: string[] = [];
  const fill = (container: Container, what: string): Container => {
    const limits = { ...container.resources?.limits };
    const requests = { ...container.resources?.requests };
    const setLimits = Object.keys(defaults.limits).filter((key) => !(key in limits));
    const setRequests = Object.keys(defaults.requests).filter((key) => !(key in requests));
    if (setLimits.length === 0 && setRequests.length === 0) return container;
    for (const key of setLimits) limits[key] = defaults.limits[key];
    for (const key of setRequests) requests[key] = defaults.requests[key];
    if (setRequests.length > 0)
      notes.push(`${setRequests.sort().join(", ")} request for ${what} ${container.name}`);
    if (setLimits.length > 0)
      notes.push(`${setLimits.sort().join(", ")} limit for ${what} ${container.name}`);
    return { ...container, resources: { ...container.resources, limits, requests } };
  };
  const containers = spec.containers?.map((container) => fill(container, "container"));
  const initContainers = spec.initContainers?.map((container) => fill(container, "init container"));
  if (notes.length === 0) return pod;
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      annotations: {
        ...pod.metadata.annotations,
        [ANNOTATION]: `LimitRanger plugin set: ${notes.join("; ")}`,
      },
    },
    spec: {
      ...spec,
      ...(containers ? { containers } : {}),
      ...(initContainers ? { initContainers } : {}),
    },
  };
}

function compare(value: Quantity, enforced: Quantity): number {
  return value.milli - enforced.milli;
}

function text(list: ResourceList, key: string): string {
  return formatQuantity(list.get(key)!);
}

function checkContainer(item: LimitRangeItem, container: Container): string[] {
  const requests = parseList(container.resources?.requests);
  const limits = parseList(container.resources?.limits);
  const errors: string[] = [];
  for (const [key, enforced] of parseList(item.min)) {
    const bound = formatQuantity(enforced);
    const request = requests.get(key);
    const limit = limits.get(key);
    if (!request) errors.push(`minimum ${key} usage per Container is ${bound}.  No request is specified`);
    else if (compare(request, enforced) < 0)
      errors.push(`minimum ${key} usage per Container is ${bound}, but request is ${text(requests, key)}`);
    else if (limit && compare(limit, enforced) < 0)
      errors.push(`minimum ${key} usage per Container is ${bound}, but limit is ${text(limits, key)}`);
  }
  for (const [key, enforced] of parseList(item.max)) {
    const bound = formatQuantity(enforced);
    const request = requests.get(key);
    const limit = limits.get(key);
    if (!limit) errors.push(`maximum ${key} usage per Container is ${bound}.  No limit is specified`);
    else if (compare(limit, enforced) > 0)
      errors.push(`maximum ${key} usage per Container is ${bound}, but limit is ${text(limits, key)}`);
    else if (request && compare(request, enforced) > 0)
      errors.push(`maximum ${key} usage per Container is ${bound}, but request is ${text(requests, key)}`);
  }
  for (const [key, enforced] of parseList(item.maxLimitRequestRatio)) {
    const bound = formatQuantity(enforced);
    const request = requests.get(key);
    const limit = limits.get(key);
    if (!request || request.milli === 0)
      errors.push(
        `${key} max limit to request ratio per Container is ${bound}, but no request is specified or request is 0`,
      );
    else if (!limit || limit.milli === 0)
      errors.push(
        `${key} max limit to request ratio per Container is ${bound}, but no limit is specified or limit is 0`,
      );
    else if (limit.milli / request.milli > enforced.milli / 1000)
      errors.push(
        `${key} max limit to request ratio per Container is ${bound}, but provided ratio is ${(limit.milli / request.milli).toFixed(6)}`,
      );
  }
  return errors;
}

/**
 * Validate: the reason the pod breaks a LimitRange, or undefined. Like the plugin, the first LimitRange with
 * violations refuses the pod with all of them (utilerrors.NewAggregate: one message alone, several in brackets).
 */
export function limitRangeRefusal(pod: NewObject, limitRanges: readonly StoredObject[]): string | undefined {
  const containers = ((pod.spec ?? {}) as PodSpec).containers ?? [];
  for (const limitRange of limitRanges) {
    const errors = containerItems(limitRange).flatMap((item) =>
      containers.flatMap((container) => checkContainer(item, container)),
    );
    if (errors.length === 1) return errors[0];
    if (errors.length > 1) return `[${errors.join(", ")}]`;
  }
  return undefined;
}
