// The last runs of a cron app, from its CronJob's Jobs: newest first and at most five, each with its outcome, and for
// a failed or stuck run the reason from its pods, or from their Events once the Job controller deleted them.
import { describe, expect, it } from "vitest";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { summarizeRuns } from "../../../src/applications/status/cronjob-runs.js";

const cronJob: KubernetesObject = {
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name: "report", namespace: "shop", uid: "cj-1" },
};
const CONTAINER = { name: "report", image: "ghcr.io/acme/report:1" };

function job(
  minute: number,
  conditions: { type: string; status: string; message?: string }[] = [],
): KubernetesObject {
  const started = new Date(minute * 60_000).toISOString().replace(".000Z", "Z");
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: `report-${minute}`,
      namespace: "shop",
      uid: `job-${minute}`,
      annotations: { "batch.kubernetes.io/cronjob-scheduled-timestamp": started },
      ownerReferences: [
        { apiVersion: "batch/v1", kind: "CronJob", name: "report", uid: "cj-1", controller: true },
      ],
    },
    spec: { template: { spec: { containers: [CONTAINER] } } },
    status: {
      startTime: started,
      ...(conditions.some((c) => c.type === "Complete") ? { completionTime: started } : {}),
      conditions: conditions.map((c) => ({ ...c, lastTransitionTime: started })),
    },
  };
}

const complete = [{ type: "Complete", status: "True" }];
const failed = [{ type: "Failed", status: "True", message: "Job has reached the specified backoff limit" }];
const noStuck = () => undefined;

describe("summarizeRuns", () => {
  it("lists the CronJob's own Jobs, newest first, at most five", () => {
    const other = {
      ...job(5, complete),
      metadata: { ...job(5).metadata, name: "other-5", ownerReferences: [] },
    };
    const jobs = [1, 2, 3, 4, 6, 7].map((minute) => job(minute, complete));
    const runs = summarizeRuns(cronJob, [...jobs, other], [], [], noStuck);
    expect(runs.map((run) => run.name)).toEqual(["report-7", "report-6", "report-4", "report-3", "report-2"]);
    expect(runs[0]).toEqual({
      name: "report-7",
      outcome: "succeeded",
      startedAt: "1970-01-01T00:07:00Z",
      finishedAt: "1970-01-01T00:07:00Z",
    });
  });

  it("says why a failed run failed from its pods' Events when the pods are gone", () => {
    const events: KubernetesObject[] = [
      {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name: "e1", namespace: "shop" },
        type: "Warning",
        reason: "BackOff",
        message: "Back-off restarting failed container report in pod report-9-abcde_shop(x)",
        involvedObject: { kind: "Pod", name: "report-9-abcde" },
        lastTimestamp: "1970-01-01T00:09:30Z",
      },
    ];
    const [run] = summarizeRuns(cronJob, [job(9, failed)], [], events, noStuck);
    expect(run).toMatchObject({ name: "report-9", outcome: "failed", finishedAt: "1970-01-01T00:09:00Z" });
    expect(run?.reason).toMatch(/^Container "report" keeps crashing/);
    expect(run?.reason).toContain("The cluster gave up: Job has reached the specified backoff limit.");
  });

  it("says a running run whose pod cannot pull its image is stuck, and falls back on the Job's condition", () => {
    const pod: KubernetesObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "report-10-x", uid: "p", ownerReferences: [{ uid: "job-10" }] },
    };
    const [stuck] = summarizeRuns(cronJob, [job(10)], [pod], [], () => ({
      pod: "report-10-x",
      container: "report",
      image: CONTAINER.image,
      reason: "ImagePullBackOff",
      message: "not found (ImagePullBackOff)",
      restarts: 0,
    }));
    expect(stuck).toMatchObject({ outcome: "running" });
    expect(stuck?.reason).toContain(`The cluster cannot pull image ${CONTAINER.image}`);
    expect(stuck).not.toHaveProperty("finishedAt");

    const [bare] = summarizeRuns(cronJob, [job(11, failed)], [], [], noStuck);
    expect(bare?.reason).toBe("Job has reached the specified backoff limit");
  });
});
