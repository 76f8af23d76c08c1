// The cluster cache against the kube-sandbox: what it keeps, that reads cost the API server nothing, and how it
// copes with dropped watches, 410 Gone, deletions while away, an API server that is down, and Events watched only
// while someone looks.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RequestAttributes, type Sandbox } from "@babyhelm/kube-sandbox";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { ClusterError, createCluster, type Cluster } from "../../src/cluster/cluster.js";
import { APP_LABEL, PROJECT_LABEL } from "../../src/cluster/owned-labels.js";
import { ClusterState, type ClusterStateOptions } from "../../src/cluster/state/cluster-state.js";
import { createLogger } from "../../src/logger.js";
import { configMap, deployment, rejectionOf, uniqueName, waitFor } from "./helpers.js";

const logger = createLogger("silent");
const states: ClusterState[] = [];

function newState(cluster: Cluster, options: Partial<ClusterStateOptions> = {}): ClusterState {
  const state = new ClusterState(cluster, { logger, maxReconnectPauseMs: 100, ...options });
  states.push(state);
  return state;
}

async function synced(state: ClusterState): Promise<ClusterState> {
  state.start();
  expect(await state.whenSynced(10_000)).toBe(true);
  return state;
}

/** A namespace labelled as a BabyHelm project's. */
async function projectNamespace(cluster: Cluster, prefix = "p"): Promise<string> {
  const name = uniqueName(prefix);
  await cluster.apply([
    { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { [PROJECT_LABEL]: name } } },
  ]);
  return name;
}

function ownedDeployment(name: string, namespace: string): KubernetesObject {
  const object = deployment(name, namespace);
  object.metadata.labels = { ...object.metadata.labels, [PROJECT_LABEL]: namespace, [APP_LABEL]: name };
  return object;
}

function deploymentRef(name: string, namespace: string) {
  return { apiVersion: "apps/v1", kind: "Deployment", namespace, name };
}

/** The requests the sandbox gets from now on, as "verb resource". */
function recordRequests(sandbox: Sandbox): { requests: string[]; stop(): void } {
  const requests: string[] = [];
  const stop = sandbox.faults.observe((request: RequestAttributes) => {
    requests.push(`${request.verb} ${request.resource ?? "-"}`);
  });
  return { requests, stop };
}

afterEach(async () => {
  await Promise.all(states.splice(0).map((state) => state.stop()));
});

describe("ClusterState", () => {
  let sandbox: Sandbox;
  let cluster: Cluster;

  beforeAll(async () => {
    sandbox = await startSandbox({ readyDelayMs: 20, bookmarkIntervalMs: 200 });
    cluster = createCluster({ mode: "sandbox", kubeconfigYaml: sandbox.kubeconfigYaml });
  });

  afterEach(async () => {
    sandbox.faults.clear();
    await sandbox.faults.up();
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  it("keeps what BabyHelm owns: labelled objects, and the pods and ReplicaSets of its namespaces only", async () => {
    const ours = await projectNamespace(cluster);
    const theirs = uniqueName("other");
    await cluster.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: theirs } }]);
    await cluster.apply([
      ownedDeployment("web", ours),
      deployment("unlabelled", ours),
      deployment("elsewhere", theirs),
    ]);
    await waitFor(() => (sandbox.store.count("pods", theirs) > 0 ? true : undefined), { what: "their pods" });
    const state = await synced(newState(cluster));
    await waitFor(() => (state.figures().objects.Pod! >= 2 ? true : undefined), { what: "our pods" });

    const deployments = await state.list("apps/v1", "Deployment", { namespace: ours });
    expect(deployments.map((object) => object.metadata.name)).toEqual(["web"]);
    // Pods carry the pack's labels, not BabyHelm's: they are kept for being in a project's namespace.
    const pods = await state.list("v1", "Pod", { namespace: ours });
    expect(pods.map((pod) => pod.metadata.labels?.app).sort()).toEqual(["unlabelled", "web"]);
    const kept = state.figures().objects;
    const podsOfProjects = sandbox.store
      .list("namespaces")
      .filter((namespace) => namespace.metadata.labels?.[PROJECT_LABEL] !== undefined)
      .reduce((sum, namespace) => sum + sandbox.store.count("pods", namespace.metadata.name), 0);
    expect(kept.Pod).toBe(podsOfProjects);
    expect(kept.Pod).toBeLessThan(sandbox.store.count("pods"));
    // Managed fields are most of an object's size and nothing reads them.
    expect(deployments[0]!.metadata.managedFields).toBeUndefined();
  });

  it("answers reads from memory: no request reaches the API server once synced", async () => {
    const namespace = await projectNamespace(cluster);
    await cluster.apply([ownedDeployment("web", namespace)]);
    const state = await synced(newState(cluster));
    // The first look at a namespace's Events starts their watch; from then on they are in memory too.
    await state.list("v1", "Event", { namespace });
    const recorder = recordRequests(sandbox);
    try {
      for (let round = 0; round < 50; round++) {
        expect(await state.get(deploymentRef("web", namespace))).toBeDefined();
        await state.list("apps/v1", "ReplicaSet", { namespace, labelSelector: "app=web" });
        await state.list("v1", "Pod", { namespace, labelSelector: "app in (web)" });
        await state.list("v1", "Event", { namespace });
        await state.list("v1", "ResourceQuota", { namespace });
        await state.list("apps/v1", "Deployment", {
          namespace,
          labelSelector: `${PROJECT_LABEL}=${namespace}`,
        });
      }
      expect(recorder.requests).toEqual([]);
    } finally {
      recorder.stop();
    }
  });

  it("takes in what a write returned at once: a read right after an apply sees it", async () => {
    const namespace = await projectNamespace(cluster);
    const state = await synced(newState(cluster));
    for (let replicas = 1; replicas <= 5; replicas++) {
      const [applied] = await cluster.apply([
        {
          ...ownedDeployment("web", namespace),
          spec: { ...(ownedDeployment("web", namespace).spec as object), replicas },
        },
      ]);
      const cached = await state.get(deploymentRef("web", namespace));
      // At least what the apply returned (the sandbox's controllers may have written status since).
      expect(Number(cached?.metadata.resourceVersion)).toBeGreaterThanOrEqual(
        Number(applied!.metadata.resourceVersion),
      );
      expect((cached?.spec as { replicas: number }).replicas).toBe(replicas);
    }
  });

  it("resumes a dropped watch from its last resourceVersion, seeing deletions made meanwhile", async () => {
    const namespace = await projectNamespace(cluster);
    await cluster.apply([ownedDeployment("kept", namespace), ownedDeployment("doomed", namespace)]);
    const state = await synced(newState(cluster));
    await waitFor(async () => ((await state.get(deploymentRef("doomed", namespace))) ? true : undefined));
    const recorder = recordRequests(sandbox);
    try {
      await sandbox.faults.down();
      await waitFor(() => state.staleness(), { what: "the cache to notice" });
      // Changed behind the cache's back while its watches are cut.
      sandbox.store.delete("deployments", namespace, "doomed");
      const kept = sandbox.store.get("deployments", namespace, "kept")!;
      sandbox.store.update("deployments", {
        ...kept,
        metadata: { ...kept.metadata, annotations: { touched: "yes" } },
      });
      await sandbox.faults.up();
      await waitFor(async () =>
        (await state.get(deploymentRef("doomed", namespace))) === undefined ? true : undefined,
      );
      await waitFor(async () =>
        (await state.get(deploymentRef("kept", namespace)))?.metadata.annotations?.touched === "yes"
          ? true
          : undefined,
      );
      await waitFor(() => (state.staleness() === undefined ? true : undefined), { what: "reconnected" });
      // Resumed, not started over: the watches came back, and nothing was listed again.
      expect(recorder.requests).toContain("watch deployments");
      expect(recorder.requests.filter((request) => request.startsWith("list "))).toEqual([]);
    } finally {
      recorder.stop();
    }
  });

  it("marks what it holds as stale while the API server is away, and still answers from memory", async () => {
    const namespace = await projectNamespace(cluster);
    await cluster.apply([ownedDeployment("web", namespace)]);
    const state = await synced(newState(cluster));
    expect(state.staleness()).toBeUndefined();
    const before = Date.now();
    await sandbox.faults.down();
    const stale = await waitFor(() => state.staleness(), { what: "staleness" });
    expect(stale.since.getTime()).toBeGreaterThanOrEqual(before);
    expect(stale.error).toBeInstanceOf(ClusterError);
    expect(stale.error?.message).toMatch(/Is the cluster running/);
    expect(await state.get(deploymentRef("web", namespace))).toBeDefined();
    await sandbox.faults.up();
    await waitFor(() => (state.staleness() === undefined ? true : undefined), { what: "fresh again" });
  });

  it("is not synced while the API server is unreachable, and reads say why instead of waiting forever", async () => {
    await sandbox.faults.down();
    const state = newState(cluster, { syncTimeoutMs: 300 });
    state.start();
    expect(await state.whenSynced(300)).toBe(false);
    expect(state.synced).toBe(false);
    const error = await rejectionOf(state.get(deploymentRef("web", "anywhere")));
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as ClusterError).kind).toBe("unreachable");
    await sandbox.faults.up();
    expect(await state.whenSynced(10_000)).toBe(true);
  });

  it("watches a namespace's Events only while someone looks at it", async () => {
    const namespace = await projectNamespace(cluster);
    const state = await synced(newState(cluster, { eventsLingerMs: 200 }));
    expect(state.figures().eventNamespaces).toBe(0);
    const recorder = recordRequests(sandbox);
    try {
      // A page read opens the watch and keeps it a while; a stream holds it for as long as it runs.
      await state.list("v1", "Event", { namespace });
      await waitFor(() => (recorder.requests.includes("watch events") ? true : undefined));
      expect(recorder.requests.filter((request) => request.endsWith(" events"))).toEqual([
        "list events",
        "watch events",
      ]);
      const release = state.holdEvents(namespace);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(state.figures().eventNamespaces).toBe(1);
      release();
      await waitFor(() => (state.figures().eventNamespaces === 0 ? true : undefined), { what: "closed" });
      // Namespaces that are not a project's are never watched: their reads go to the API server.
      await state.list("v1", "Event", { namespace: "default" });
      expect(state.figures().eventNamespaces).toBe(0);
    } finally {
      recorder.stop();
    }
  });

  it("takes in a namespace's objects when the namespace becomes a project's after they were dropped", async () => {
    const name = uniqueName("late");
    await cluster.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name } }]);
    await cluster.apply([deployment("web", name)]);
    await waitFor(() => (sandbox.store.count("pods", name) > 0 ? true : undefined));
    const state = await synced(newState(cluster));
    expect(state.figures().objects.Pod).toBeLessThan(sandbox.store.count("pods"));
    await cluster.apply([
      { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { [PROJECT_LABEL]: name } } },
    ]);
    const pods = await waitFor(async () => {
      const listed = await state.list("v1", "Pod", { namespace: name });
      return listed.length > 0 ? listed : undefined;
    });
    expect(pods[0]!.metadata.labels?.app).toBe("web");
  });
});

describe("ClusterState after 410 Gone", () => {
  it("lists again when the watch cannot resume, dropping what was deleted meanwhile", async () => {
    const sandbox = await startSandbox({ simulate: false, watchHistory: 5 });
    const cluster = createCluster({ mode: "sandbox", kubeconfigYaml: sandbox.kubeconfigYaml });
    try {
      const namespace = await projectNamespace(cluster);
      await cluster.apply([ownedDeployment("kept", namespace), ownedDeployment("doomed", namespace)]);
      const state = await synced(newState(cluster));
      const recorder = recordRequests(sandbox);
      try {
        await sandbox.faults.down();
        await waitFor(() => state.staleness(), { what: "the cache to notice" });
        sandbox.store.delete("deployments", namespace, "doomed");
        // More changes than the history keeps: the watch's resourceVersion is compacted away.
        for (let index = 0; index < 20; index++) {
          sandbox.store.create("configmaps", configMap(`filler-${index}`, namespace, {}));
        }
        await sandbox.faults.up();
        await waitFor(async () =>
          (await state.get(deploymentRef("doomed", namespace))) === undefined ? true : undefined,
        );
        expect(await state.get(deploymentRef("kept", namespace))).toBeDefined();
        expect(recorder.requests).toContain("list deployments");
      } finally {
        recorder.stop();
      }
    } finally {
      await Promise.all(states.splice(0).map((state) => state.stop()));
      await sandbox.stop();
    }
  });

  it("lists again when the API server refuses the watch with HTTP 410", async () => {
    const sandbox = await startSandbox({ simulate: false });
    const cluster = createCluster({ mode: "sandbox", kubeconfigYaml: sandbox.kubeconfigYaml });
    try {
      const namespace = await projectNamespace(cluster);
      const state = await synced(newState(cluster));
      const recorder = recordRequests(sandbox);
      try {
        sandbox.faults.fail({ match: { verb: "watch", resource: "deployments" }, code: 410 });
        // Cut the running watches so that they reconnect (and meet the 410).
        await sandbox.faults.down();
        await sandbox.faults.up();
        // Made behind the cache's back, so only a list or a watch can bring it.
        sandbox.store.create("deployments", ownedDeployment("after", namespace));
        await waitFor(async () => ((await state.get(deploymentRef("after", namespace))) ? true : undefined));
        await waitFor(() => (recorder.requests.includes("list deployments") ? true : undefined));
      } finally {
        recorder.stop();
      }
    } finally {
      await Promise.all(states.splice(0).map((state) => state.stop()));
      await sandbox.stop();
    }
  });
});
