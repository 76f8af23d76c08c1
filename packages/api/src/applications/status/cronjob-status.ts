// The status of an app whose workload is a CronJob (a pack such as cron@1): nothing runs between its runs, so
// "ready" means the schedule is in place, and the message says when it last ran; "degraded" that the last run failed
// or is stuck. `runs` lists the last runs.
import type { CronJob } from "kubernetes-types/batch/v1.js";
import type { Event } from "kubernetes-types/core/v1.js";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { refKey, refOf } from "../../cluster/object-ref.js";
import type { AppDrift } from "./app-drift.js";
import type { AppStatus, AppStatusInput } from "./app-status.js";
import { summarizeRuns, type CronRun, type StuckOf } from "./cronjob-runs.js";
import { recentEvents } from "./status-events.js";

type LiveCronJob = KubernetesObject & CronJob;
type LiveEvent = KubernetesObject & Event;

/** The app's CronJob among the manifests BabyHelm applied for it; undefined when there is none. */
export function findCronJob(manifests: readonly KubernetesObject[]): LiveCronJob | undefined {
  return manifests.find((object) => object.kind === "CronJob") as LiveCronJob | undefined;
}

export function summarizeCronJobStatus(
  input: AppStatusInput & { drift: AppDrift },
  expected: LiveCronJob,
  driftMessage: (drift: AppDrift) => string,
  stuckOf: StuckOf,
): AppStatus {
  const now = input.now ?? new Date();
  const live = input.live.get(refKey(refOf(expected))) as LiveCronJob | undefined;
  const drifted = live === undefined || input.drift.missing.length > 0 || input.drift.changed.length > 0;
  const ran = live?.status?.lastScheduleTime;
  const succeeded = live?.status?.lastSuccessfulTime;
  const running = live?.status?.active?.length ?? 0;
  const schedule = `Runs on the schedule "${live?.spec?.schedule ?? expected.spec?.schedule ?? ""}"`;
  const runs =
    ran === undefined
      ? "it has not run yet"
      : `last run ${ran}${succeeded === undefined ? "" : `, last success ${succeeded}`}${running > 0 ? `, ${running} running now` : ""}`;
  const suspended = live?.spec?.suspend === true;
  const lastRuns =
    live === undefined ? [] : summarizeRuns(live, input.jobs ?? [], input.pods, input.events, stuckOf);
  const trouble = drifted ? undefined : runTrouble(lastRuns[0]);
  return {
    state: drifted ? "drifted" : trouble === undefined ? "ready" : "degraded",
    message: drifted
      ? driftMessage(input.drift)
      : (trouble ?? (suspended ? `Suspended: no new runs start (${runs})` : `${schedule}; ${runs}`)),
    replicas: { desired: 0, updated: 0, ready: 0, available: 0, serving: running },
    problem: null,
    conditions: [],
    pods: [],
    events: recentEvents(
      (input.events as readonly LiveEvent[]).filter(
        (event) =>
          event.involvedObject?.kind === "CronJob" && event.involvedObject.name === expected.metadata.name,
      ),
    ),
    drift: input.drift,
    progress: drifted ? { done: 0, total: 1 } : { done: 1, total: 1 },
    observedAt: now.toISOString(),
    stale: null,
    runs: lastRuns,
  };
}

/** What is wrong with the newest run, in one line; undefined when it succeeded or runs without trouble. */
function runTrouble(run: CronRun | undefined): string | undefined {
  if (run === undefined || run.outcome === "succeeded") return undefined;
  if (run.outcome === "failed") return `The last run, ${run.name}, failed: ${run.reason ?? "see its events"}`;
  return run.reason === undefined ? undefined : `The run ${run.name} is stuck: ${run.reason}`;
}
