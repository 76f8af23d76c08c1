// The CronJob and Job controllers: ticks (through runCronJobNow, never the wall clock) start Jobs named after their
// scheduled minute, whose pods run to completion or fail; the CronJob keeps its status and its history limits.
import { describe, expect, it } from "vitest";
import type { NewObject, StoredObject } from "../src/contract.js";
import type { MemoryObjectStore } from "../src/store/object-store.js";
import { condition, eventsFor, ownedBy, startHarness, waitFor } from "./simulation-harness.js";

function cronJob(
  name: string,
  options: {
    image?: string;
    spec?: Record<string, unknown>;
    restartPolicy?: string;
    backoffLimit?: number;
  } = {},
): NewObject {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name, namespace: "default" },
    spec: {
      schedule: "0 3 * * *",
      jobTemplate: {
        metadata: { labels: { app: name } },
        spec: {
          backoffLimit: options.backoffLimit ?? 2,
          template: {
            metadata: { labels: { app: name } },
            spec: {
              restartPolicy: options.restartPolicy ?? "OnFailure",
              containers: [{ name: "task", image: options.image ?? "busybox:1.36" }],
            },
          },
        },
      },
      ...options.spec,
    },
  };
}

const finished = (store: MemoryObjectStore, name: string, type: "Complete" | "Failed") => {
  const job = store.get("jobs", "default", name);
  return condition(job, type)?.status === "True" && job;
};

describe("CronJobs", () => {
  it("start a Job per tick, named after the scheduled minute, whose pod completes; the CronJob records it", async () => {
    const { store, simulation } = startHarness();
    const owner = store.create("cronjobs", cronJob("report"));
    const name = simulation.runCronJobNow("default", "report")!;

    const scheduled = new Date(Number(name.slice("report-".length)) * 60_000);
    expect(scheduled.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect([scheduled.getUTCHours(), scheduled.getUTCMinutes()]).toEqual([3, 0]);
    const job = store.get("jobs", "default", name)!;
    expect(job.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: "CronJob", name: "report", uid: owner.metadata.uid, controller: true }),
    ]);
    expect(job.metadata.labels).toEqual({ app: "report" });
    expect((store.get("cronjobs", "default", "report")!.status as any).active).toEqual([
      expect.objectContaining({ kind: "Job", name, uid: job.metadata.uid }),
    ]);

    const done = await waitFor("the Job to complete", () => finished(store, name, "Complete"));
    expect(done.status).toMatchObject({ succeeded: 1, failed: 0, active: 0 });
    expect(Date.parse(done.status.completionTime)).toBeGreaterThanOrEqual(Date.parse(done.status.startTime));
    const [pod] = ownedBy(store, "pods", job) as any[];
    expect(pod.metadata.labels).toMatchObject({ app: "report", "batch.kubernetes.io/job-name": name });
    expect(pod.status.phase).toBe("Succeeded");
    expect(pod.status.containerStatuses[0].state.terminated).toMatchObject({
      exitCode: 0,
      reason: "Completed",
    });

    const status = await waitFor("the CronJob to see the run succeed", () => {
      const current = store.get("cronjobs", "default", "report")!.status as any;
      return current.lastSuccessfulTime && current.active === undefined && current;
    });
    expect(status.lastScheduleTime).toBe(scheduled.toISOString().replace(".000Z", "Z"));
    expect(eventsFor(store, owner).map((event) => event.reason)).toEqual(
      expect.arrayContaining(["SuccessfulCreate", "SawCompletedJob"]),
    );

    // The next tick is the next scheduled time, a day later.
    const next = simulation.runCronJobNow("default", "report")!;
    expect(Number(next.slice("report-".length)) - Number(name.slice("report-".length))).toBe(24 * 60);
  });

  it("honour spec.timeZone", () => {
    const { store, simulation } = startHarness();
    store.create("cronjobs", cronJob("tokyo", { spec: { timeZone: "Asia/Tokyo" } }));
    const name = simulation.runCronJobNow("default", "tokyo")!;
    // 03:00 in Tokyo (UTC+9, no daylight saving) is 18:00 UTC.
    expect(new Date(Number(name.slice("tokyo-".length)) * 60_000).getUTCHours()).toBe(18);
  });

  it("fail a Job whose container keeps crashing past backoffLimit, and delete its pod", async () => {
    const { store, simulation } = startHarness();
    store.create("cronjobs", cronJob("broken", { image: "crash.example/task:1", backoffLimit: 1 }));
    const name = simulation.runCronJobNow("default", "broken")!;
    const job = await waitFor("the Job to fail", () => finished(store, name, "Failed"), 10_000);
    expect(condition(job, "Failed")).toMatchObject({
      reason: "BackoffLimitExceeded",
      message: "Job has reached the specified backoff limit",
    });
    expect(job.status).toMatchObject({ failed: 1, active: 0 });
    await waitFor("the pod to be deleted", () => ownedBy(store, "pods", job).length === 0);
    const status = await waitFor("the CronJob to drop the run from active", () => {
      const current = store.get("cronjobs", "default", "broken")!.status as any;
      return current.active === undefined && current;
    });
    expect(status.lastSuccessfulTime).toBeUndefined();
  });

  it("with restartPolicy Never, fail the pod and start new ones up to backoffLimit", async () => {
    const { store, simulation } = startHarness();
    store.create("cronjobs", cronJob("never", { image: "crash.example/task:1", restartPolicy: "Never" }));
    const name = simulation.runCronJobNow("default", "never")!;
    const job = await waitFor("the Job to fail", () => finished(store, name, "Failed"), 10_000);
    const pods = ownedBy(store, "pods", job) as any[];
    expect(pods.map((pod) => pod.status.phase)).toEqual(["Failed", "Failed", "Failed"]);
    expect(job.status.failed).toBe(3);
  });

  it("keep successfulJobsHistoryLimit finished Jobs, deleting the oldest with their pods", async () => {
    const { store, simulation } = startHarness();
    store.create("cronjobs", cronJob("pruned", { spec: { successfulJobsHistoryLimit: 1 } }));
    const first = simulation.runCronJobNow("default", "pruned")!;
    const firstJob = await waitFor("the first run", () => finished(store, first, "Complete"));
    const second = simulation.runCronJobNow("default", "pruned")!;
    await waitFor("the second run", () => finished(store, second, "Complete"));
    await waitFor("the first Job to be deleted", () => !store.get("jobs", "default", first));
    await waitFor("its pod to be deleted", () => ownedBy(store, "pods", firstJob).length === 0);
    expect(store.list("jobs", "default").map((job) => job.metadata.name)).toEqual([second]);
  });

  it("follow concurrencyPolicy: Forbid skips a tick while a run is active, Replace deletes it", () => {
    const { store, simulation } = startHarness();
    // An image that cannot be pulled keeps its run active.
    const stuck = { image: "invalid.example/task:1" };
    const forbid = store.create(
      "cronjobs",
      cronJob("forbid", { ...stuck, spec: { concurrencyPolicy: "Forbid" } }),
    );
    expect(simulation.runCronJobNow("default", "forbid")).toBeDefined();
    expect(simulation.runCronJobNow("default", "forbid")).toBeUndefined();
    expect(eventsFor(store, forbid).map((event) => event.reason)).toContain("JobAlreadyActive");
    expect(ownedBy(store, "jobs", forbid)).toHaveLength(1);

    const replace = store.create(
      "cronjobs",
      cronJob("replace", { ...stuck, spec: { concurrencyPolicy: "Replace" } }),
    );
    const old = simulation.runCronJobNow("default", "replace")!;
    const replacement = simulation.runCronJobNow("default", "replace")!;
    expect(store.get("jobs", "default", old)).toBeUndefined();
    expect(ownedBy(store, "jobs", replace).map((job: StoredObject) => job.metadata.name)).toEqual([
      replacement,
    ]);
    expect((store.get("cronjobs", "default", "replace")!.status as any).active).toEqual([
      expect.objectContaining({ name: replacement }),
    ]);
  });

  it("start nothing while suspended", () => {
    const { store, simulation } = startHarness();
    store.create("cronjobs", cronJob("paused", { spec: { suspend: true } }));
    expect(simulation.runCronJobNow("default", "paused")).toBeUndefined();
    expect(store.list("jobs", "default")).toEqual([]);
  });

  it("start the run that came due while nobody watched (a restored snapshot), within startingDeadlineSeconds", async () => {
    const { store } = startHarness();
    const created = new Date(Date.now() - 3 * 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const hourly = (name: string, spec: Record<string, unknown> = {}): NewObject => {
      const object = cronJob(name, { spec: { schedule: "0 * * * *", ...spec } });
      return { ...object, metadata: { ...object.metadata, creationTimestamp: created } };
    };
    store.create("cronjobs", hourly("late"));
    const job = await waitFor("the missed run", () => store.list("jobs", "default")[0]);
    const lastHour = Math.floor(Date.now() / 3600_000) * 60;
    expect(job.metadata.name).toBe(`late-${lastHour}`);

    // With a deadline of 1 s, a run due for longer is missed (unless the test runs in the first second of an hour).
    const tooLate = store.create("cronjobs", hourly("too-late", { startingDeadlineSeconds: 1 }));
    if (Date.now() - lastHour * 60_000 > 2000) {
      const missed = await waitFor("the MissSchedule event", () =>
        eventsFor(store, tooLate).find((event) => event.reason === "MissSchedule"),
      );
      expect(missed.type).toBe("Warning");
      expect(ownedBy(store, "jobs", tooLate)).toEqual([]);
    }
  });
});
