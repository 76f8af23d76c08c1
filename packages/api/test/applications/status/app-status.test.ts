// summarizeAppStatus and detectDrift on hand-made objects: every state, and what drift is and is not.
import { describe, expect, it } from "vitest";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { detectDrift } from "../../../src/applications/status/app-drift.js";
import { summarizeAppStatus, type AppStatusInput } from "../../../src/applications/status/app-status.js";
import { refKey, refOf } from "../../../src/cluster/object-ref.js";

const NOW = new Date("2025-06-01T12:00:00Z");
const DEPLOYMENT_UID = "uid-deployment";

function at(secondsBeforeNow: number): string {
  return new Date(NOW.getTime() - secondsBeforeNow * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function expectedDeployment(extra: { replicas?: number; image?: string } = {}): KubernetesObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop", labels: { app: "web", "babyhelm.io/app": "web" } },
    spec: {
      replicas: extra.replicas ?? 2,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            {
              name: "web",
              image: extra.image ?? "nginx:1.27",
              env: [],
              ports: [{ containerPort: 80 }],
              resources: { requests: { cpu: "0.1", memory: "128Mi" } },
            },
          ],
        },
      },
    },
  };
}

const expectedService: KubernetesObject = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "shop", labels: { app: "web" } },
  spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 80 }] },
};

const expectedHpa: KubernetesObject = {
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: { name: "web", namespace: "shop" },
  spec: {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
    minReplicas: 2,
    maxReplicas: 5,
  },
};

interface Rollout {
  generation?: number;
  observedGeneration?: number;
  replicas?: number;
  /** Live spec.replicas, when it differs from the expected one (an HPA scaled it). */
  specReplicas?: number;
  updated?: number;
  ready?: number;
  available?: number;
  progressing?: { status: string; reason: string; message?: string };
  replicaFailure?: { reason: string; message: string };
}

/** The live Deployment as a server keeps it: the expected one plus defaults, metadata and status. */
function liveDeployment(expected: KubernetesObject, rollout: Rollout): KubernetesObject {
  const live = structuredClone(expected) as any;
  live.metadata = {
    ...live.metadata,
    uid: DEPLOYMENT_UID,
    generation: rollout.generation ?? 1,
    resourceVersion: "42",
    creationTimestamp: at(600),
    annotations: { "deployment.kubernetes.io/revision": "1" },
  };
  if (rollout.specReplicas !== undefined) live.spec.replicas = rollout.specReplicas;
  live.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } };
  live.spec.template.spec.containers[0].imagePullPolicy = "IfNotPresent";
  live.spec.template.spec.containers[0].resources.requests.cpu = "100m";
  delete live.spec.template.spec.containers[0].env;
  const conditions: object[] = [];
  if (rollout.progressing)
    conditions.push({ type: "Progressing", lastTransitionTime: at(30), ...rollout.progressing });
  if (rollout.replicaFailure)
    conditions.push({ type: "ReplicaFailure", status: "True", ...rollout.replicaFailure });
  live.status = {
    observedGeneration: rollout.observedGeneration ?? rollout.generation ?? 1,
    replicas: rollout.replicas ?? 0,
    updatedReplicas: rollout.updated ?? 0,
    readyReplicas: rollout.ready ?? 0,
    availableReplicas: rollout.available ?? 0,
    conditions,
  };
  return live as KubernetesObject;
}

function liveService(): KubernetesObject {
  const live = structuredClone(expectedService) as any;
  live.metadata.uid = "uid-service";
  live.spec.type = "ClusterIP";
  live.spec.clusterIP = "10.96.0.10";
  live.spec.ports[0].protocol = "TCP";
  return live as KubernetesObject;
}

function replicaSet(
  hash: string,
  revision: number,
  counts: { ready?: number; available?: number } = {},
): KubernetesObject {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `web-${hash}`,
      namespace: "shop",
      uid: `uid-rs-${hash}`,
      creationTimestamp: at(300 - revision),
      annotations: { "deployment.kubernetes.io/revision": String(revision) },
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: DEPLOYMENT_UID, controller: true },
      ],
    },
    status: { readyReplicas: counts.ready ?? 0, availableReplicas: counts.available ?? 0 },
  };
}

interface PodShape {
  ready?: boolean;
  phase?: string;
  waiting?: { reason: string; message?: string };
  restarts?: number;
  lastExit?: { exitCode: number; reason: string };
  ageSeconds?: number;
  deleting?: boolean;
  unschedulable?: string;
}

function pod(rs: KubernetesObject, suffix: string, shape: PodShape = {}): KubernetesObject {
  const ready = shape.ready ?? shape.waiting === undefined;
  const image = ((rs.metadata as any).image as string | undefined) ?? "nginx:1.27";
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `${rs.metadata.name}-${suffix}`,
      namespace: "shop",
      uid: `uid-pod-${suffix}`,
      labels: { app: "web" },
      creationTimestamp: at(shape.ageSeconds ?? 120),
      ...(shape.deleting ? { deletionTimestamp: at(1) } : {}),
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
    status: {
      phase: shape.phase ?? (shape.waiting ? "Pending" : "Running"),
      conditions: [
        { type: "Ready", status: ready ? "True" : "False" },
        shape.unschedulable === undefined
          ? { type: "PodScheduled", status: "True" }
          : { type: "PodScheduled", status: "False", reason: "Unschedulable", message: shape.unschedulable },
      ],
      containerStatuses: [
        {
          name: "web",
          image,
          ready,
          restartCount: shape.restarts ?? 0,
          state: shape.waiting ? { waiting: shape.waiting } : { running: { startedAt: at(100) } },
          lastState: shape.lastExit ? { terminated: shape.lastExit } : {},
        },
      ],
    },
  };
}

/** A ReplicaSet whose pods run `image`. */
function replicaSetFor(
  image: string,
  hash: string,
  revision: number,
  counts: { ready?: number; available?: number } = {},
) {
  const rs = replicaSet(hash, revision, counts);
  (rs.metadata as any).image = image;
  return rs;
}

function event(
  involved: { kind: string; name: string },
  reason: string,
  message: string,
  extra: { type?: string; secondsAgo?: number; count?: number } = {},
): KubernetesObject {
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${involved.name}.${reason}.${extra.secondsAgo ?? 0}`, namespace: "shop" },
    involvedObject: { ...involved, namespace: "shop" },
    reason,
    message,
    type: extra.type ?? "Normal",
    count: extra.count ?? 1,
    lastTimestamp: at(extra.secondsAgo ?? 0),
  };
}

function input(
  expected: readonly KubernetesObject[],
  live: readonly KubernetesObject[],
  rest: Partial<Pick<AppStatusInput, "replicaSets" | "pods" | "events">> = {},
): AppStatusInput {
  const byKey = new Map(live.map((object) => [refKey(refOf(object)), object]));
  return {
    expected,
    live: new Map(expected.map((object) => [refKey(refOf(object)), byKey.get(refKey(refOf(object)))])),
    replicaSets: rest.replicaSets ?? [],
    pods: rest.pods ?? [],
    events: rest.events ?? [],
    now: NOW,
  };
}

const COMPLETE = {
  status: "True",
  reason: "NewReplicaSetAvailable",
  message: 'ReplicaSet "web-abc" has successfully progressed.',
};
const UPDATING = {
  status: "True",
  reason: "ReplicaSetUpdated",
  message: 'ReplicaSet "web-new" is progressing.',
};

describe("summarizeAppStatus", () => {
  it("is ready when every desired replica of the current revision is ready", () => {
    const expected = [expectedDeployment(), expectedService];
    const rs = replicaSet("abc", 1, { ready: 2, available: 2 });
    const deployment = liveDeployment(expected[0]!, {
      replicas: 2,
      updated: 2,
      ready: 2,
      available: 2,
      progressing: COMPLETE,
    });
    const status = summarizeAppStatus(
      input(expected, [deployment, liveService()], {
        replicaSets: [rs],
        pods: [pod(rs, "aaaaa", { ageSeconds: 200 }), pod(rs, "bbbbb", { ageSeconds: 100 })],
      }),
    );
    expect(status).toMatchObject({
      state: "ready",
      message: "2/2 replicas ready",
      replicas: { desired: 2, updated: 2, ready: 2, available: 2, serving: 2 },
      problem: null,
      progress: { done: 2, total: 2 },
      drift: { missing: [], changed: [] },
      observedAt: NOW.toISOString(),
    });
    expect(status.conditions).toEqual([{ type: "Progressing", lastTransitionTime: at(30), ...COMPLETE }]);
    // Newest first.
    expect(status.pods).toEqual([
      {
        name: "web-abc-bbbbb",
        phase: "Running",
        ready: true,
        restarts: 0,
        createdAt: at(100),
        current: true,
      },
      {
        name: "web-abc-aaaaa",
        phase: "Running",
        ready: true,
        restarts: 0,
        createdAt: at(200),
        current: true,
      },
    ]);
  });

  it("lists the 20 newest events of the Deployment, its ReplicaSets and their pods, and no others", () => {
    const expected = [expectedDeployment({ replicas: 1 })];
    const rs = replicaSet("abc", 1, { ready: 1, available: 1 });
    const deployment = liveDeployment(expected[0]!, {
      replicas: 1,
      updated: 1,
      ready: 1,
      available: 1,
      progressing: COMPLETE,
    });
    const events = [
      event(
        { kind: "Deployment", name: "web" },
        "ScalingReplicaSet",
        "Scaled up replica set web-abc from 0 to 1",
        {
          secondsAgo: 100,
        },
      ),
      event({ kind: "ReplicaSet", name: "web-abc" }, "SuccessfulCreate", "Created pod: web-abc-aaaaa", {
        secondsAgo: 99,
      }),
      // A pod replaced long ago: gone from the pod list, yet its events still explain things.
      event({ kind: "Pod", name: "web-abc-zzzzz" }, "Killing", "Stopping container web", {
        secondsAgo: 98,
        count: 3,
      }),
      event({ kind: "Deployment", name: "web-other" }, "ScalingReplicaSet", "not ours", { secondsAgo: 1 }),
      event({ kind: "Pod", name: "web-other-abc-aaaaa" }, "Pulled", "not ours either", { secondsAgo: 1 }),
      ...Array.from({ length: 25 }, (_, index) =>
        event({ kind: "Pod", name: "web-abc-aaaaa" }, "Pulled", `pull ${index}`, { secondsAgo: 50 - index }),
      ),
    ];
    const status = summarizeAppStatus(
      input(expected, [deployment], { replicaSets: [rs], pods: [pod(rs, "aaaaa")], events }),
    );
    expect(status.events).toHaveLength(20);
    expect(status.events[0]).toEqual({
      type: "Normal",
      reason: "Pulled",
      message: "pull 24",
      object: "Pod/web-abc-aaaaa",
      count: 1,
      lastSeen: at(26),
    });
    expect(status.events.map((entry) => entry.message)).not.toContain("not ours");
    expect(status.events.map((entry) => entry.message)).not.toContain("not ours either");

    const few = summarizeAppStatus(
      input(expected, [deployment], {
        replicaSets: [rs],
        pods: [pod(rs, "aaaaa")],
        events: events.slice(0, 5),
      }),
    );
    expect(few.events.map((entry) => entry.object)).toEqual([
      "Pod/web-abc-zzzzz",
      "ReplicaSet/web-abc",
      "Deployment/web",
    ]);
    expect(few.events[0]!.count).toBe(3);
  });

  it("is deploying while the controller has not seen the new spec", () => {
    const expected = [expectedDeployment()];
    const deployment = liveDeployment(expected[0]!, {
      generation: 3,
      observedGeneration: 2,
      replicas: 2,
      updated: 2,
      ready: 2,
      available: 2,
      progressing: COMPLETE,
    });
    const status = summarizeAppStatus(input(expected, [deployment]));
    expect(status.state).toBe("deploying");
    expect(status.message).toBe("Waiting for the Deployment controller to start the rollout");
  });

  it("is deploying while new pods start, with the progress of the new revision", () => {
    const expected = [expectedDeployment()];
    const old = replicaSet("old", 1, { ready: 2, available: 2 });
    const next = replicaSet("new", 2, { ready: 1, available: 1 });
    const deployment = liveDeployment(expected[0]!, {
      generation: 2,
      replicas: 4,
      updated: 2,
      ready: 3,
      available: 3,
      progressing: UPDATING,
    });
    const status = summarizeAppStatus(
      input(expected, [deployment], {
        replicaSets: [old, next],
        pods: [
          pod(old, "o1"),
          pod(old, "o2"),
          pod(next, "n1", { ageSeconds: 5 }),
          pod(next, "n2", { ageSeconds: 2, waiting: { reason: "ContainerCreating" } }),
        ],
      }),
    );
    expect(status.state).toBe("deploying");
    // The old pods still serve while the new revision starts: an update, not a first deploy.
    expect(status.message).toBe("Updating: 3 serving, 1/2 new replicas ready (ContainerCreating)");
    expect(status.replicas.serving).toBe(3);
    expect(status.progress).toEqual({ done: 1, total: 2 });
    expect(status.pods).toHaveLength(4);
    expect(status.pods[0]).toMatchObject({
      name: "web-new-n2",
      phase: "Pending",
      waitingReason: "ContainerCreating",
    });
  });

  it("is deploying while old pods shut down after the new ones are ready", () => {
    const expected = [expectedDeployment()];
    const old = replicaSet("old", 1);
    const next = replicaSet("new", 2, { ready: 2, available: 2 });
    const deployment = liveDeployment(expected[0]!, {
      replicas: 3,
      updated: 2,
      ready: 2,
      available: 2,
      progressing: UPDATING,
    });
    const status = summarizeAppStatus(
      input(expected, [deployment], {
        replicaSets: [old, next],
        pods: [pod(old, "o1", { deleting: true }), pod(next, "n1"), pod(next, "n2")],
      }),
    );
    expect(status.state).toBe("deploying");
    expect(status.message).toBe("Updating: 2/2 new replicas ready, 1 old replica shutting down");
    expect(status.pods.find((entry) => entry.name === "web-old-o1")?.phase).toBe("Terminating");
    expect(status.progress).toEqual({ done: 2, total: 2 });
  });

  it("reads a rolling restart as updating with the old pods serving, in agreement with its pods", () => {
    // The report: "Deploying: 0/2 replicas ready" beside "2 of 2 replicas ready, 1 updated".
    const expected = [expectedDeployment()];
    const old = replicaSet("old", 1, { ready: 2, available: 2 });
    const next = replicaSet("new", 2);
    const deployment = liveDeployment(expected[0]!, {
      generation: 2,
      replicas: 3,
      updated: 1,
      ready: 2,
      available: 2,
      progressing: UPDATING,
    });
    const status = summarizeAppStatus(
      input(expected, [deployment], {
        replicaSets: [old, next],
        pods: [
          pod(old, "o1"),
          pod(old, "o2"),
          pod(next, "n1", { ageSeconds: 1, waiting: { reason: "ContainerCreating" } }),
        ],
      }),
    );
    expect(status.state).toBe("deploying");
    expect(status.message).toBe("Updating: 2 serving, 0/2 new replicas ready (ContainerCreating)");
    expect(status.progress).toEqual({ done: 0, total: 2 });
    // The same snapshot: the pods listed say what the message says.
    expect(status.replicas.serving).toBe(status.pods.filter((entry) => entry.ready).length);
    expect(status.pods.filter((entry) => entry.current && entry.ready).length).toBe(status.progress.done);
    expect(status.pods.map((entry) => [entry.name, entry.current])).toEqual([
      ["web-new-n1", true],
      ["web-old-o1", false],
      ["web-old-o2", false],
    ]);
    expect(status.problem).toBeNull();
  });

  it("reads a first rollout as deploying: nothing serves yet", () => {
    const expected = [expectedDeployment()];
    const rs = replicaSet("abc", 1);
    const deployment = liveDeployment(expected[0]!, { replicas: 2, updated: 2, progressing: UPDATING });
    const status = summarizeAppStatus(
      input(expected, [deployment], {
        replicaSets: [rs],
        pods: [
          pod(rs, "a", { ageSeconds: 1, waiting: { reason: "ContainerCreating" } }),
          pod(rs, "b", { ageSeconds: 1, waiting: { reason: "ContainerCreating" } }),
        ],
      }),
    );
    expect(status.message).toBe("Deploying: 0/2 replicas ready (ContainerCreating)");
    expect(status.replicas.serving).toBe(0);
  });

  it("has failed when the new pods cannot pull their image, quoting the registry", () => {
    const expected = [expectedDeployment({ replicas: 1, image: "invalid.example/nope:1" })];
    const rs = replicaSetFor("invalid.example/nope:1", "bad", 1);
    const failedPod = pod(rs, "p1", {
      waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "invalid.example/nope:1"' },
    });
    const deployment = liveDeployment(expected[0]!, { replicas: 1, updated: 1, progressing: UPDATING });
    const pull =
      'rpc error: code = NotFound desc = failed to pull and unpack image "invalid.example/nope:1": not found';
    const status = summarizeAppStatus(
      input(expected, [deployment], {
        replicaSets: [rs],
        pods: [failedPod],
        events: [
          event(
            { kind: "Pod", name: "web-bad-p1" },
            "Failed",
            `Failed to pull image "invalid.example/nope:1": ${pull}`,
            {
              type: "Warning",
              secondsAgo: 5,
            },
          ),
          event({ kind: "Pod", name: "web-bad-p1" }, "Failed", "Error: ImagePullBackOff", {
            type: "Warning",
            secondsAgo: 2,
          }),
        ],
      }),
    );
    expect(status.state).toBe("failed");
    expect(status.message).toBe(
      `Image "invalid.example/nope:1" cannot be pulled: ${pull} (ImagePullBackOff)`,
    );
    expect(status.pods[0]).toMatchObject({
      waitingReason: "ImagePullBackOff",
      ready: false,
      phase: "Pending",
    });
  });

  it("has failed when a rollout to a bad image stalls, even while the old pods still serve", () => {
    const expected = [expectedDeployment({ image: "invalid.example/nope:2" })];
    const old = replicaSetFor("nginx:1.27", "old", 1, { ready: 2, available: 2 });
    const next = replicaSetFor("invalid.example/nope:2", "new", 2);
    const deployment = liveDeployment(expected[0]!, {
      generation: 2,
      replicas: 3,
      updated: 1,
      ready: 2,
      available: 2,
      progressing: UPDATING,
    });
    const status = summarizeAppStatus(
      input(expected, [deployment], {
        replicaSets: [old, next],
        pods: [
          pod(old, "o1"),
          pod(old, "o2"),
          pod(next, "n1", { waiting: { reason: "ErrImagePull", message: "manifest unknown" } }),
        ],
      }),
    );
    expect(status.state).toBe("failed");
    expect(status.message).toBe('Image "invalid.example/nope:2" cannot be pulled: manifest unknown');
    expect(status.progress).toEqual({ done: 0, total: 2 });
  });

  it("has failed past the progress deadline, with the condition's words when no pod says more", () => {
    const expected = [expectedDeployment({ replicas: 1 })];
    const rs = replicaSet("abc", 1);
    const deployment = liveDeployment(expected[0]!, {
      replicas: 1,
      updated: 1,
      progressing: {
        status: "False",
        reason: "ProgressDeadlineExceeded",
        message: 'ReplicaSet "web-abc" has timed out progressing.',
      },
    });
    const status = summarizeAppStatus(
      input(expected, [deployment], {
        replicaSets: [rs],
        pods: [pod(rs, "p1", { ready: false, ageSeconds: 900 })],
      }),
    );
    expect(status.state).toBe("failed");
    expect(status.message).toBe(
      'The rollout made no progress within its deadline (ReplicaSet "web-abc" has timed out progressing.)',
    );
  });

  it("has failed when the only pods keep crashing, or cannot start, or cannot be scheduled", () => {
    const expected = [expectedDeployment({ replicas: 1 })];
    const rs = replicaSet("abc", 1);
    const deployment = liveDeployment(expected[0]!, { replicas: 1, updated: 1, progressing: UPDATING });
    const withPod = (shape: PodShape) =>
      summarizeAppStatus(input(expected, [deployment], { replicaSets: [rs], pods: [pod(rs, "p1", shape)] }));

    const crashing = withPod({
      phase: "Running",
      waiting: { reason: "CrashLoopBackOff", message: "back-off 40s restarting failed container" },
      restarts: 3,
      lastExit: { exitCode: 1, reason: "Error" },
    });
    expect(crashing.state).toBe("failed");
    expect(crashing.message).toBe(
      'Container "web" keeps crashing (CrashLoopBackOff, 3 restarts): it last exited with code 1 (Error)',
    );
    expect(crashing.pods[0]).toMatchObject({ restarts: 3, waitingReason: "CrashLoopBackOff" });

    const config = withPod({
      waiting: { reason: "CreateContainerConfigError", message: 'secret "db" not found' },
    });
    expect(config.state).toBe("failed");
    expect(config.message).toBe(
      'Container "web" cannot start (CreateContainerConfigError): secret "db" not found',
    );

    const unschedulable = withPod({
      ready: false,
      phase: "Pending",
      unschedulable: "0/3 nodes are available: 3 Insufficient cpu.",
    });
    expect(unschedulable.state).toBe("failed");
    expect(unschedulable.message).toBe(
      'Pod "web-abc-p1" cannot be scheduled: 0/3 nodes are available: 3 Insufficient cpu.',
    );
  });

  it("has failed when pods cannot be created at all, and is degraded when some run", () => {
    const expected = [expectedDeployment()];
    const replicaFailure = {
      reason: "FailedCreate",
      message: 'pods "web-abc-x" is forbidden: exceeded quota: babyhelm-quota',
    };
    const none = liveDeployment(expected[0]!, { replicaFailure, progressing: UPDATING });
    const failed = summarizeAppStatus(input(expected, [none]));
    expect(failed.state).toBe("failed");
    expect(failed.message).toBe(`Pods cannot be created: ${replicaFailure.message}`);
    const some = liveDeployment(expected[0]!, {
      replicas: 1,
      updated: 1,
      ready: 1,
      available: 1,
      replicaFailure,
      progressing: UPDATING,
    });
    expect(summarizeAppStatus(input(expected, [some])).state).toBe("degraded");
  });

  it("is degraded when some pods crash-loop while others serve", () => {
    const expected = [expectedDeployment()];
    const rs = replicaSet("abc", 1, { ready: 1, available: 1 });
    const deployment = liveDeployment(expected[0]!, {
      replicas: 2,
      updated: 2,
      ready: 1,
      available: 1,
      progressing: COMPLETE,
    });
    const status = summarizeAppStatus(
      input(expected, [deployment], {
        replicaSets: [rs],
        pods: [
          pod(rs, "good"),
          pod(rs, "bad", { phase: "Running", waiting: { reason: "CrashLoopBackOff" }, restarts: 7 }),
        ],
      }),
    );
    expect(status.state).toBe("degraded");
    expect(status.message).toBe(
      '1 of 2 pods is down while 1 serves: Container "web" keeps crashing (CrashLoopBackOff, 7 restarts)',
    );
  });

  it("is degraded when a finished rollout lost availability, but deploying while a new pod starts", () => {
    const expected = [expectedDeployment()];
    const rs = replicaSet("abc", 1, { ready: 1, available: 1 });
    const deployment = liveDeployment(expected[0]!, {
      replicas: 2,
      updated: 2,
      ready: 1,
      available: 1,
      progressing: COMPLETE,
    });
    const unready = summarizeAppStatus(
      input(expected, [deployment], {
        replicaSets: [rs],
        pods: [pod(rs, "good"), pod(rs, "sick", { ready: false, phase: "Running", ageSeconds: 600 })],
      }),
    );
    expect(unready.state).toBe("degraded");
    expect(unready.message).toBe('Only 1/2 replicas available: pod "web-abc-sick" is not ready');

    // The HPA just scaled up: the new pod is starting, which is not a degradation.
    const scaledUp = summarizeAppStatus(
      input([...expected, expectedHpa], [deployment, structuredClone(expectedHpa)], {
        replicaSets: [rs],
        pods: [pod(rs, "good"), pod(rs, "new", { waiting: { reason: "ContainerCreating" }, ageSeconds: 3 })],
      }),
    );
    expect(scaledUp.state).toBe("deploying");
  });

  it("takes the desired count from the live Deployment, which an HPA scales", () => {
    const expected = [expectedDeployment({ replicas: 2 }), expectedHpa];
    const rs = replicaSet("abc", 1, { ready: 4, available: 4 });
    const deployment = liveDeployment(expected[0]!, {
      specReplicas: 4,
      replicas: 4,
      updated: 4,
      ready: 4,
      available: 4,
      progressing: COMPLETE,
    });
    const hpa = { ...structuredClone(expectedHpa), status: { currentReplicas: 4, desiredReplicas: 4 } };
    const status = summarizeAppStatus(
      input(expected, [deployment, hpa], {
        replicaSets: [rs],
        pods: ["a", "b", "c", "d"].map((suffix) => pod(rs, suffix)),
      }),
    );
    expect(status).toMatchObject({
      state: "ready",
      message: "4/4 replicas ready",
      progress: { done: 4, total: 4 },
    });
  });

  it("is ready with 0/0 when scaled to zero", () => {
    const expected = [expectedDeployment({ replicas: 0 })];
    const deployment = liveDeployment(expected[0]!, { progressing: COMPLETE });
    const status = summarizeAppStatus(input(expected, [deployment], { replicaSets: [replicaSet("abc", 1)] }));
    expect(status).toMatchObject({
      state: "ready",
      message: "Scaled to zero: 0/0 replicas",
      replicas: { desired: 0, updated: 0, ready: 0, available: 0 },
      progress: { done: 0, total: 0 },
    });
  });

  it("is drifted when the Deployment was deleted outside BabyHelm", () => {
    const expected = [expectedDeployment(), expectedService];
    const status = summarizeAppStatus(input(expected, [liveService()]));
    expect(status).toMatchObject({
      state: "drifted",
      message: 'Deployment "web" was deleted outside BabyHelm: redeploy to repair',
      drift: {
        missing: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop" }],
        changed: [],
      },
      replicas: { desired: 2, updated: 0, ready: 0, available: 0 },
      pods: [],
    });
  });

  it("is drifted, before anything else, when an object was changed outside BabyHelm", () => {
    const expected = [expectedDeployment(), expectedService];
    const rs = replicaSet("abc", 1, { ready: 2, available: 2 });
    const deployment = liveDeployment(expected[0]!, {
      replicas: 2,
      updated: 2,
      ready: 2,
      available: 2,
      progressing: COMPLETE,
    });
    (deployment.spec as any).template.spec.containers[0].image = "nginx:1.28";
    const status = summarizeAppStatus(
      input(expected, [deployment, liveService()], { replicaSets: [rs], pods: [pod(rs, "a"), pod(rs, "b")] }),
    );
    expect(status.state).toBe("drifted");
    expect(status.message).toBe(
      'Deployment "web" was changed outside BabyHelm (spec.template.spec.containers[0].image): redeploy to restore it',
    );
    // The rest of the picture is still there.
    expect(status.replicas.ready).toBe(2);
    expect(status.pods).toHaveLength(2);
  });

  it("ignores pods and ReplicaSets the Deployment does not own", () => {
    const expected = [expectedDeployment({ replicas: 1 })];
    const rs = replicaSet("abc", 1, { ready: 1, available: 1 });
    const stranger = {
      ...replicaSet("zzz", 9),
      metadata: { ...replicaSet("zzz", 9).metadata, ownerReferences: [] },
    };
    const deployment = liveDeployment(expected[0]!, {
      replicas: 1,
      updated: 1,
      ready: 1,
      available: 1,
      progressing: COMPLETE,
    });
    const status = summarizeAppStatus(
      input(expected, [deployment], {
        replicaSets: [rs, stranger],
        pods: [pod(rs, "a"), pod(stranger, "b")],
      }),
    );
    expect(status.state).toBe("ready");
    expect(status.pods.map((entry) => entry.name)).toEqual(["web-abc-a"]);
  });

  it("refuses an app without a Deployment", () => {
    expect(() => summarizeAppStatus(input([expectedService], [liveService()]))).toThrow(
      /must include its Deployment/,
    );
  });
});

describe("detectDrift", () => {
  const live = (objects: KubernetesObject[]) =>
    new Map(objects.map((object) => [refKey(refOf(object)), object]));

  it("finds nothing when the server only added defaults, status and canonical quantities", () => {
    const expected = [expectedDeployment(), expectedService];
    const deployment = liveDeployment(expected[0]!, { replicas: 2, progressing: COMPLETE });
    expect(detectDrift(expected, live([deployment, liveService()]))).toEqual({ missing: [], changed: [] });
  });

  it("lists missing objects and changed fields with their paths", () => {
    const expected = [expectedDeployment(), expectedService];
    const deployment = liveDeployment(expected[0]!, {}) as any;
    deployment.spec.template.spec.containers[0].image = "nginx:1.28";
    deployment.spec.template.spec.containers[0].env = [{ name: "DEBUG", value: "1" }];
    deployment.spec.template.spec.containers[0].resources.requests.memory = "256Mi";
    deployment.metadata.labels = { app: "web" };
    deployment.spec.replicas = 5;
    expect(detectDrift(expected, live([deployment]))).toEqual({
      missing: [{ apiVersion: "v1", kind: "Service", name: "web", namespace: "shop" }],
      changed: [
        {
          ref: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop" },
          fields: [
            'metadata.labels["babyhelm.io/app"]',
            "spec.replicas",
            "spec.template.spec.containers[0].image",
            "spec.template.spec.containers[0].env",
            "spec.template.spec.containers[0].resources.requests.memory",
          ],
        },
      ],
    });
  });

  it("leaves the replica count to an HPA, and ignores restarts", () => {
    const expected = [expectedDeployment(), expectedHpa];
    const deployment = liveDeployment(expected[0]!, { specReplicas: 4 }) as any;
    deployment.spec.template.metadata.annotations = {
      "kubectl.kubernetes.io/restartedAt": "2025-06-01T11:00:00Z",
    };
    expect(detectDrift(expected, live([deployment, structuredClone(expectedHpa)]))).toEqual({
      missing: [],
      changed: [],
    });
    // Without an HPA the replica count is BabyHelm's.
    expect(detectDrift([expected[0]!], live([deployment])).changed[0]?.fields).toEqual(["spec.replicas"]);
    // A restart annotation BabyHelm itself set is not compared either.
    const restarted = structuredClone(expected[0]!) as any;
    restarted.spec.template.metadata.annotations = {
      "kubectl.kubernetes.io/restartedAt": "2025-01-01T00:00:00Z",
    };
    expect(detectDrift([restarted, expectedHpa], live([deployment, expectedHpa])).changed).toEqual([]);
  });

  it("compares list items by position and length, each a subset of the live one", () => {
    const expected = [expectedService];
    const twoPorts = liveService() as any;
    twoPorts.spec.ports.push({ port: 443, targetPort: 443, protocol: "TCP" });
    expect(detectDrift(expected, live([twoPorts])).changed[0]?.fields).toEqual(["spec.ports"]);
    const otherTarget = liveService() as any;
    otherTarget.spec.ports[0].targetPort = 8080;
    expect(detectDrift(expected, live([otherTarget])).changed[0]?.fields).toEqual([
      "spec.ports[0].targetPort",
    ]);
  });

  it("ignores metadata beyond labels and annotations, and compares a Secret's stringData with its data", () => {
    const secret: KubernetesObject = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "db", namespace: "shop", finalizers: ["x"] },
      stringData: { PASSWORD: "hunter2" },
    };
    const stored = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "db", namespace: "shop", uid: "u" },
      data: { PASSWORD: Buffer.from("hunter2").toString("base64") },
      type: "Opaque",
    };
    expect(detectDrift([secret], live([stored])).changed).toEqual([]);
    const changed = { ...stored, data: { PASSWORD: Buffer.from("other").toString("base64") } };
    expect(detectDrift([secret], live([changed])).changed[0]?.fields).toEqual(["stringData.PASSWORD"]);
  });
});
