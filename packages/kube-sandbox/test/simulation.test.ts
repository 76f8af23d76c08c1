import { describe, expect, it } from "vitest";
import { startSimulation } from "../src/simulation/index.js";
import { podTemplateHash } from "../src/simulation/pod-template-hash.js";
import { MemoryObjectStore } from "../src/store/object-store.js";
import {
  condition,
  conditionSummary,
  deployment,
  eventsFor,
  ownedBy,
  READY_DELAY_MS,
  rolledOut,
  startHarness,
  updateSpec,
  waitFor,
} from "./simulation-harness.js";

const HASH = /^[bcdfghjklmnpqrstvwxz2456789]{10}$/;
const REVISION = "deployment.kubernetes.io/revision";

describe("pod-template-hash", () => {
  it("is ten safe characters, stable for equal templates whatever their key order, different for different ones", () => {
    const a = {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
    };
    const b = {
      spec: { containers: [{ image: "nginx:1.27", name: "web" }] },
      metadata: { labels: { app: "web" } },
    };
    expect(podTemplateHash(a)).toMatch(HASH);
    expect(podTemplateHash(a)).toBe(podTemplateHash(b));
    expect(podTemplateHash(a, 1)).not.toBe(podTemplateHash(a));
    expect(podTemplateHash({ ...a, spec: { containers: [{ name: "web", image: "nginx:1.28" }] } })).not.toBe(
      podTemplateHash(a),
    );
  });
});

describe("Deployment controller", () => {
  it("rolls a Deployment out to Ready pods through a ReplicaSet, with statuses, conditions and events", async () => {
    const { store } = startHarness();
    store.create("deployments", deployment("web", { replicas: 2 }));
    const done = await waitFor("rollout", () => rolledOut(store, "web"));

    const [rs, ...others] = ownedBy(store, "replicasets", done);
    expect(others).toEqual([]);
    const hash = rs!.metadata.labels!["pod-template-hash"]!;
    expect(hash).toMatch(HASH);
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.metadata.ownerReferences).toEqual([
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: "web",
        uid: done.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(rs!.metadata.annotations![REVISION]).toBe("1");
    expect(done.metadata.annotations![REVISION]).toBe("1");
    expect((rs!.spec as any).selector.matchLabels).toEqual({ app: "web", "pod-template-hash": hash });
    expect((rs!.spec as any).template.metadata.labels).toEqual({ app: "web", "pod-template-hash": hash });
    expect(rs!.status).toEqual({
      replicas: 2,
      fullyLabeledReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      observedGeneration: 1,
    });

    const status = done.status;
    expect(status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    expect(status.unavailableReplicas).toBeUndefined();
    expect(condition(done, "Available")).toMatchObject({
      status: "True",
      reason: "MinimumReplicasAvailable",
      message: "Deployment has minimum availability.",
    });
    expect(condition(done, "Progressing")).toMatchObject({
      status: "True",
      message: `ReplicaSet "${rs!.metadata.name}" has successfully progressed.`,
    });
    expect(condition(done, "Progressing").lastUpdateTime).toMatch(/Z$/);

    const pods = ownedBy(store, "pods", rs!);
    expect(pods).toHaveLength(2);
    const pod = pods[0] as any;
    expect(pod.metadata.name).toMatch(new RegExp(`^${rs!.metadata.name}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
    expect(pod.metadata.labels).toEqual({ app: "web", "pod-template-hash": hash });
    expect(pod.metadata.ownerReferences[0]).toMatchObject({
      kind: "ReplicaSet",
      name: rs!.metadata.name,
      controller: true,
    });
    expect(pod.spec.nodeName).toBe("sandbox-node");
    expect(pod.status).toMatchObject({ phase: "Running", hostIP: "172.18.0.2", qosClass: "Burstable" });
    expect(pod.status.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(pod.status.startTime).toMatch(/Z$/);
    expect(conditionSummary(pod)).toEqual([
      ["PodReadyToStartContainers", "True", ""],
      ["Initialized", "True", ""],
      ["Ready", "True", ""],
      ["ContainersReady", "True", ""],
      ["PodScheduled", "True", ""],
    ]);
    expect(pod.status.containerStatuses).toEqual([
      {
        name: "web",
        state: { running: { startedAt: expect.stringMatching(/Z$/) } },
        lastState: {},
        ready: true,
        started: true,
        restartCount: 0,
        image: "docker.io/library/nginx:1.27",
        imageID: expect.stringMatching(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/),
        containerID: expect.stringMatching(/^containerd:\/\/[0-9a-f]{64}$/),
      },
    ]);

    expect(
      eventsFor(store, done).map((event) => [event.reason, event.message, event.source.component]),
    ).toEqual([
      [
        "ScalingReplicaSet",
        `Scaled up replica set ${rs!.metadata.name} from 0 to 2`,
        "deployment-controller",
      ],
    ]);
    expect(eventsFor(store, rs!).map((event) => event.reason)).toEqual([
      "SuccessfulCreate",
      "SuccessfulCreate",
    ]);
    const podEvents = eventsFor(store, pod);
    expect(podEvents.map((event) => event.reason)).toEqual([
      "Scheduled",
      "Pulling",
      "Pulled",
      "Created",
      "Started",
    ]);
    expect(podEvents[0]).toMatchObject({
      apiVersion: "v1",
      kind: "Event",
      type: "Normal",
      count: 1,
      message: `Successfully assigned default/${pod.metadata.name} to sandbox-node`,
      source: { component: "default-scheduler" },
      reportingComponent: "default-scheduler",
      involvedObject: { kind: "Pod", name: pod.metadata.name, namespace: "default", uid: pod.metadata.uid },
    });
    expect(podEvents[1]).toMatchObject({
      message: 'Pulling image "nginx:1.27"',
      source: { component: "kubelet", host: "sandbox-node" },
      involvedObject: { fieldPath: "spec.containers{web}" },
    });
  });

  it("passes through Pending/ContainerCreating and Running-not-ready before Ready", async () => {
    const { store } = startHarness(200);
    store.create("deployments", deployment("slow", { replicas: 1 }));
    const pending = await waitFor("a pending pod", () =>
      store.list("pods", "default").find((pod: any) => pod.status?.containerStatuses),
    );
    expect(pending.status.phase).toBe("Pending");
    expect(pending.status.containerStatuses[0].state).toEqual({ waiting: { reason: "ContainerCreating" } });
    expect(condition(pending, "Ready")).toMatchObject({
      status: "False",
      reason: "ContainersNotReady",
      message: "containers with unready status: [web]",
    });
    const running = await waitFor("a running pod", () =>
      store.list("pods", "default").find((pod: any) => pod.status?.phase === "Running"),
    );
    expect(running.status.containerStatuses[0]).toMatchObject({ ready: false, started: true });
    expect(condition(store.get("deployments", "default", "slow"), "Available")).toMatchObject({
      status: "False",
      reason: "MinimumReplicasUnavailable",
    });
    await waitFor("ready", () => rolledOut(store, "slow"));
  });

  it("rolls a template change over to a new ReplicaSet, and a rollback reuses the old one", async () => {
    const { store } = startHarness();
    store.create("deployments", deployment("web", { replicas: 3 }));
    const first = await waitFor("first rollout", () => rolledOut(store, "web"));
    const [rs1] = ownedBy(store, "replicasets", first);

    updateSpec(store, "deployments", "web", (spec) => {
      spec.template.spec.containers[0].image = "nginx:1.28";
    });
    const second = await waitFor("second rollout", () => rolledOut(store, "web"));
    expect(second.metadata.generation).toBe(2);
    expect(second.metadata.annotations![REVISION]).toBe("2");
    const sets = ownedBy(store, "replicasets", second);
    expect(sets).toHaveLength(2);
    const rs2 = sets.find((rs) => rs.metadata.name !== rs1!.metadata.name)!;
    expect(rs2.metadata.annotations![REVISION]).toBe("2");
    expect((store.get("replicasets", "default", rs1!.metadata.name)!.spec as any).replicas).toBe(0);
    expect(ownedBy(store, "pods", rs1!)).toEqual([]);
    expect(ownedBy(store, "pods", rs2)).toHaveLength(3);
    const scaling = eventsFor(store, second).map((event) => event.message);
    expect(
      scaling.some(
        (message) =>
          message.startsWith(`Scaled down replica set ${rs1!.metadata.name} from `) &&
          message.endsWith(" to 0"),
      ),
    ).toBe(true);
    expect(scaling.some((message) => message.startsWith(`Scaled up replica set ${rs2.metadata.name}`))).toBe(
      true,
    );

    // As `kubectl rollout undo` sends it: the old template, with the null creationTimestamp Go serializes.
    updateSpec(store, "deployments", "web", (spec) => {
      spec.template.spec.containers[0].image = "nginx:1.27";
      spec.template.metadata.creationTimestamp = null;
    });
    const third = await waitFor("rollback", () => rolledOut(store, "web"));
    expect(ownedBy(store, "replicasets", third)).toHaveLength(2);
    const reused = store.get("replicasets", "default", rs1!.metadata.name)!;
    expect((reused.spec as any).replicas).toBe(3);
    expect(reused.metadata.annotations).toMatchObject({
      [REVISION]: "3",
      "deployment.kubernetes.io/revision-history": "1",
    });
    expect(third.metadata.annotations![REVISION]).toBe("3");
  });

  it("never goes below maxUnavailable nor above maxSurge while rolling", async () => {
    const { store } = startHarness();
    store.create(
      "deployments",
      deployment("web", {
        replicas: 4,
        spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
      }),
    );
    await waitFor("first rollout", () => rolledOut(store, "web"));
    let maxPods = 0;
    let minReady = Infinity;
    const unsubscribe = store.subscribe(() => {
      const pods = store.list("pods", "default");
      maxPods = Math.max(maxPods, pods.length);
      minReady = Math.min(minReady, pods.filter((pod) => condition(pod, "Ready")?.status === "True").length);
    });
    updateSpec(store, "deployments", "web", (spec) => {
      spec.template.spec.containers[0].env = [{ name: "COLOR", value: "blue" }];
    });
    await waitFor("second rollout", () => rolledOut(store, "web"));
    unsubscribe();
    expect(maxPods).toBe(5);
    expect(minReady).toBe(4);
  });

  it("Recreate scales the old ReplicaSet to zero before the new one starts", async () => {
    const { store } = startHarness();
    store.create("deployments", deployment("db", { replicas: 2, spec: { strategy: { type: "Recreate" } } }));
    await waitFor("first rollout", () => rolledOut(store, "db"));
    const images = new Set<string>();
    const unsubscribe = store.subscribe(() => {
      const running = store
        .list("pods", "default")
        .map((pod) => (pod.spec as { containers: { image: string }[] }).containers[0]!.image);
      if (new Set(running).size > 1) images.add("mixed");
    });
    updateSpec(store, "deployments", "db", (spec) => {
      spec.template.spec.containers[0].image = "nginx:1.28";
    });
    const done = await waitFor("second rollout", () => rolledOut(store, "db"));
    unsubscribe();
    expect(images.has("mixed")).toBe(false);
    expect(condition(done, "Available")?.status).toBe("True");
  });

  it("scales the current ReplicaSet, and a restart annotation makes a new one", async () => {
    const { store } = startHarness();
    store.create("deployments", deployment("web", { replicas: 1 }));
    const first = await waitFor("rollout", () => rolledOut(store, "web"));
    const [rs1] = ownedBy(store, "replicasets", first);

    updateSpec(store, "deployments", "web", (spec) => {
      spec.replicas = 3;
    });
    const scaled = await waitFor("scale to 3", () => rolledOut(store, "web"));
    expect(ownedBy(store, "replicasets", scaled)).toHaveLength(1);
    expect(ownedBy(store, "pods", rs1!)).toHaveLength(3);
    expect(eventsFor(store, scaled).at(-1)?.message).toBe(
      `Scaled up replica set ${rs1!.metadata.name} from 1 to 3`,
    );

    updateSpec(store, "deployments", "web", (spec) => {
      spec.template.metadata.annotations = { "kubectl.kubernetes.io/restartedAt": "2026-11-22T08:00:00Z" };
    });
    const restarted = await waitFor("restart", () => rolledOut(store, "web"));
    const sets = ownedBy(store, "replicasets", restarted);
    expect(sets).toHaveLength(2);
    const rs2 = sets.find((rs) => rs.metadata.name !== rs1!.metadata.name)!;
    expect((rs2.spec as any).template.metadata.annotations).toEqual({
      "kubectl.kubernetes.io/restartedAt": "2026-11-22T08:00:00Z",
    });
    expect(ownedBy(store, "pods", rs2)).toHaveLength(3);
  });

  it("keeps only revisionHistoryLimit old ReplicaSets", async () => {
    const { store } = startHarness();
    store.create("deployments", deployment("web", { replicas: 1, spec: { revisionHistoryLimit: 1 } }));
    for (const tag of ["1.25", "1.26", "1.27"]) {
      await waitFor("rollout", () => rolledOut(store, "web"));
      updateSpec(store, "deployments", "web", (spec) => {
        spec.template.spec.containers[0].image = `nginx:${tag}`;
      });
    }
    const done = await waitFor("last rollout", () => rolledOut(store, "web"));
    const revisions = ownedBy(store, "replicasets", done)
      .map((rs) => rs.metadata.annotations![REVISION])
      .sort();
    expect(revisions).toEqual(["3", "4"]);
  });

  it("does not roll out a paused Deployment, but still scales it", async () => {
    const { store } = startHarness();
    store.create("deployments", deployment("web", { replicas: 1 }));
    await waitFor("rollout", () => rolledOut(store, "web"));
    updateSpec(store, "deployments", "web", (spec) => {
      spec.paused = true;
      spec.replicas = 2;
      spec.template.spec.containers[0].image = "nginx:1.28";
    });
    const paused = await waitFor("paused", () => {
      const object = store.get("deployments", "default", "web");
      return (
        condition(object, "Progressing")?.reason === "DeploymentPaused" &&
        (object?.status as any).availableReplicas === 2 &&
        object
      );
    });
    expect(condition(paused, "Progressing")).toMatchObject({
      status: "Unknown",
      message: "Deployment is paused",
    });
    expect(ownedBy(store, "replicasets", paused)).toHaveLength(1);

    updateSpec(store, "deployments", "web", (spec) => {
      spec.paused = false;
    });
    const resumed = await waitFor("resumed rollout", () => rolledOut(store, "web"));
    expect(ownedBy(store, "replicasets", resumed)).toHaveLength(2);
  });

  it("deletes ReplicaSets and pods when their Deployment is deleted", async () => {
    const { store } = startHarness();
    store.create("deployments", deployment("web", { replicas: 2 }));
    await waitFor("rollout", () => rolledOut(store, "web"));
    expect(store.list("pods", "default")).toHaveLength(2);
    store.delete("deployments", "default", "web");
    await waitFor(
      "cascade",
      () => store.list("replicasets", "default").length === 0 && store.list("pods", "default").length === 0,
    );
    // Nothing comes back: no controller recreates anything for a Deployment that is gone.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(store.list("pods", "default")).toEqual([]);
  });

  it("hashes again with a bumped collisionCount when a foreign object holds the ReplicaSet's name", async () => {
    const { store } = startHarness();
    const web = deployment("web", { replicas: 1 });
    const taken = `web-${podTemplateHash((web.spec as { template: unknown }).template)}`;
    store.create("replicasets", {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: taken, namespace: "default" },
      spec: {
        replicas: 0,
        selector: { matchLabels: { other: "x" } },
        template: { metadata: { labels: { other: "x" } }, spec: { containers: [] } },
      },
    });
    store.create("deployments", web);
    const done = await waitFor("rollout", () => rolledOut(store, "web"));
    expect((done.status as { collisionCount?: number }).collisionCount).toBe(1);
    const [rs] = ownedBy(store, "replicasets", done);
    expect(rs!.metadata.name).not.toBe(taken);
    expect(rs!.metadata.name).toBe(`web-${podTemplateHash((web.spec as { template: unknown }).template, 1)}`);
  });

  it("picks up a restored snapshot without disturbing what runs, and keeps reconciling it", async () => {
    const first = startHarness();
    first.store.create("deployments", deployment("web", { replicas: 2 }));
    await waitFor("rollout", () => rolledOut(first.store, "web"));
    first.simulation.stop();

    const restored = new MemoryObjectStore(first.store.snapshot());
    const changes: string[] = [];
    restored.subscribe((event) =>
      changes.push(`${event.type} ${event.resource}/${event.object.metadata.name}`),
    );
    const simulation = startSimulation(restored, { readyDelayMs: READY_DELAY_MS });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(changes).toEqual([]);
      updateSpec(restored, "deployments", "web", (spec) => {
        spec.replicas = 3;
      });
      await waitFor("scaled after restore", () => rolledOut(restored, "web"));
      expect(restored.list("pods", "default")).toHaveLength(3);
    } finally {
      simulation.stop();
    }
  });

  it("does nothing after stop()", async () => {
    const { store, simulation } = startHarness();
    simulation.stop();
    store.create("deployments", deployment("web"));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(store.list("replicasets", "default")).toEqual([]);
  });
});
