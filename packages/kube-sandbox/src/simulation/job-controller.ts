// The Job controller: runs a Job's pods to completion and reports it. Pods are named `<job>-<5 chars>`, owned by the
// Job and labelled with its name and uid like the real controller's. Non-indexed completions and parallelism are
// simulated. A Job fails (BackoffLimitExceeded) once its failed pods go past backoffLimit (default 6), or with
// restartPolicy OnFailure once its containers' restarts reach it, as the real controller counts; its remaining pods
// are then deleted. A failed pod is replaced at once (the real controller waits 10 s doubling). activeDeadlineSeconds,
// podFailurePolicy, successPolicy, indexed Jobs and the Suspended condition are not simulated (a suspended Job simply
// starts no pods).
import { admit } from "../admission/index.js";
import type { NewObject, StoreEvent } from "../contract.js";
import { findResource } from "../resources.js";
import { ApiError } from "../server/status.js";
import { jsonEqual } from "../store/clone.js";
import { now } from "../store/object-store.js";
import { getCondition, setCondition } from "./conditions.js";
import type { Controller, ControllerContext } from "./context.js";
import type { EventSource } from "./events.js";
import { acceptsNewObjects, isTerminating } from "./objects.js";
import { ReconcileQueue } from "./reconcile-queue.js";
import { isPodReady, podFromTemplate } from "./replicaset-controller.js";
import type { JobObject, PodObject } from "./types.js";

const SOURCE: EventSource = { component: "job-controller" };
const PODS = findResource("", "v1", "pods")!;
const DEFAULT_BACKOFF_LIMIT = 6;

/** Whether the Job is over: its Complete or Failed condition is True. */
export function jobFinished(job: JobObject): "Complete" | "Failed" | undefined {
  if (getCondition(job.status?.conditions, "Complete")?.status === "True") return "Complete";
  if (getCondition(job.status?.conditions, "Failed")?.status === "True") return "Failed";
  return undefined;
}

export class JobController implements Controller {
  private readonly reconciles: ReconcileQueue;

  constructor(private readonly context: ControllerContext) {
    this.reconciles = new ReconcileQueue(context, "jobs", "Job", "pods", (namespace, name) => {
      this.reconcile(namespace, name);
    });
  }

  observe(event: StoreEvent): void {
    this.reconciles.observe(event);
  }

  resync(): void {
    this.reconciles.queueAll();
  }

  private reconcile(namespace: string, name: string): void {
    const { store, events } = this.context;
    const job = store.get("jobs", namespace, name) as JobObject | undefined;
    if (!job || isTerminating(job) || jobFinished(job) !== undefined) return;
    const pods = (this.context.owners.controlledBy(store, "pods", job) as PodObject[]).filter(
      (pod) => !isTerminating(pod),
    );
    const succeeded = pods.filter((pod) => pod.status?.phase === "Succeeded").length;
    const failedPods = pods.filter((pod) => pod.status?.phase === "Failed").length;
    let active = pods.filter((pod) => pod.status?.phase !== "Succeeded" && pod.status?.phase !== "Failed");
    const restarts = active.reduce(
      (total, pod) =>
        total + (pod.status?.containerStatuses ?? []).reduce((sum, status) => sum + status.restartCount, 0),
      0,
    );
    const completions = job.spec.completions ?? 1;
    const backoffLimit = job.spec.backoffLimit ?? DEFAULT_BACKOFF_LIMIT;
    // With OnFailure the kubelet restarts the container in place, so restarts are the failures that count.
    const onFailure = job.spec.template.spec.restartPolicy === "OnFailure";
    const exceeded =
      failedPods > backoffLimit ||
      (onFailure && (backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit));
    let failed = failedPods;
    const time = now();
    let conditions = job.status?.conditions;
    let completionTime: string | undefined;

    if (exceeded) {
      // Its remaining pods are deleted and count as failed, as the real controller counts them.
      for (const pod of active) store.delete("pods", namespace, pod.metadata.name);
      failed += active.length;
      active = [];
      const failure = { status: "True" as const, reason: "BackoffLimitExceeded" };
      const message = "Job has reached the specified backoff limit";
      conditions = setCondition(conditions, { type: "FailureTarget", ...failure, message });
      conditions = setCondition(conditions, { type: "Failed", ...failure, message });
      events.record(job, "Warning", "BackoffLimitExceeded", message, SOURCE);
    } else if (succeeded >= completions) {
      const criteria = {
        status: "True" as const,
        reason: "CompletionsReached",
        message: "Reached expected number of succeeded pods",
      };
      conditions = setCondition(conditions, { type: "SuccessCriteriaMet", ...criteria });
      conditions = setCondition(conditions, { type: "Complete", ...criteria });
      completionTime = time;
      events.record(job, "Normal", "Completed", "Job completed", SOURCE);
    } else if (job.spec.suspend !== true && acceptsNewObjects(store, namespace)) {
      const wanted = Math.min(job.spec.parallelism ?? 1, completions - succeeded);
      for (let count = active.length; count < wanted; count++) {
        const pod = this.createPod(job);
        if (!pod) break;
        active.push(pod);
      }
    }

    const status = {
      ...job.status,
      startTime: job.status?.startTime ?? time,
      ...(completionTime === undefined ? {} : { completionTime }),
      active: active.length,
      ready: active.filter(isPodReady).length,
      succeeded,
      failed,
      terminating: 0,
      uncountedTerminatedPods: {},
      ...(conditions === undefined ? {} : { conditions }),
    };
    if (!jsonEqual(status, job.status)) store.updateStatus("jobs", namespace, name, status);
  }

  /** One pod through admission, like any client's create; a refusal is a Warning FailedCreate Event. */
  private createPod(job: JobObject): PodObject | undefined {
    const { store, events } = this.context;
    const namespace = job.metadata.namespace ?? "default";
    const labels = {
      "batch.kubernetes.io/controller-uid": job.metadata.uid,
      "batch.kubernetes.io/job-name": job.metadata.name,
      "controller-uid": job.metadata.uid,
      "job-name": job.metadata.name,
    };
    let admitted: NewObject;
    try {
      admitted = admit(store, {
        info: PODS,
        namespace,
        object: podFromTemplate(store, job, job.spec.template, labels),
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      events.record(job, "Warning", "FailedCreate", `Error creating: ${error.message}`, SOURCE);
      return undefined;
    }
    const pod = store.create("pods", admitted) as PodObject;
    events.record(job, "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata.name}`, SOURCE);
    return pod;
  }
}
