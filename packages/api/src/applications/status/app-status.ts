// What users watch while and after they deploy: one state and one line that says what is going on, with the
// replicas, pods, events and drift behind it.
import type { Deployment, DeploymentCondition, ReplicaSet } from "kubernetes-types/apps/v1.js";
import type { ContainerStateTerminated, Event, Pod } from "kubernetes-types/core/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { describeRef, refKey, refOf, type ObjectRef } from "../../cluster/object-ref.js";
import type { ClusterReader } from "../../cluster/state/cluster-state.js";
import { groupOnce } from "../../shared/group-once.js";
import { detectDrift, type AppDrift } from "./app-drift.js";
import { classifyProblem, stuckContainerOf, type AppProblem, type StuckContainer } from "./app-problem.js";
import type { CronRun } from "./cronjob-runs.js";
import { findCronJob, summarizeCronJobStatus } from "./cronjob-status.js";
import { appPodSelector, findDeployment } from "./pod-selector.js";
import { eventTime, recentEvents } from "./status-events.js";

export type AppState = "deploying" | "ready" | "degraded" | "failed" | "drifted";

export interface AppStatus {
  state: AppState;
  /** One line for people: "2/2 replicas ready", "Image "x" cannot be pulled: …". */
  message: string;
  /**
   * The Deployment controller's counts, and `serving`: the ready pods of any revision in `pods` (old ones that still
   * serve during an update count), so that what the status says and the pods it lists always agree.
   */
  replicas: { desired: number; updated: number; ready: number; available: number; serving: number };
  /** Why the rollout is stuck, in plain words, with what to do; null when nothing is wrong. */
  problem: AppProblem | null;
  conditions: {
    type: string;
    status: string;
    reason?: string;
    message?: string;
    lastTransitionTime?: string;
  }[];
  pods: {
    name: string;
    phase: string;
    ready: boolean;
    restarts: number;
    waitingReason?: string;
    waitingMessage?: string;
    createdAt?: string;
    /** Whether the pod runs the current revision (a pod of an older one is being replaced). */
    current: boolean;
  }[];
  /** Newest first, at most 20, about the Deployment, its ReplicaSets and their pods. */
  events: {
    type: string;
    reason: string;
    message: string;
    object: string;
    count: number;
    lastSeen?: string;
  }[];
  drift: AppDrift;
  /** Ready replicas of the newest revision against the desired count, for a progress bar. */
  progress: { done: number; total: number };
  observedAt: string;
  /** Set while the API server cannot be reached: the rest is what was known when it last answered. */
  stale: Staleness | null;
  /** For a CronJob's app: its last runs (Jobs), newest first, at most 5. */
  runs?: CronRun[];
}

export interface Staleness {
  /** When the API server last answered. */
  since: string;
  ageSeconds: number;
  /** Why, and what to do: for people. */
  message: string;
}

export interface AppStatusInput {
  /** The objects BabyHelm applied (namespace set); exactly one is a workload: a Deployment or a CronJob. */
  expected: readonly KubernetesObject[];
  /** The live object for each expected one, by refKey; undefined when it is gone. */
  live: ReadonlyMap<string, KubernetesObject | undefined>;
  replicaSets: readonly KubernetesObject[];
  /** For a CronJob's app: the Jobs of its namespace (those the CronJob owns are its runs). */
  jobs?: readonly KubernetesObject[];
  pods: readonly KubernetesObject[];
  events: readonly KubernetesObject[];
  now?: Date;
  /** The drift of `live` from `expected` when the caller knows it already (detectDrift's answer). */
  drift?: AppDrift;
}

const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
/** Waiting reasons a pod does not get out of by itself. */
const STUCK_REASONS: ReadonlySet<string> = new Set([
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "CrashLoopBackOff",
  "CreateContainerConfigError",
  "Unschedulable",
]);
/** A pod younger than this that is not ready yet is still starting, not failing its readiness checks. */
const STARTING_GRACE_MS = 60_000;

/** Reads the live state of an app from the objects BabyHelm applied for it. */
export async function readAppStatus(
  cluster: ClusterReader,
  expected: readonly KubernetesObject[],
): Promise<AppStatus> {
  const live = () =>
    Promise.all(
      expected.map(async (object) => [refKey(refOf(object)), await cluster.get(refOf(object))] as const),
    );
  const cronJob = findDeployment(expected) === undefined ? findCronJob(expected) : undefined;
  if (cronJob !== undefined) {
    const namespace = cronJob.metadata.namespace;
    const [objects, jobs, pods, events] = await Promise.all([
      live(),
      cluster.list("batch/v1", "Job", { namespace }),
      cluster.list("v1", "Pod", { namespace }),
      cluster.list("v1", "Event", { namespace }),
    ]);
    return summarizeAppStatus({ expected, live: new Map(objects), replicaSets: [], jobs, pods, events });
  }
  const deployment = expectedDeployment(expected);
  const namespace = deployment.metadata.namespace;
  const { labelSelector } = appPodSelector(deployment);
  const [objects, replicaSets, pods, events] = await Promise.all([
    live(),
    cluster.list("apps/v1", "ReplicaSet", { namespace, labelSelector }),
    cluster.list("v1", "Pod", { namespace, labelSelector }),
    cluster.list("v1", "Event", { namespace }),
  ]);
  return summarizeAppStatus({ expected, live: new Map(objects), replicaSets, pods, events });
}

/** The pure part of readAppStatus. */
export function summarizeAppStatus(input: AppStatusInput): AppStatus {
  const now = input.now ?? new Date();
  const drift = input.drift ?? detectDrift(input.expected, input.live);
  const cronJob = findDeployment(input.expected) === undefined ? findCronJob(input.expected) : undefined;
  if (cronJob !== undefined) {
    const events = input.events as readonly LiveEvent[];
    return summarizeCronJobStatus({ ...input, drift, now }, cronJob, driftMessage, (pod) =>
      stuckContainer(pod, events),
    );
  }
  const expectedDeploymentObject = expectedDeployment(input.expected);
  const deployment = input.live.get(refKey(refOf(expectedDeploymentObject))) as LiveDeployment | undefined;
  const observedAt = now.toISOString();
  if (deployment === undefined) {
    const desired = expectedDeploymentObject.spec?.replicas ?? 1;
    return {
      state: "drifted",
      message: driftMessage(drift),
      replicas: { desired, updated: 0, ready: 0, available: 0, serving: 0 },
      problem: null,
      conditions: [],
      pods: [],
      events: [],
      drift,
      progress: { done: 0, total: desired },
      observedAt,
      stale: null,
    };
  }

  const replicaSets = (input.replicaSets as readonly LiveReplicaSet[]).filter((rs) =>
    isOwnedBy(rs, deployment),
  );
  const newest = newestReplicaSet(replicaSets);
  const pods = (input.pods as readonly LivePod[]).filter((pod) =>
    replicaSets.some((rs) => isOwnedBy(pod, rs)),
  );
  const currentPods =
    newest === undefined ? [] : pods.filter((pod) => isOwnedBy(pod, newest) && !isTerminating(pod));
  const status = deployment.status ?? {};
  const desired = deployment.spec?.replicas ?? 1;
  const replicas = {
    desired,
    updated: status.updatedReplicas ?? 0,
    ready: status.readyReplicas ?? 0,
    available: status.availableReplicas ?? 0,
    serving: pods.filter((pod) => isPodReady(pod) && !isTerminating(pod)).length,
  };
  const readyCurrent = currentPods.filter(isPodReady).length;
  const events = input.events as readonly LiveEvent[];
  const facts: Facts = {
    deployment,
    replicas,
    totalReplicas: status.replicas ?? 0,
    caughtUp: (status.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 1),
    newestAvailable: newest?.status?.availableReplicas ?? readyCurrent,
    pods,
    currentPods,
    oldPods: pods.filter((pod) => newest === undefined || !isOwnedBy(pod, newest)).length,
    events,
    now,
  };
  const { state, message } =
    drift.missing.length > 0 || drift.changed.length > 0
      ? { state: "drifted" as const, message: driftMessage(drift) }
      : decideState(facts);
  const problem = state === "failed" || state === "degraded" ? findProblem(facts) : undefined;
  return {
    state,
    message,
    replicas,
    problem: problem ?? null,
    conditions: (status.conditions ?? []).map((condition) => ({
      type: condition.type,
      status: condition.status,
      ...optional("reason", condition.reason),
      ...optional("message", condition.message),
      ...optional("lastTransitionTime", condition.lastTransitionTime),
    })),
    pods: pods.map((pod) => summarizePod(pod, newest)).sort(newestFirst),
    events: relatedEvents(events, deployment, replicaSets),
    drift,
    progress: { done: Math.min(readyCurrent, desired), total: desired },
    observedAt,
    stale: null,
  };
}

// ---- state ---------------------------------------------------------------------------------------------------

interface Facts {
  deployment: LiveDeployment;
  replicas: AppStatus["replicas"];
  /** Pods of every revision the Deployment counts, old ones still shutting down included. */
  totalReplicas: number;
  /** The Deployment controller has seen the latest spec. */
  caughtUp: boolean;
  newestAvailable: number;
  pods: readonly LivePod[];
  currentPods: readonly LivePod[];
  /** Pods of older revisions, still serving or shutting down. */
  oldPods: number;
  events: readonly LiveEvent[];
  now: Date;
}

function decideState(facts: Facts): { state: AppState; message: string } {
  const { deployment, replicas, caughtUp } = facts;
  const { desired, ready, available, updated } = replicas;
  const progressing = conditionOf(deployment, "Progressing");
  const replicaFailure = conditionOf(deployment, "ReplicaFailure");
  const stuck = facts.currentPods
    .map((pod) => stuckReason(pod, facts))
    .find((reason) => reason !== undefined);

  if (caughtUp && progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded") {
    return {
      state: "failed",
      message:
        stuck ??
        `The rollout made no progress within its deadline (${progressing.message ?? "ProgressDeadlineExceeded"})`,
    };
  }
  if (stuck !== undefined && facts.newestAvailable === 0) return { state: "failed", message: stuck };
  if (replicaFailure?.status === "True") {
    const message = `Pods cannot be created: ${replicaFailure.message ?? replicaFailure.reason ?? "ReplicaFailure"}`;
    return { state: available === 0 && desired > 0 ? "failed" : "degraded", message };
  }

  const crashing = facts.pods.filter((pod) => waitingOf(pod)?.reason === "CrashLoopBackOff");
  if (crashing.length > 0 && available > 0) {
    const reason = stuckReason(crashing[0]!, facts) ?? "CrashLoopBackOff";
    return {
      state: "degraded",
      message: `${crashing.length} of ${facts.pods.length} pods ${crashing.length === 1 ? "is" : "are"} down while ${available} ${available === 1 ? "serves" : "serve"}: ${reason}`,
    };
  }
  const rolledOutBefore = progressing?.reason === "NewReplicaSetAvailable";
  const starting = facts.currentPods.some((pod) => isStarting(pod, facts.now));
  if (caughtUp && rolledOutBefore && available < desired && !starting) {
    const unready = facts.currentPods.find((pod) => !isPodReady(pod));
    const why = unready === undefined ? "" : `: pod ${JSON.stringify(unready.metadata.name)} is not ready`;
    return { state: "degraded", message: `Only ${available}/${desired} replicas available${why}` };
  }

  if (!caughtUp)
    return { state: "deploying", message: "Waiting for the Deployment controller to start the rollout" };
  // Counts over all revisions include old pods that still serve: the new revision's own pods tell the progress, and
  // while older pods exist it is an update, in which those that are ready still serve.
  const done = Math.min(facts.currentPods.filter(isPodReady).length, desired);
  const updating = facts.oldPods > 0 || facts.totalReplicas > desired;
  const verb = updating ? "Updating" : "Deploying";
  const newReplicas = updating ? "new replicas" : "replicas";
  if (updated < desired || done < desired || ready < desired || available < desired) {
    const waiting = facts.currentPods
      .map((pod) => waitingOf(pod)?.reason)
      .find((reason) => reason !== undefined);
    const serving = updating ? `${facts.replicas.serving} serving, ` : "";
    return {
      state: "deploying",
      message: `${verb}: ${serving}${done}/${desired} ${newReplicas} ready${waiting === undefined ? "" : ` (${waiting})`}`,
    };
  }
  if (facts.totalReplicas > desired) {
    const old = Math.max(facts.totalReplicas - desired, 1);
    return {
      state: "deploying",
      message: `${verb}: ${done}/${desired} ${newReplicas} ready, ${old} old ${old === 1 ? "replica" : "replicas"} shutting down`,
    };
  }
  if (desired === 0) return { state: "ready", message: "Scaled to zero: 0/0 replicas" };
  return { state: "ready", message: `${done}/${desired} replicas ready` };
}

/** The plain-words problem behind a failed or degraded state: the current revision's pods first, then any. */
function findProblem(facts: Facts): AppProblem | undefined {
  const { deployment } = facts;
  const stuck = [...facts.currentPods, ...facts.pods]
    .map((pod) => stuckContainer(pod, facts.events))
    .find((container) => container !== undefined);
  const unschedulable = facts.currentPods
    .map((pod) => ({ pod: pod.metadata.name, condition: unschedulableCondition(pod) }))
    .find((entry) => entry.condition !== undefined);
  const replicaFailure = conditionOf(deployment, "ReplicaFailure");
  const progressing = conditionOf(deployment, "Progressing");
  return classifyProblem({
    ...optional("stuck", stuck),
    ...optional(
      "unschedulable",
      unschedulable && {
        pod: unschedulable.pod,
        message: unschedulable.condition?.message ?? "Unschedulable",
      },
    ),
    ...optional(
      "replicaFailure",
      replicaFailure?.status === "True"
        ? { ...optional("reason", replicaFailure.reason), ...optional("message", replicaFailure.message) }
        : undefined,
    ),
    ...optional(
      "deadlineExceeded",
      facts.caughtUp && progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded"
        ? optional("message", progressing.message)
        : undefined,
    ),
    podsRunning: facts.currentPods.filter((pod) => pod.status?.phase === "Running").length,
    desired: facts.replicas.desired,
  });
}

/** A pod's container stuck for good, with the registry's own words for a pull failure. */
function stuckContainer(pod: LivePod, events: readonly LiveEvent[]): StuckContainer | undefined {
  return stuckContainerOf(pod, STUCK_REASONS, (container) => {
    const waiting = waitingOf(pod);
    return waiting?.container === container ? pullFailure(pod, waiting, events) : undefined;
  });
}

function unschedulableCondition(pod: LivePod) {
  return pod.status?.conditions?.find(
    (condition) =>
      condition.type === "PodScheduled" &&
      condition.status === "False" &&
      condition.reason === "Unschedulable",
  );
}

/** Why a pod will not become ready by itself, as one line; undefined when it may still. */
function stuckReason(pod: LivePod, facts: Pick<Facts, "events">): string | undefined {
  const unschedulable = unschedulableCondition(pod);
  if (unschedulable !== undefined) {
    return `Pod ${JSON.stringify(pod.metadata.name)} cannot be scheduled: ${unschedulable.message ?? "Unschedulable"}`;
  }
  const waiting = waitingOf(pod);
  if (waiting?.reason === undefined || !STUCK_REASONS.has(waiting.reason)) return undefined;
  const image = imageOf(pod, waiting.container);
  switch (waiting.reason) {
    case "ErrImagePull":
    case "ImagePullBackOff":
      return `Image ${JSON.stringify(image)} cannot be pulled: ${pullFailure(pod, waiting, facts.events)}`;
    case "InvalidImageName":
      return `Image ${JSON.stringify(image)} is not a valid image reference: ${waiting.message ?? waiting.reason}`;
    case "CrashLoopBackOff": {
      const terminated = waiting.lastTerminated;
      const exit =
        terminated === undefined
          ? ""
          : `: it last exited with code ${terminated.exitCode ?? "?"}${terminated.reason ? ` (${terminated.reason})` : ""}`;
      const restarts = waiting.restarts === 1 ? "1 restart" : `${waiting.restarts} restarts`;
      return `Container ${JSON.stringify(waiting.container)} keeps crashing (CrashLoopBackOff, ${restarts})${exit}`;
    }
    default:
      return `Container ${JSON.stringify(waiting.container)} cannot start (${waiting.reason}): ${waiting.message ?? ""}`.trimEnd();
  }
}

/** The registry's own words: the kubelet's "Failed to pull image" event, else an ErrImagePull message. */
function pullFailure(pod: LivePod, waiting: Waiting, events: readonly LiveEvent[]): string {
  const failed = events
    .filter(
      (event) =>
        event.involvedObject?.kind === "Pod" &&
        event.involvedObject.name === pod.metadata.name &&
        event.reason === "Failed" &&
        event.message?.startsWith("Failed to pull image") === true,
    )
    .sort((a, b) => eventTime(b).localeCompare(eventTime(a)))[0];
  const detail = failed?.message?.replace(/^Failed to pull image "[^"]*": /, "");
  if (detail !== undefined) return `${detail} (${waiting.reason})`;
  return waiting.reason === "ErrImagePull" && waiting.message
    ? waiting.message
    : `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}`;
}

function driftMessage(drift: AppDrift): string {
  const [missing] = drift.missing;
  if (missing !== undefined) {
    const more = drift.missing.length - 1;
    const what =
      more === 0
        ? describeObject(missing)
        : `${describeObject(missing)} and ${more} more ${more === 1 ? "object" : "objects"}`;
    return `${what} ${more === 0 ? "was" : "were"} deleted outside BabyHelm: redeploy to repair`;
  }
  const [changed] = drift.changed;
  if (changed === undefined) return "";
  const fields = changed.fields.slice(0, 3).join(", ") + (changed.fields.length > 3 ? ", …" : "");
  const more = drift.changed.length - 1;
  const others = more === 0 ? "" : ` (and ${more} more ${more === 1 ? "object" : "objects"})`;
  return `${describeObject(changed.ref)} was changed outside BabyHelm (${fields})${others}: redeploy to restore it`;
}

/** `Deployment "web"`: the namespace is the project's, which the user knows. */
function describeObject(ref: ObjectRef): string {
  return describeRef({ ...ref, namespace: undefined });
}

// ---- pods and events ------------------------------------------------------------------------------------------

function summarizePod(pod: LivePod, newest: LiveReplicaSet | undefined): AppStatus["pods"][number] {
  const waiting = waitingOf(pod);
  const restarts = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ].reduce((total, container) => total + (container.restartCount ?? 0), 0);
  return {
    name: pod.metadata.name,
    phase: isTerminating(pod) ? "Terminating" : (pod.status?.phase ?? "Unknown"),
    ready: isPodReady(pod),
    restarts,
    ...optional("waitingReason", waiting?.reason),
    ...optional("waitingMessage", waiting?.message),
    ...optional("createdAt", pod.metadata.creationTimestamp),
    current: newest !== undefined && isOwnedBy(pod, newest) && !isTerminating(pod),
  };
}

function newestFirst(
  a: { name: string; createdAt?: string },
  b: { name: string; createdAt?: string },
): number {
  return (b.createdAt ?? "").localeCompare(a.createdAt ?? "") || a.name.localeCompare(b.name);
}

/**
 * Events by what they are about, as `Deployment/web` or `ReplicaSet/web-5d8f` (a pod's events go under its
 * ReplicaSet, by the pod's name: pods already replaced are gone, but their events still explain what happened).
 * Built once per list of events.
 */
const indexEvents = groupOnce<LiveEvent>((event) => {
  const { kind, name } = event.involvedObject ?? {};
  if (name === undefined) return undefined;
  if (kind === "Pod") return `ReplicaSet/${name.slice(0, name.lastIndexOf("-"))}`;
  return kind === "Deployment" || kind === "ReplicaSet" ? `${kind}/${name}` : undefined;
});

function relatedEvents(
  events: readonly LiveEvent[],
  deployment: LiveDeployment,
  replicaSets: readonly LiveReplicaSet[],
): AppStatus["events"] {
  const index = indexEvents(events);
  const related = [
    ...(index.get(`Deployment/${deployment.metadata.name}`) ?? []),
    ...[...new Set(replicaSets.map((rs) => rs.metadata.name))].flatMap(
      (name) => index.get(`ReplicaSet/${name}`) ?? [],
    ),
  ];
  return recentEvents(related);
}

// ---- reading the objects --------------------------------------------------------------------------------------

// The cluster's objects as kubernetes-types describes them; KubernetesObject adds what every object read has: a name.
type LiveDeployment = KubernetesObject & Deployment;
type LiveReplicaSet = KubernetesObject & ReplicaSet;
type LivePod = KubernetesObject & Pod;
type LiveEvent = KubernetesObject & Event;

interface Waiting {
  container: string;
  reason?: string;
  message?: string;
  restarts: number;
  lastTerminated?: ContainerStateTerminated;
}

function expectedDeployment(expected: readonly KubernetesObject[]): LiveDeployment {
  const deployment = findDeployment(expected);
  if (deployment === undefined)
    throw new Error("An application's expected objects must include its Deployment");
  return deployment;
}

function isOwnedBy(object: { metadata: ObjectMeta }, owner: { metadata: ObjectMeta }): boolean {
  return (object.metadata.ownerReferences ?? []).some((reference) =>
    reference.uid !== undefined && owner.metadata.uid !== undefined
      ? reference.uid === owner.metadata.uid
      : reference.name === owner.metadata.name,
  );
}

function newestReplicaSet(replicaSets: readonly LiveReplicaSet[]): LiveReplicaSet | undefined {
  const revision = (rs: LiveReplicaSet) => Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
  return [...replicaSets].sort(
    (a, b) =>
      revision(b) - revision(a) ||
      (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? ""),
  )[0];
}

function conditionOf(deployment: LiveDeployment, type: string): DeploymentCondition | undefined {
  return deployment.status?.conditions?.find((condition) => condition.type === type);
}

function isPodReady(pod: LivePod): boolean {
  return (
    pod.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ??
    false
  );
}

function isTerminating(pod: LivePod): boolean {
  return pod.metadata.deletionTimestamp !== undefined;
}

function isStarting(pod: LivePod, now: Date): boolean {
  if (isPodReady(pod) || isTerminating(pod)) return false;
  const waiting = waitingOf(pod)?.reason;
  if (waiting !== undefined && STUCK_REASONS.has(waiting)) return false;
  const age = now.getTime() - Date.parse(pod.metadata.creationTimestamp ?? "");
  return pod.status?.phase === "Pending" || !(age >= STARTING_GRACE_MS);
}

/** The first waiting container, preferring one stuck for good; init containers first, as they run first. */
function waitingOf(pod: LivePod): Waiting | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const waitingStatuses = statuses.filter((status) => status.state?.waiting !== undefined);
  const chosen =
    waitingStatuses.find((status) => STUCK_REASONS.has(status.state?.waiting?.reason ?? "")) ??
    waitingStatuses[0];
  if (chosen === undefined) return undefined;
  return {
    container: chosen.name,
    restarts: chosen.restartCount ?? 0,
    ...optional("reason", chosen.state?.waiting?.reason),
    ...optional("message", chosen.state?.waiting?.message),
    ...optional("lastTerminated", chosen.lastState?.terminated),
  };
}

function imageOf(pod: LivePod, container: string): string {
  const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find(
    (c) => c.name === container,
  );
  return spec?.image ?? "";
}

/** `{ key: value }` when value is defined, else `{}`: keeps absent fields absent rather than undefined. */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
