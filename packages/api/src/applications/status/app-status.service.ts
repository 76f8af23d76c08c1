import type { Application } from "@babyhelm/db";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { recordAudit } from "../../audit/audit.repository.js";
import { refKey, refOf } from "../../cluster/object-ref.js";
import type { Services } from "../../services.js";
import { groupOnce } from "../../shared/group-once.js";
import { recordObservedState } from "../app.repository.js";
import { detectDrift, type AppDrift } from "./app-drift.js";
import { readAppStatus, summarizeAppStatus, type AppStatus, type Staleness } from "./app-status.js";
import { withCrashLines } from "./crash-lines.js";

/** What remembering an app's observed state uses: its row, the clock, alerts and the log (drift is logged). */
export type ObservedStateServices = Pick<Services, "db" | "now" | "alerts" | "logger">;

/**
 * The full status of one app, from the cluster cache, remembered as the app's observed state (and audited when it
 * turns drifted). While the API server is away the status is marked stale and nothing is remembered: what was known
 * then must not raise or clear alerts now.
 */
export async function observeAppStatus(
  services: ObservedStateServices & Pick<Services, "cluster" | "clusterState">,
  project: { id: string; name: string; namespace: string },
  app: Application,
  manifests: readonly KubernetesObject[],
): Promise<AppStatus> {
  const status = await withCrashLines(
    services.cluster,
    project.namespace,
    await readAppStatus(services.clusterState, manifests),
  );
  const stale = stalenessOf(services, project.namespace);
  if (stale !== null) return { ...status, stale };
  await rememberState(services, project, app, status);
  return status;
}

/** Whether what the cache holds of the namespace is behind the cluster, and since when; null when it is current. */
export function stalenessOf(
  { clusterState, now }: Pick<Services, "clusterState" | "now">,
  namespace: string,
): Staleness | null {
  const behind = clusterState.staleness(namespace);
  if (behind === undefined) return null;
  const ageSeconds = Math.max(0, Math.round((now().getTime() - behind.since.getTime()) / 1000));
  const why = behind.error?.message ?? "the watch of the cluster is reconnecting.";
  return {
    since: behind.since.toISOString(),
    ageSeconds,
    message:
      `Not current: the Kubernetes API server has not answered for ${formatAge(ageSeconds)}, so this is what ` +
      `was known at ${behind.since.toISOString()}. ${why}`,
  };
}

function formatAge(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

export async function rememberState(
  services: ObservedStateServices,
  project: { id: string; name: string },
  app: Application,
  status: Pick<AppStatus, "state" | "message" | "drift">,
): Promise<void> {
  const previous = app.observed_state;
  await recordObservedState(services.db.kysely, app, status.state, status.message, services.now());
  services.alerts.stateObserved(project, app, previous, status);
  if (previous !== status.state && status.state === "drifted") {
    services.logger.warn({ project: project.name, app: app.name, drift: status.drift }, "app drifted");
    await recordAudit(services.db.kysely, {
      actor: null,
      action: "app.drifted",
      project,
      app: app.name,
      details: { missing: status.drift.missing, changed: status.drift.changed },
    });
  }
}

/** Drift of a live workload from an app revision's, by the live object: the cache replaces it when it changes. */
const driftOfLive = new WeakMap<KubernetesObject, Map<string, AppDrift>>();

function deploymentDrift(
  app: Application,
  expected: KubernetesObject,
  live: KubernetesObject | undefined,
  liveByRef: ReadonlyMap<string, KubernetesObject | undefined>,
): AppDrift {
  if (live === undefined) return detectDrift([expected], liveByRef);
  let byRevision = driftOfLive.get(live);
  if (byRevision === undefined) driftOfLive.set(live, (byRevision = new Map<string, AppDrift>()));
  const key = `${app.id}@${app.current_revision}`;
  let drift = byRevision.get(key);
  if (drift === undefined) byRevision.set(key, (drift = detectDrift([expected], liveByRef)));
  return drift;
}

/**
 * Objects by the uid of their controller (a ReplicaSet's Deployment, a Job's CronJob, a pod's ReplicaSet or Job),
 * built once per list.
 */
const byOwner = groupOnce<KubernetesObject>((object) => {
  const references = (object.metadata.ownerReferences ?? []) as { uid?: string; controller?: boolean }[];
  return (references.find((reference) => reference.controller) ?? references[0])?.uid;
});

export type AppSummaryStatus = Pick<AppStatus, "state" | "message" | "replicas" | "progress" | "stale">;

/**
 * Statuses for a page of apps from the cache's Deployments, ReplicaSets and Pods (CronJobs and their Jobs) of the
 * namespace. Only the workload is compared here; other objects' drift comes from the last full check.
 */
export async function summarizeApps(
  services: Pick<Services, "clusterState" | "now">,
  namespace: string,
  apps: readonly { app: Application; workload: KubernetesObject | undefined }[],
): Promise<Map<string, AppSummaryStatus>> {
  const { clusterState } = services;
  const [replicaSets, jobs, pods] = await Promise.all([
    clusterState.list("apps/v1", "ReplicaSet", { namespace }),
    clusterState.list("batch/v1", "Job", { namespace }),
    clusterState.list("v1", "Pod", { namespace }),
  ]);
  const stale = stalenessOf(services, namespace);
  const replicaSetsOf = byOwner(replicaSets);
  const jobsOf = byOwner(jobs);
  const podsOf = byOwner(pods);
  const result = new Map<string, AppSummaryStatus>();
  for (const { app, workload } of apps) {
    if (workload === undefined) continue;
    const ref = refOf(workload);
    const live = await clusterState.get(ref);
    const liveByRef = new Map([[refKey(ref), live]]);
    // Each app is given only its own ReplicaSets or Jobs and their pods, not the whole namespace's.
    const own =
      (workload.kind === "CronJob" ? jobsOf : replicaSetsOf).get(live?.metadata.uid as string) ?? [];
    const ownPods = own.flatMap((owner) => podsOf.get(owner.metadata.uid as string) ?? []);
    const status = summarizeAppStatus({
      expected: [workload],
      live: liveByRef,
      drift: deploymentDrift(app, workload, live, liveByRef),
      replicaSets: workload.kind === "CronJob" ? [] : own,
      jobs: workload.kind === "CronJob" ? own : [],
      pods: ownPods,
      events: [],
    });
    const drifted = app.observed_state === "drifted" && status.state !== "drifted";
    result.set(app.name, {
      state: drifted ? "drifted" : status.state,
      message: drifted ? (app.observed_message ?? status.message) : status.message,
      replicas: status.replicas,
      progress: status.progress,
      stale,
    });
  }
  return result;
}
