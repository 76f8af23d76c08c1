// Samples every app's pods from metrics.k8s.io (metrics-server, or the sandbox's synthetic figures) into the database,
// so that charts have 24 hours of history without a Prometheus. One replica samples at a time.
import { listAppsWithManifests } from "../applications/app.repository.js";
import { ClusterError } from "../cluster/cluster.js";
import type { Services } from "../services.js";
import { repeatEvery } from "../shared/periodic.js";
import { appPods } from "./app-pods.js";
import {
  deleteSamplesBefore,
  insertSamples,
  newestSampleTime,
  type NewSample,
} from "./metric-samples.repository.js";

const LOCK_KEY = "babyhelm:metrics-sample";
export const SAMPLE_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface SampleReport {
  samples: number;
  /** Samples older than the retention, deleted. */
  deleted: number;
  /** Namespaces whose cluster has no metrics API (nothing to sample there). */
  unavailable: string[];
  errors: string[];
}

/** What sampling uses of the services. */
type SamplerServices = Pick<Services, "db" | "cluster" | "clusterState" | "now" | "logger" | "telemetry">;

/**
 * Takes one sample of every app's pods at `at` (default now) and deletes those older than 24 h. Undefined when
 * another replica is sampling, or sampled less than half of `minIntervalMs` ago (replicas' timers are not aligned).
 */
export async function sampleMetrics(
  services: SamplerServices,
  options: { at?: Date; minIntervalMs?: number } = {},
): Promise<SampleReport | undefined> {
  const at = options.at ?? services.now();
  const outcome = await services.db.tryExclusive(LOCK_KEY, async () => {
    const newest = await newestSampleTime(services.db.kysely);
    const minIntervalMs = options.minIntervalMs ?? 0;
    if (newest !== undefined && minIntervalMs > 0 && at.getTime() - newest.getTime() < minIntervalMs / 2) {
      return undefined;
    }
    return sampleAll(services, at);
  });
  const report = outcome.ran ? outcome.value : undefined;
  services.telemetry.metricsSampled(report === undefined ? "skipped" : "sampled", report?.samples ?? 0);
  return report;
}

async function sampleAll(
  services: Pick<Services, "db" | "cluster" | "clusterState" | "logger">,
  at: Date,
): Promise<SampleReport> {
  const { db, cluster, clusterState } = services;
  const report: SampleReport = { samples: 0, deleted: 0, unavailable: [], errors: [] };
  const apps = await listAppsWithManifests(db.kysely);
  const byNamespace = new Map<string, typeof apps>();
  for (const app of apps) byNamespace.set(app.namespace, [...(byNamespace.get(app.namespace) ?? []), app]);
  const samples: NewSample[] = [];
  for (const [namespace, namespaceApps] of byNamespace) {
    try {
      // One metrics read per project however many apps it has; the pods come from the cluster cache.
      const [metrics, pods] = await Promise.all([
        cluster.podMetrics(namespace),
        clusterState.list("v1", "Pod", { namespace }),
      ]);
      const labelsOf = new Map(pods.map((pod) => [pod.metadata.name, pod.metadata.labels]));
      for (const app of namespaceApps) {
        const selection = appPods(app.manifests);
        if (selection === undefined) continue;
        for (const pod of metrics) {
          if (!labelsOf.has(pod.pod) || !selection.selects(labelsOf.get(pod.pod))) continue;
          samples.push({
            app_id: app.id,
            pod: pod.pod,
            at,
            cpu_cores: pod.containers.reduce((sum, container) => sum + container.cpuCores, 0),
            memory_bytes: pod.containers.reduce((sum, container) => sum + container.memoryBytes, 0),
          });
        }
      }
    } catch (error) {
      if (error instanceof ClusterError && error.kind === "not-found") report.unavailable.push(namespace);
      else report.errors.push(`${namespace}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  await insertSamples(db.kysely, samples);
  report.samples = samples.length;
  report.deleted = await deleteSamplesBefore(db.kysely, new Date(at.getTime() - SAMPLE_RETENTION_MS));
  if (report.errors.length > 0) services.logger.warn(report, "metrics sampling could not read some projects");
  else services.logger.debug({ samples: report.samples, deleted: report.deleted }, "metrics sampled");
  return report;
}

/** Runs sampleMetrics every `intervalMs` until stopped; never two at once in this process. */
export function startMetricsSampler(
  services: SamplerServices,
  intervalMs: number,
): { stop(): Promise<void> } {
  return repeatEvery(intervalMs, async () => {
    await sampleMetrics(services, { minIntervalMs: intervalMs }).catch((error: unknown) => {
      services.telemetry.metricsSampled("failed", 0);
      services.logger.error({ err: error }, "metrics sampling failed");
    });
  });
}
