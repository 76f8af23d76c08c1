// The last runs of a CronJob: its Jobs, newest first, each with how it ended and, when it failed or is stuck, why in
// plain words. A failed Job's pods are often gone (the Job controller deletes them when it gives up), so the reason
// comes from its pods while they exist, else from their Events, else from the Job's own Failed condition.
import type { Job } from "kubernetes-types/batch/v1.js";
import type { Event, Pod } from "kubernetes-types/core/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { classifyProblem, type StuckContainer } from "./app-problem.js";
import { eventTime } from "./status-events.js";

type LiveJob = KubernetesObject & Job;
type LivePod = KubernetesObject & Pod;
type LiveEvent = KubernetesObject & Event;

export interface CronRun {
  /** The Job's name. */
  name: string;
  startedAt?: string;
  finishedAt?: string;
  outcome: "succeeded" | "failed" | "running";
  /** For a failed run, or a running one that is stuck: why, in plain words. */
  reason?: string;
}

export const RUN_LIMIT = 5;

/** The stuck container of a pod as the app status reads it (with the registry's words for pull failures). */
export type StuckOf = (pod: LivePod) => StuckContainer | undefined;

export function summarizeRuns(
  cronJob: KubernetesObject,
  jobs: readonly KubernetesObject[],
  pods: readonly KubernetesObject[],
  events: readonly KubernetesObject[],
  stuckOf: StuckOf,
): CronRun[] {
  return (jobs as readonly LiveJob[])
    .filter((job) => isOwnedBy(job, cronJob))
    .sort((a, b) => startOf(b).localeCompare(startOf(a)) || b.metadata.name.localeCompare(a.metadata.name))
    .slice(0, RUN_LIMIT)
    .map((job) => {
      const outcome = outcomeOf(job);
      const own = (pods as readonly LivePod[])
        .filter((pod) => isOwnedBy(pod, job))
        .sort((a, b) =>
          (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? ""),
        );
      const reason =
        outcome === "succeeded"
          ? undefined
          : whyNot(job, outcome, own, events as readonly LiveEvent[], stuckOf);
      const finishedAt = job.status?.completionTime ?? (outcome === "failed" ? failedAt(job) : undefined);
      return {
        name: job.metadata.name,
        outcome,
        ...(job.status?.startTime === undefined ? {} : { startedAt: job.status.startTime }),
        ...(finishedAt === undefined ? {} : { finishedAt }),
        ...(reason === undefined ? {} : { reason }),
      };
    });
}

function whyNot(
  job: LiveJob,
  outcome: CronRun["outcome"],
  pods: readonly LivePod[],
  events: readonly LiveEvent[],
  stuckOf: StuckOf,
): string | undefined {
  const stuck =
    pods.map(stuckOf).find((container) => container !== undefined) ?? stuckFromEvents(job, events);
  const gaveUp = job.status?.conditions?.find((condition) => condition.type === "Failed")?.message;
  const after = outcome === "failed" && gaveUp !== undefined ? ` The cluster gave up: ${gaveUp}.` : "";
  if (stuck !== undefined) {
    const summary = classifyProblem({ stuck, podsRunning: 0, desired: 1 })?.summary;
    if (summary !== undefined) return `${summary}${after}`;
  }
  const exited = pods
    .flatMap((pod) => pod.status?.containerStatuses ?? [])
    .find((status) => (status.state?.terminated?.exitCode ?? 0) !== 0);
  const terminated = exited?.state?.terminated;
  if (exited !== undefined && terminated !== undefined)
    return `Container "${exited.name}" exited with code ${terminated.exitCode}${terminated.reason === undefined ? "" : ` (${terminated.reason})`}.${after}`;
  if (outcome !== "failed") return undefined;
  return gaveUp ?? "The run failed.";
}

/**
 * What the kubelet said about the run's pods, now gone: a pull failure or a crash back-off, as the stuck container
 * those pods had.
 */
function stuckFromEvents(job: LiveJob, events: readonly LiveEvent[]): StuckContainer | undefined {
  const prefix = `${job.metadata.name}-`;
  const about = events
    .filter(
      (event) =>
        event.involvedObject?.kind === "Pod" &&
        event.involvedObject.name?.startsWith(prefix) === true &&
        event.type === "Warning",
    )
    .sort((a, b) => eventTime(b).localeCompare(eventTime(a)));
  const container = job.spec?.template.spec?.containers[0];
  const base = {
    container: container?.name ?? "",
    image: container?.image ?? "",
    restarts: 0,
  };
  const pull = about.find((event) => event.message?.startsWith("Failed to pull image") === true);
  if (pull !== undefined) {
    return {
      ...base,
      pod: pull.involvedObject.name ?? "",
      reason: "ErrImagePull",
      message: pull.message?.replace(/^Failed to pull image "[^"]*": /, "") ?? "",
    };
  }
  const crash = about.find((event) => event.reason === "BackOff");
  if (crash === undefined) return undefined;
  return {
    ...base,
    pod: crash.involvedObject.name ?? "",
    reason: "CrashLoopBackOff",
    restarts: job.status?.failed ?? 0,
  };
}

function outcomeOf(job: LiveJob): CronRun["outcome"] {
  const conditions = job.status?.conditions ?? [];
  if (conditions.some((condition) => condition.type === "Complete" && condition.status === "True"))
    return "succeeded";
  if (conditions.some((condition) => condition.type === "Failed" && condition.status === "True"))
    return "failed";
  return "running";
}

function failedAt(job: LiveJob): string | undefined {
  return job.status?.conditions?.find((condition) => condition.type === "Failed")?.lastTransitionTime;
}

/** When the run was due: the CronJob controller's annotation, else when the Job started or was made. */
function startOf(job: LiveJob): string {
  return (
    job.metadata.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"] ??
    job.status?.startTime ??
    job.metadata.creationTimestamp ??
    ""
  );
}

/** By uid: a CronJob's Job of the same name from before it was deleted and made again is not its run. */
function isOwnedBy(object: { metadata: ObjectMeta }, owner: { metadata: ObjectMeta }): boolean {
  return (object.metadata.ownerReferences ?? []).some(
    (reference) => owner.metadata.uid !== undefined && reference.uid === owner.metadata.uid,
  );
}
