// A project's overview: its namespace's ResourceQuota (hard and used), the defaults its LimitRanges give containers
// that state no requests or limits (so a deploy form can tell what a deploy will need), and each app's current CPU and
// memory, from the same source as the charts.
import { quantityValue, type KubernetesObject } from "@babyhelm/manifest-sdk";
import { listAppsWithManifests } from "../applications/app.repository.js";
import { ClusterError } from "../cluster/cluster.js";
import type { Services } from "../services.js";
import {
  cadvisorSelector,
  cpuQuery,
  memoryQuery,
  metricSource,
  NO_METRICS_API,
  type AppMetrics,
} from "./app-metrics.js";
import { appPods, podNamePattern, type Resources } from "./app-pods.js";
import { PrometheusError, queryInstant } from "./prometheus-client.js";

export interface Quantity {
  /** As Kubernetes wrote it: "8Gi", "500m". */
  quantity: string;
  /** In base units: cores, bytes, a count. */
  value: number | null;
}

export interface QuotaUsage {
  name: string;
  hard: Record<string, Quantity>;
  used: Record<string, Quantity>;
  /** cluster: the quota's own status; computed: added up here from the pods (the cluster reported none). */
  usedFrom: "cluster" | "computed";
}

export interface AppUsage {
  name: string;
  /** Running pods. */
  pods: number;
  /** Cores and bytes now, over the app's pods; null where the source has no figure. */
  cpu: number | null;
  memory: number | null;
  /** Per pod, from the current manifests. */
  requests: Resources;
  limits: Resources;
}

/** What the namespace's LimitRanges fill in for a container without its own figures (LimitRanger's defaults). */
export interface ContainerDefaults {
  requests: Record<string, Quantity>;
  limits: Record<string, Quantity>;
}

/** The namespace's PersistentVolumeClaims (apps' and kept ones) against its quota's storage limits. */
export interface StorageUsage {
  /** Storage requested by the claims: the quota's own count when it reports one, else added up here. */
  used: Quantity;
  /** The quota's `requests.storage`; null when no quota limits it. */
  hard: Quantity | null;
  claims: number;
  /** The quota's `persistentvolumeclaims`; null when no quota limits it. */
  claimsHard: number | null;
}

export interface ProjectUsage {
  namespace: string;
  source: AppMetrics["source"];
  available: boolean;
  reason?: string;
  quotas: QuotaUsage[];
  containerDefaults: ContainerDefaults;
  apps: AppUsage[];
  storage: StorageUsage;
  at: string;
}

const APP_LIMIT = 500;

export async function readProjectUsage(
  services: Pick<Services, "db" | "cluster" | "clusterState" | "config" | "now">,
  project: { id: string; namespace: string },
): Promise<ProjectUsage> {
  const { clusterState } = services;
  const namespace = project.namespace;
  const now = services.now();
  const apps = await listAppsWithManifests(services.db.kysely, { projectId: project.id, limit: APP_LIMIT });
  const [quotas, limitRanges, pods, claims, current] = await Promise.all([
    clusterState.list("v1", "ResourceQuota", { namespace }),
    clusterState.list("v1", "LimitRange", { namespace }),
    clusterState.list("v1", "Pod", { namespace }),
    clusterState.list("v1", "PersistentVolumeClaim", { namespace }),
    currentUsage(services, namespace, Math.floor(now.getTime() / 1000)),
  ]);
  const running = pods.filter(
    (pod) => phaseOf(pod) === "Running" && pod.metadata.deletionTimestamp === undefined,
  );

  const usage: AppUsage[] = apps.map((app) => {
    const selection = appPods(app.manifests);
    const own =
      selection === undefined ? [] : running.filter((pod) => selection.selects(pod.metadata.labels));
    const figures =
      current.byPod === undefined || selection === undefined
        ? undefined
        : current.prometheus
          ? [...current.byPod].filter(([pod]) =>
              new RegExp(`^${podNamePattern(selection.deploymentName)}$`).test(pod),
            )
          : own.flatMap((pod) => {
              const found = current.byPod?.get(pod.metadata.name);
              return found === undefined ? [] : [[pod.metadata.name, found] as const];
            });
    return {
      name: app.name,
      pods: own.length,
      cpu: figures === undefined ? null : figures.reduce((sum, [, value]) => sum + value.cpu, 0),
      memory: figures === undefined ? null : figures.reduce((sum, [, value]) => sum + value.memory, 0),
      requests: selection?.requests ?? {},
      limits: selection?.limits ?? {},
    };
  });

  const quotaUsages = quotas.map((quota) => quotaUsage(quota, pods));
  return {
    namespace,
    source: metricSource(services),
    available: current.reason === undefined,
    ...(current.reason === undefined ? {} : { reason: current.reason }),
    quotas: quotaUsages,
    containerDefaults: containerDefaults(limitRanges),
    apps: usage,
    storage: storageUsage(quotaUsages, claims),
    at: now.toISOString(),
  };
}

interface CurrentUsage {
  byPod: Map<string, { cpu: number; memory: number }> | undefined;
  /** Prometheus knows pods by name only: they are matched to apps by their Deployment's naming. */
  prometheus: boolean;
  reason: string | undefined;
}

async function currentUsage(
  services: Pick<Services, "cluster" | "config">,
  namespace: string,
  time: number,
): Promise<CurrentUsage> {
  const byPod = new Map<string, { cpu: number; memory: number }>();
  const entry = (pod: string) => {
    const found = byPod.get(pod) ?? { cpu: 0, memory: 0 };
    byPod.set(pod, found);
    return found;
  };
  const baseUrl = services.config.prometheusUrl;
  if (baseUrl !== undefined) {
    const selector = cadvisorSelector(namespace, ".+");
    try {
      const [cpu, memory] = await Promise.all([
        queryInstant(baseUrl, cpuQuery(selector), time),
        queryInstant(baseUrl, memoryQuery(selector), time),
      ]);
      for (const series of cpu) entry(series.metric.pod ?? "").cpu = series.values[0]?.[1] ?? 0;
      for (const series of memory) entry(series.metric.pod ?? "").memory = series.values[0]?.[1] ?? 0;
      return { byPod, prometheus: true, reason: undefined };
    } catch (error) {
      if (error instanceof PrometheusError)
        return { byPod: undefined, prometheus: true, reason: error.message };
      throw error;
    }
  }
  try {
    for (const pod of await services.cluster.podMetrics(namespace)) {
      const figures = entry(pod.pod);
      for (const container of pod.containers) {
        figures.cpu += container.cpuCores;
        figures.memory += container.memoryBytes;
      }
    }
    return { byPod, prometheus: false, reason: undefined };
  } catch (error) {
    if (error instanceof ClusterError && error.kind === "not-found") {
      return { byPod: undefined, prometheus: false, reason: NO_METRICS_API };
    }
    if (error instanceof ClusterError) {
      return {
        byPod: undefined,
        prometheus: false,
        reason: `CPU and memory cannot be read now: ${error.message}`,
      };
    }
    throw error;
  }
}

interface QuotaShape {
  metadata: { name: string };
  spec?: { hard?: Record<string, string> };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

function quotaUsage(object: KubernetesObject, pods: readonly KubernetesObject[]): QuotaUsage {
  const quota = object as unknown as QuotaShape;
  const hard = quota.status?.hard ?? quota.spec?.hard ?? {};
  const reported = quota.status?.used;
  const used = reported ?? computeUsed(Object.keys(hard), pods);
  return {
    name: quota.metadata.name,
    hard: quantities(hard),
    used: quantities(used),
    usedFrom: reported === undefined ? "computed" : "cluster",
  };
}

interface ClaimShape {
  spec?: { resources?: { requests?: { storage?: string } } };
}

/** The tightest quota limits on storage, and what the quota counts as used (or the claims' sizes added up). */
function storageUsage(quotas: readonly QuotaUsage[], claims: readonly KubernetesObject[]): StorageUsage {
  const tightest = (key: string) =>
    quotas
      .map((quota) => quota.hard[key])
      .filter((hard): hard is Quantity => hard?.value !== null && hard !== undefined)
      .sort((a, b) => (a.value ?? 0) - (b.value ?? 0))[0];
  const hard = tightest("requests.storage");
  const reported = quotas.find(
    (quota) => quota.usedFrom === "cluster" && quota.used["requests.storage"] !== undefined,
  )?.used["requests.storage"];
  const requested = claims.reduce(
    (sum, claim) => sum + (quantityValue((claim as ClaimShape).spec?.resources?.requests?.storage) ?? 0),
    0,
  );
  return {
    used: reported ?? { quantity: String(requested), value: requested },
    hard: hard ?? null,
    claims: claims.length,
    claimsHard: tightest("persistentvolumeclaims")?.value ?? null,
  };
}

interface LimitRangeShape {
  metadata: { name: string };
  spec?: {
    limits?: {
      type?: string;
      default?: Record<string, string>;
      defaultRequest?: Record<string, string>;
      max?: Record<string, string>;
      min?: Record<string, string>;
    }[];
  };
}

/**
 * The Container defaults as LimitRanger applies them: the first LimitRange (by name) to set a figure wins; within one,
 * default falls back to max and defaultRequest to default, then min, as the API server stores a LimitRange.
 */
function containerDefaults(objects: readonly KubernetesObject[]): ContainerDefaults {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  const ranges = (objects as unknown as LimitRangeShape[]).toSorted((a, b) =>
    a.metadata.name.localeCompare(b.metadata.name),
  );
  for (const range of ranges) {
    const own = { requests: {} as Record<string, string>, limits: {} as Record<string, string> };
    for (const item of range.spec?.limits ?? []) {
      if (item.type !== "Container") continue;
      const itemLimits = { ...item.max, ...item.default };
      Object.assign(own.limits, itemLimits);
      Object.assign(own.requests, { ...item.min, ...itemLimits, ...item.defaultRequest });
    }
    for (const [key, value] of Object.entries(own.limits)) limits[key] ??= value;
    for (const [key, value] of Object.entries(own.requests)) requests[key] ??= value;
  }
  return { requests: quantities(requests), limits: quantities(limits) };
}

interface PodShape {
  status?: { phase?: string };
  spec?: {
    containers?: { resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } }[];
  };
}

/** What the quota controller would count for the compute keys (pods not yet finished), where it reported nothing. */
function computeUsed(keys: readonly string[], pods: readonly KubernetesObject[]): Record<string, string> {
  const live = pods.filter((pod) => !["Succeeded", "Failed"].includes(phaseOf(pod) ?? ""));
  const used: Record<string, string> = {};
  for (const key of keys) {
    if (key === "pods") {
      used[key] = String(live.length);
      continue;
    }
    const match =
      /^(requests|limits)\.(cpu|memory)$/.exec(key) ?? (/^(cpu|memory)$/.exec(key) && [key, "requests", key]);
    if (!match) continue;
    const [, kind, resource] = match as [string, "requests" | "limits", "cpu" | "memory"];
    let total = 0;
    for (const pod of live) {
      for (const container of (pod as unknown as PodShape).spec?.containers ?? []) {
        total += quantityValue(container.resources?.[kind]?.[resource]) ?? 0;
      }
    }
    used[key] = resource === "cpu" ? `${Math.round(total * 1000)}m` : String(Math.round(total));
  }
  return used;
}

function quantities(values: Record<string, string>): Record<string, Quantity> {
  return Object.fromEntries(
    Object.entries(values).map(([key, quantity]) => [
      key,
      { quantity, value: quantityValue(quantity) ?? null },
    ]),
  );
}

function phaseOf(pod: KubernetesObject): string | undefined {
  return (pod as unknown as PodShape).status?.phase;
}
