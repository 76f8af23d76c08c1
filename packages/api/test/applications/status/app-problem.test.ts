// The plain-words problems of a stuck rollout, on hand-built objects in the exact shape the API server and the
// controllers write them: quota refusals, pull failures, crash loops, unschedulable pods, a passed deadline.
import { describe, expect, it } from "vitest";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { parseQuotaRefusal } from "../../../src/applications/status/app-problem.js";
import { summarizeAppStatus } from "../../../src/applications/status/app-status.js";
import { refKey, refOf } from "../../../src/cluster/object-ref.js";

const NOW = new Date("2025-06-01T12:00:00Z");
const at = (secondsAgo: number) => new Date(NOW.getTime() - secondsAgo * 1000).toISOString();
const QUOTA_REFUSAL =
  'pods "web-7d9c8b6f5-x2x9k" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=4, limited: requests.cpu=4';

function expectedDeployment(replicas: number, image: string): KubernetesObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop" },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "web", image, resources: { requests: { cpu: "500m" } } }] },
      },
    },
  };
}

type Condition = { type: string; status: string; reason?: string; message?: string };

function liveDeployment(expected: KubernetesObject, conditions: Condition[], ready = 0): KubernetesObject {
  const live = structuredClone(expected) as any;
  live.metadata = { ...live.metadata, uid: "uid-web", generation: 1 };
  live.status = {
    observedGeneration: 1,
    replicas: ready,
    updatedReplicas: ready,
    readyReplicas: ready,
    availableReplicas: ready,
    conditions,
  };
  return live;
}

function replicaSet(image: string, conditions: Condition[] = []): KubernetesObject {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: "web-7d9c8b6f5",
      namespace: "shop",
      uid: "uid-rs",
      annotations: { "deployment.kubernetes.io/revision": "1" },
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "uid-web", controller: true },
      ],
      image,
    },
    status: { conditions },
  };
}

function pod(rs: KubernetesObject, suffix: string, status: object, image: string): KubernetesObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `${rs.metadata.name}-${suffix}`,
      namespace: "shop",
      uid: `uid-${suffix}`,
      creationTimestamp: at(300),
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: rs.metadata.name,
          uid: rs.metadata.uid,
          controller: true,
        },
      ],
    },
    spec: { containers: [{ name: "web", image }] },
    status,
  };
}

const runningReady = {
  phase: "Running",
  conditions: [{ type: "Ready", status: "True" }],
  containerStatuses: [
    { name: "web", ready: true, restartCount: 0, state: { running: { startedAt: at(200) } } },
  ],
};

function summarize(
  expected: KubernetesObject,
  deployment: KubernetesObject,
  rest: { replicaSets?: KubernetesObject[]; pods?: KubernetesObject[]; events?: KubernetesObject[] },
) {
  return summarizeAppStatus({
    expected: [expected],
    live: new Map([[refKey(refOf(expected)), deployment]]),
    replicaSets: rest.replicaSets ?? [],
    pods: rest.pods ?? [],
    events: rest.events ?? [],
    now: NOW,
  });
}

describe("parseQuotaRefusal", () => {
  it("reads the quota admission's message, with or without the event's prefix, and finds what is exceeded", () => {
    const expected = {
      name: "compute",
      resources: [{ resource: "requests.cpu", requested: "500m", used: "4", limited: "4", exceeded: true }],
    };
    expect(parseQuotaRefusal(QUOTA_REFUSAL)).toEqual(expected);
    expect(parseQuotaRefusal(`Error creating: ${QUOTA_REFUSAL}`)).toEqual(expected);
    expect(
      parseQuotaRefusal(
        'pods "w" is forbidden: exceeded quota: mem, requested: requests.cpu=100m,requests.memory=1Gi, used: requests.cpu=1,requests.memory=7.5Gi, limited: requests.cpu=4,requests.memory=8Gi',
      )?.resources.map((entry) => [entry.resource, entry.exceeded]),
    ).toEqual([
      ["requests.cpu", false],
      ["requests.memory", true],
    ]);
    expect(
      parseQuotaRefusal('pods "w" is forbidden: violates PodSecurity "restricted:latest"'),
    ).toBeUndefined();
  });
});

describe("the problem of a stuck rollout", () => {
  it("names the quota that stopped the rollout, what each pod asks and what is in use, and offers no restart", () => {
    const image = "nginx:1.27";
    const expected = expectedDeployment(20, image);
    const failure = {
      type: "ReplicaFailure",
      status: "True",
      reason: "FailedCreate",
      message: QUOTA_REFUSAL,
    };
    const rs = replicaSet(image, [failure]);
    const pods = Array.from({ length: 8 }, (_, index) => pod(rs, `p${index}`, runningReady, image));
    const deployment = liveDeployment(
      expected,
      [{ type: "Progressing", status: "True", reason: "ReplicaSetUpdated" }, failure],
      8,
    );
    const event: KubernetesObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "web-7d9c8b6f5.1", namespace: "shop" },
      involvedObject: { kind: "ReplicaSet", name: "web-7d9c8b6f5", namespace: "shop" },
      type: "Warning",
      reason: "FailedCreate",
      message: `Error creating: ${QUOTA_REFUSAL}`,
      count: 12,
      lastTimestamp: at(1),
    };
    const status = summarize(expected, deployment, { replicaSets: [rs], pods, events: [event] });
    expect(status.state).toBe("degraded");
    expect(status.problem).toEqual({
      kind: "quota",
      summary:
        'The project\'s quota "compute" stopped the rollout: each pod asks for 500m CPU, and 4 of 4 cores are in use. 8 of 20 pods run.',
      next: expect.stringContaining("Lower the replicas or what each pod asks for"),
      details: QUOTA_REFUSAL,
      helps: { restart: false, redeploy: false },
    });
    expect(status.events[0]).toMatchObject({ reason: "FailedCreate", type: "Warning", count: 12 });

    const none = summarize(expected, liveDeployment(expected, [failure]), { replicaSets: [rs] });
    expect(none.state).toBe("failed");
    expect(none.problem?.summary).toMatch(/ 0 of 20 pods run\.$/);
  });

  it("says an image cannot be pulled in plain words, the registry's words as details", () => {
    const image = "invalid.example/app:1";
    const expected = expectedDeployment(1, image);
    const rs = replicaSet(image);
    const waiting = {
      phase: "Pending",
      conditions: [{ type: "Ready", status: "False" }],
      containerStatuses: [
        {
          name: "web",
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${image}"` } },
        },
      ],
    };
    const pull = `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`;
    const failed: KubernetesObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "p.1", namespace: "shop" },
      involvedObject: { kind: "Pod", name: "web-7d9c8b6f5-a", namespace: "shop" },
      type: "Warning",
      reason: "Failed",
      message: `Failed to pull image "${image}": ${pull}`,
      lastTimestamp: at(2),
    };
    const status = summarize(expected, liveDeployment(expected, []), {
      replicaSets: [rs],
      pods: [pod(rs, "a", waiting, image)],
      events: [failed],
    });
    expect(status.state).toBe("failed");
    expect(status.problem).toMatchObject({
      kind: "image-pull",
      summary: `The cluster cannot pull image ${image}: check its name and tag; a private registry needs a pull secret.`,
      details: `${pull} (ImagePullBackOff)`,
      helps: { restart: false, redeploy: false },
    });
  });

  it("tells of a crash loop with the exit code and restarts, naming the container whose last lines to show", () => {
    const image = "crash.example/app:1";
    const expected = expectedDeployment(1, image);
    const rs = replicaSet(image);
    const crashing = {
      phase: "Running",
      conditions: [{ type: "Ready", status: "False" }],
      containerStatuses: [
        {
          name: "web",
          ready: false,
          restartCount: 3,
          state: {
            waiting: { reason: "CrashLoopBackOff", message: "back-off 40s restarting failed container=web" },
          },
          lastState: { terminated: { exitCode: 1, reason: "Error", containerID: "containerd://abc" } },
        },
      ],
    };
    const status = summarize(expected, liveDeployment(expected, []), {
      replicaSets: [rs],
      pods: [pod(rs, "a", crashing, image)],
    });
    expect(status.problem).toEqual({
      kind: "crash-loop",
      summary:
        'Container "web" keeps crashing: it exited with code 1 (Error), and the cluster restarted it 3 times.',
      next: expect.stringContaining("last lines"),
      details: "CrashLoopBackOff: back-off 40s restarting failed container=web",
      helps: { restart: false, redeploy: false },
      crash: { pod: "web-7d9c8b6f5-a", container: "web", restarts: 3, exitCode: 1, reason: "Error" },
    });
  });

  it("explains an unschedulable pod and a passed progress deadline; the deadline may be helped by a redeploy", () => {
    const image = "nginx:1.27";
    const expected = expectedDeployment(1, image);
    const rs = replicaSet(image);
    const pending = {
      phase: "Pending",
      conditions: [
        {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message: "0/1 nodes are available: 1 Insufficient cpu.",
        },
      ],
    };
    const unschedulable = summarize(expected, liveDeployment(expected, []), {
      replicaSets: [rs],
      pods: [pod(rs, "a", pending, image)],
    });
    expect(unschedulable.problem).toMatchObject({
      kind: "unschedulable",
      summary: "No node of the cluster has enough free CPU for pod web-7d9c8b6f5-a.",
      details: "0/1 nodes are available: 1 Insufficient cpu.",
      helps: { restart: false, redeploy: false },
    });

    const deadline = {
      type: "Progressing",
      status: "False",
      reason: "ProgressDeadlineExceeded",
      message: 'ReplicaSet "web-7d9c8b6f5" has timed out progressing.',
    };
    const notReady = {
      phase: "Running",
      conditions: [{ type: "Ready", status: "False" }],
      containerStatuses: [
        { name: "web", ready: false, restartCount: 0, state: { running: { startedAt: at(600) } } },
      ],
    };
    const stalled = summarize(expected, liveDeployment(expected, [deadline]), {
      replicaSets: [rs],
      pods: [pod(rs, "a", notReady, image)],
    });
    expect(stalled.state).toBe("failed");
    expect(stalled.problem).toMatchObject({
      kind: "progress-deadline",
      summary: expect.stringContaining("1 of 1 new pods run"),
      details: deadline.message,
      helps: { restart: true, redeploy: true },
    });
  });

  it("has no problem while things go well", () => {
    const image = "nginx:1.27";
    const expected = expectedDeployment(1, image);
    const rs = replicaSet(image);
    const status = summarize(
      expected,
      liveDeployment(
        expected,
        [{ type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" }],
        1,
      ),
      { replicaSets: [rs], pods: [pod(rs, "a", runningReady, image)] },
    );
    expect(status).toMatchObject({ state: "ready", problem: null });
  });
});
