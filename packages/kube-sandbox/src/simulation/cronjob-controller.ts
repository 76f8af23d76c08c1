// The CronJob controller: on each time of its schedule (croner, five fields or a macro, in spec.timeZone or UTC) a
// CronJob starts a Job named `<cronjob>-<scheduled time in minutes since the epoch>`, owned by it, from its
// jobTemplate; it keeps status.active, lastScheduleTime and lastSuccessfulTime, and deletes finished Jobs beyond
// successfulJobsHistoryLimit (default 3) and failedJobsHistoryLimit (default 1), oldest first. Tests need not wait for
// the schedule: runNow acts as if the next scheduled time had come.
import { Cron } from "croner";
import { admit } from "../admission/index.js";
import type { NewObject, StoreEvent } from "../contract.js";
import { findResource } from "../resources.js";
import { ApiError } from "../server/status.js";
import { jsonEqual } from "../store/clone.js";
import type { Controller, ControllerContext } from "./context.js";
import type { EventSource } from "./events.js";
import { jobFinished } from "./job-controller.js";
import { acceptsNewObjects, controllerReference, isTerminating } from "./objects.js";
import { ReconcileQueue } from "./reconcile-queue.js";
import type { CronJobObject, JobObject, ObjectReference } from "./types.js";

const SOURCE: EventSource = { component: "cronjob-controller" };
const JOBS = findResource("batch", "v1", "jobs")!;
/** setTimeout's longest delay; a later run is reached in several steps. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;
const DEFAULT_SUCCESSFUL_HISTORY = 3;
const DEFAULT_FAILED_HISTORY = 1;
const timerKey = (uid: string): string => `cronjob:${uid}`;

/** RFC 3339 to the second, as Kubernetes writes times. */
function toTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function startedAt(job: JobObject): string {
  return job.status?.startTime ?? job.metadata.creationTimestamp;
}

export class CronJobController implements Controller {
  private readonly reconciles: ReconcileQueue;

  constructor(private readonly context: ControllerContext) {
    this.reconciles = new ReconcileQueue(context, "cronjobs", "CronJob", "jobs", (namespace, name) => {
      this.reconcile(namespace, name);
    });
  }

  observe(event: StoreEvent): void {
    if (event.resource === "cronjobs" && event.type === "DELETED")
      this.context.timers.cancel(timerKey(event.object.metadata.uid));
    this.reconciles.observe(event);
  }

  resync(): void {
    this.reconciles.queueAll();
  }

  /**
   * Acts as if the CronJob's next scheduled time (after its last one, or after now) had come: the Job it starts is
   * named after that time, which becomes lastScheduleTime. Returns the Job's name, or undefined when none was started
   * (suspended, or a run still active under concurrencyPolicy Forbid). Throws when the CronJob does not exist.
   */
  runNow(namespace: string, name: string): string | undefined {
    const cronJob = this.get(namespace, name);
    if (!cronJob) throw new Error(`cronjobs.batch "${name}" not found in the namespace "${namespace}"`);
    const last = Date.parse(cronJob.status?.lastScheduleTime ?? "");
    const from = new Date(Math.max(Date.now(), Number.isNaN(last) ? 0 : last));
    const next = this.scheduleOf(cronJob)?.nextRun(from);
    if (!next || cronJob.spec.suspend === true) return undefined;
    return this.start(cronJob, next);
  }

  private get(namespace: string, name: string): CronJobObject | undefined {
    const cronJob = this.context.store.get("cronjobs", namespace, name) as CronJobObject | undefined;
    return cronJob && !isTerminating(cronJob) ? cronJob : undefined;
  }

  private reconcile(namespace: string, name: string): void {
    let cronJob = this.get(namespace, name);
    if (!cronJob) return;
    this.syncJobs(cronJob);
    cronJob = this.get(namespace, name)!;
    const key = timerKey(cronJob.metadata.uid);
    const schedule = this.scheduleOf(cronJob);
    if (!schedule || cronJob.spec.suspend === true) {
      this.context.timers.cancel(key);
      return;
    }
    const due = schedule.previousRuns(1, new Date())[0];
    const since = Date.parse(cronJob.status?.lastScheduleTime ?? cronJob.metadata.creationTimestamp);
    if (due !== undefined && due.getTime() > since) this.startIfInTime(cronJob, due);
    const next = schedule.nextRun(new Date());
    if (!next) return;
    this.context.timers.schedule(key, Math.min(next.getTime() - Date.now(), LONGEST_TIMER_MS), () => {
      this.reconciles.queue(namespace, name);
    });
  }

  /**
   * A run found late (the sandbox was stopped, or a Forbid run blocked it) starts only within
   * startingDeadlineSeconds.
   */
  private startIfInTime(cronJob: CronJobObject, due: Date): void {
    const deadline = cronJob.spec.startingDeadlineSeconds;
    if (deadline !== undefined && Date.now() - due.getTime() > deadline * 1000) {
      this.context.events.record(
        cronJob,
        "Warning",
        "MissSchedule",
        `Missed scheduled time to start a job: ${toTime(due)}`,
        SOURCE,
      );
      return;
    }
    this.start(cronJob, due);
  }

  /** The parsed schedule, or undefined after a Warning Event when it (or its time zone) cannot be read. */
  private scheduleOf(cronJob: CronJobObject): Cron | undefined {
    const { schedule, timeZone } = cronJob.spec;
    try {
      const cron = new Cron(schedule, { mode: "5-part", timezone: timeZone ?? "Etc/UTC" });
      cron.nextRun();
      return cron;
    } catch (error) {
      const reason = timeZone === undefined ? "UnparseableSchedule" : "InvalidSchedule";
      const detail = error instanceof Error ? error.message : String(error);
      this.context.events.record(
        cronJob,
        "Warning",
        reason,
        `invalid schedule: ${JSON.stringify(schedule)}${timeZone === undefined ? "" : ` in time zone ${JSON.stringify(timeZone)}`}: ${detail}`,
        SOURCE,
      );
      return undefined;
    }
  }

  /** One run at `scheduled`, as concurrencyPolicy allows; returns the Job's name when it started (or existed). */
  private start(cronJob: CronJobObject, scheduled: Date): string | undefined {
    const { store, events } = this.context;
    const namespace = cronJob.metadata.namespace ?? "default";
    if (!acceptsNewObjects(store, namespace)) return undefined;
    const active = this.jobsOf(cronJob).filter((job) => jobFinished(job) === undefined);
    const policy = cronJob.spec.concurrencyPolicy ?? "Allow";
    if (policy === "Forbid" && active.length > 0) {
      events.record(
        cronJob,
        "Normal",
        "JobAlreadyActive",
        "Not starting job because prior execution is running and concurrency policy is Forbid",
        SOURCE,
      );
      return undefined;
    }
    if (policy === "Replace") {
      for (const job of active) {
        store.delete("jobs", namespace, job.metadata.name);
        events.record(cronJob, "Normal", "SuccessfulDelete", `Deleted job ${job.metadata.name}`, SOURCE);
      }
    }
    const name = `${cronJob.metadata.name}-${Math.floor(scheduled.getTime() / 60_000)}`;
    let job = store.get("jobs", namespace, name) as JobObject | undefined;
    if (!job) {
      let admitted: NewObject;
      try {
        admitted = admit(store, { info: JOBS, namespace, object: this.newJob(cronJob, name, scheduled) });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        events.record(cronJob, "Warning", "FailedCreate", `Error creating job: ${error.message}`, SOURCE);
        return undefined;
      }
      job = store.create("jobs", admitted) as JobObject;
      events.record(cronJob, "Normal", "SuccessfulCreate", `Created job ${name}`, SOURCE);
    }
    const current = this.get(namespace, cronJob.metadata.name) ?? cronJob;
    const replaced = new Set(policy === "Replace" ? active.map((other) => other.metadata.uid) : []);
    const stillActive = (current.status?.active ?? []).filter(
      (ref) => ref.uid !== job.metadata.uid && !replaced.has(ref.uid),
    );
    store.updateStatus("cronjobs", namespace, cronJob.metadata.name, {
      ...current.status,
      active: [...stillActive, referenceTo(job)],
      lastScheduleTime: toTime(scheduled),
    });
    return name;
  }

  private newJob(cronJob: CronJobObject, name: string, scheduled: Date) {
    const template = cronJob.spec.jobTemplate;
    return {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name,
        namespace: cronJob.metadata.namespace ?? "default",
        labels: { ...template.metadata?.labels },
        annotations: {
          ...template.metadata?.annotations,
          "batch.kubernetes.io/cronjob-scheduled-timestamp": toTime(scheduled),
        },
        ownerReferences: [controllerReference(cronJob)],
      },
      spec: template.spec,
    };
  }

  private jobsOf(cronJob: CronJobObject): JobObject[] {
    return (this.context.owners.controlledBy(this.context.store, "jobs", cronJob) as JobObject[]).filter(
      (job) => !isTerminating(job),
    );
  }

  /** status.active and lastSuccessfulTime from the Jobs as they are, then the history limits. */
  private syncJobs(cronJob: CronJobObject): void {
    const { store, events } = this.context;
    const namespace = cronJob.metadata.namespace ?? "default";
    const jobs = this.jobsOf(cronJob);
    const status = cronJob.status ?? {};
    let lastSuccessfulTime = status.lastSuccessfulTime;
    for (const ref of status.active ?? []) {
      const job = jobs.find((candidate) => candidate.metadata.uid === ref.uid);
      const outcome = job && jobFinished(job);
      if (!job || outcome === undefined) continue;
      events.record(
        cronJob,
        "Normal",
        "SawCompletedJob",
        `Saw completed job: ${job.metadata.name}, condition: ${outcome}`,
        SOURCE,
      );
    }
    for (const job of jobs) {
      const completed = job.status?.completionTime;
      if (
        jobFinished(job) === "Complete" &&
        completed !== undefined &&
        completed > (lastSuccessfulTime ?? "")
      )
        lastSuccessfulTime = completed;
    }
    // A reference keeps the resourceVersion it was made with, as the real controller's do.
    const active = jobs
      .filter((job) => jobFinished(job) === undefined)
      .map((job) => status.active?.find((ref) => ref.uid === job.metadata.uid) ?? referenceTo(job));
    const next = {
      ...status,
      active: active.length > 0 ? active : undefined,
      lastSuccessfulTime,
    };
    if (next.active === undefined) delete next.active;
    if (next.lastSuccessfulTime === undefined) delete next.lastSuccessfulTime;
    if (!jsonEqual(next, status)) store.updateStatus("cronjobs", namespace, cronJob.metadata.name, next);

    const prune = (outcome: "Complete" | "Failed", limit: number): void => {
      const finished = jobs
        .filter((job) => jobFinished(job) === outcome)
        .sort(
          (a, b) =>
            startedAt(a).localeCompare(startedAt(b)) || a.metadata.name.localeCompare(b.metadata.name),
        );
      for (const job of finished.slice(0, Math.max(0, finished.length - limit))) {
        store.delete("jobs", namespace, job.metadata.name);
        events.record(cronJob, "Normal", "SuccessfulDelete", `Deleted job ${job.metadata.name}`, SOURCE);
      }
    };
    prune("Complete", cronJob.spec.successfulJobsHistoryLimit ?? DEFAULT_SUCCESSFUL_HISTORY);
    prune("Failed", cronJob.spec.failedJobsHistoryLimit ?? DEFAULT_FAILED_HISTORY);
  }
}

function referenceTo(job: JobObject): ObjectReference {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    name: job.metadata.name,
    namespace: job.metadata.namespace ?? "default",
    uid: job.metadata.uid,
    resourceVersion: job.metadata.resourceVersion,
  };
}
