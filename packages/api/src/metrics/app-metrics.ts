// CPU and memory of an app's pods over 1, 6 or 24 hours for charts: from Prometheus when PROMETHEUS_URL is set,
// otherwise from the server's own samples of metrics.k8s.io. A source that is missing is reported in plain words.
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { ClusterError } from "../cluster/cluster.js";
import type { Services } from "../services.js";
import { appPods, podNamePattern, type AppPods, type Resources } from "./app-pods.js";
import { readBucketedSamples } from "./metric-samples.repository.js";
import { PrometheusError, promString, queryRange } from "./prometheus-client.js";

export const METRIC_RANGES = {
  "1h": { seconds: 3600, stepSeconds: 60 },
  "6h": { seconds: 6 * 3600, stepSeconds: 300 },
  "24h": { seconds: 24 * 3600, stepSeconds: 900 },
} as const;
export type MetricRange = keyof typeof METRIC_RANGES;
export type MetricSource = "prometheus" | "metrics-server" | "sandbox";

/** [Unix seconds, value]. */
export type Point = [number, number];

export interface AppMetrics {
  source: MetricSource;
  available: boolean;
  /** Why `available` is false, in plain words, with what to do. */
  reason?: string;
  range: MetricRange;
  stepSeconds: number;
  series: {
    pods: { pod: string; cpu: Point[]; memory: Point[] }[];
    total: { cpu: Point[]; memory: Point[] };
  };
  /** Per pod, from the current manifests (CPU in cores, memory in bytes). */
  requests: Resources;
  limits: Resources;
}

export const NO_METRICS_API =
  "No metrics server is installed in the cluster (metrics.k8s.io is missing), so CPU and memory cannot be shown. " +
  "Install metrics-server in the cluster, or set PROMETHEUS_URL to a Prometheus that scrapes the kubelets.";

export function metricSource(services: Pick<Services, "config" | "cluster">): MetricSource {
  if (services.config.prometheusUrl !== undefined) return "prometheus";
  return services.cluster.mode === "sandbox" ? "sandbox" : "metrics-server";
}

/** The CPU and memory selectors of an app's containers in cAdvisor's series (not the pod's own cgroup nor "POD"). */
export function cadvisorSelector(namespace: string, podPattern: string): string {
  return `namespace=${promString(namespace)},pod=~${promString(podPattern)},container!="",container!="POD"`;
}

export function cpuQuery(selector: string): string {
  return `sum by (pod) (rate(container_cpu_usage_seconds_total{${selector}}[5m]))`;
}

export function memoryQuery(selector: string): string {
  return `sum by (pod) (container_memory_working_set_bytes{${selector}})`;
}

export async function readAppMetrics(
  services: Pick<Services, "db" | "cluster" | "config" | "now">,
  app: { id: string },
  manifests: readonly KubernetesObject[],
  range: MetricRange,
): Promise<AppMetrics> {
  const { seconds, stepSeconds } = METRIC_RANGES[range];
  const pods = appPods(manifests);
  const source = metricSource(services);
  const result: AppMetrics = {
    source,
    available: true,
    range,
    stepSeconds,
    series: { pods: [], total: { cpu: [], memory: [] } },
    requests: pods?.requests ?? {},
    limits: pods?.limits ?? {},
  };
  if (pods === undefined) {
    return { ...result, available: false, reason: "This app has no Deployment, so no pods to measure." };
  }
  const now = services.now().getTime();
  if (source === "prometheus") {
    const end = Math.floor(now / 1000);
    return fromPrometheus(services.config.prometheusUrl ?? "", pods, result, end - seconds, end);
  }
  return fromSamples(services, app, pods, result, new Date(now - seconds * 1000), new Date(now));
}

async function fromPrometheus(
  baseUrl: string,
  pods: AppPods,
  result: AppMetrics,
  start: number,
  end: number,
): Promise<AppMetrics> {
  const selector = cadvisorSelector(pods.namespace, podNamePattern(pods.deploymentName));
  const step = result.stepSeconds;
  try {
    const [cpu, memory] = await Promise.all([
      queryRange(baseUrl, cpuQuery(selector), { start, end, step }),
      queryRange(baseUrl, memoryQuery(selector), { start, end, step }),
    ]);
    const byPod = new Map<string, { cpu: Point[]; memory: Point[] }>();
    const entry = (pod: string) => {
      const found = byPod.get(pod) ?? { cpu: [], memory: [] };
      byPod.set(pod, found);
      return found;
    };
    for (const series of cpu) entry(series.metric.pod ?? "").cpu = finite(series.values);
    for (const series of memory) entry(series.metric.pod ?? "").memory = finite(series.values);
    return { ...result, series: withTotals(byPod) };
  } catch (error) {
    if (error instanceof PrometheusError) return { ...result, available: false, reason: error.message };
    throw error;
  }
}

async function fromSamples(
  services: Pick<Services, "db" | "cluster" | "config" | "now">,
  app: { id: string },
  pods: AppPods,
  result: AppMetrics,
  since: Date,
  until: Date,
): Promise<AppMetrics> {
  const [probe, samples] = await Promise.all([
    probeMetricsApi(services, pods),
    readBucketedSamples(services.db.kysely, app.id, since, until, result.stepSeconds),
  ]);
  const byPod = new Map<string, { cpu: Point[]; memory: Point[] }>();
  for (const sample of samples) {
    const entry = byPod.get(sample.pod) ?? { cpu: [], memory: [] };
    entry.cpu.push([sample.t, sample.cpu]);
    entry.memory.push([sample.t, sample.memory]);
    byPod.set(sample.pod, entry);
  }
  // History already sampled stays visible even when the source has gone since.
  const series = withTotals(byPod);
  if (probe !== undefined) return { ...result, available: false, reason: probe, series };
  if (services.config.metricsSampleIntervalMs === 0) {
    return {
      ...result,
      available: false,
      reason:
        "This server does not sample CPU and memory (METRICS_SAMPLE_SECONDS=0) and PROMETHEUS_URL is not set, so " +
        "there is no history to chart. Set METRICS_SAMPLE_SECONDS (such as 30) or PROMETHEUS_URL.",
      series,
    };
  }
  return { ...result, series };
}

/** undefined when metrics.k8s.io answers; otherwise why it does not, in plain words. */
async function probeMetricsApi(
  services: Pick<Services, "db" | "cluster" | "config" | "now">,
  pods: AppPods,
): Promise<string | undefined> {
  try {
    await services.cluster.podMetrics(pods.namespace, pods.labelSelector);
    return undefined;
  } catch (error) {
    if (error instanceof ClusterError && error.kind === "not-found") return NO_METRICS_API;
    if (error instanceof ClusterError) return `CPU and memory cannot be read now: ${error.message}`;
    throw error;
  }
}

/** Per-pod series sorted by pod name, and their sum at each time any pod has a point. */
function withTotals(byPod: Map<string, { cpu: Point[]; memory: Point[] }>): AppMetrics["series"] {
  const pods = [...byPod].sort(([a], [b]) => a.localeCompare(b)).map(([pod, values]) => ({ pod, ...values }));
  const sum = (pick: (pod: { cpu: Point[]; memory: Point[] }) => Point[]): Point[] => {
    const totals = new Map<number, number>();
    for (const pod of pods) for (const [t, value] of pick(pod)) totals.set(t, (totals.get(t) ?? 0) + value);
    return [...totals].sort(([a], [b]) => a - b);
  };
  return { pods, total: { cpu: sum((pod) => pod.cpu), memory: sum((pod) => pod.memory) } };
}

function finite(points: [number, number][]): Point[] {
  return points.filter(([, value]) => Number.isFinite(value));
}
