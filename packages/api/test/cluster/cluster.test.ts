// The cluster adapter against the kube-sandbox: apply, read, patch, delete, watch.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Sandbox } from "@babyhelm/kube-sandbox";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { ClusterError, createCluster, type Cluster, type WatchEvent } from "../../src/cluster/cluster.js";
import {
  configMap,
  deployment,
  newNamespace,
  rejectionOf,
  sandboxCluster,
  uniqueName,
  waitFor,
} from "./helpers.js";

let sandbox: Sandbox;
let cluster: Cluster;

beforeAll(async () => {
  ({ sandbox, cluster } = await sandboxCluster());
});

afterEach(() => {
  sandbox.faults.clear();
});

afterAll(async () => {
  await sandbox.stop();
});

function managers(object: KubernetesObject): unknown[] {
  return ((object.metadata.managedFields ?? []) as { manager: string; operation: string }[]).map(
    ({ manager, operation }) => ({ manager, operation }),
  );
}

describe("createCluster", () => {
  it("knows its mode and server, and answers ping", async () => {
    expect(cluster.mode).toBe("sandbox");
    expect(cluster.server).toBe(sandbox.url);
    await expect(cluster.ping()).resolves.toBeUndefined();
  });

  it("loads a kubeconfig file and picks the given context", async () => {
    const directory = await mkdtemp(join(tmpdir(), "babyhelm-kubeconfig-"));
    try {
      const path = join(directory, "config");
      await writeFile(path, sandbox.kubeconfigYaml);
      const context = sandbox.kubeconfig.contexts[0]!.name;
      const fromFile = createCluster({ mode: "kubeconfig", kubeconfigPath: path, context });
      expect(fromFile).toMatchObject({ mode: "kubeconfig", server: sandbox.url });
      await fromFile.ping();
      expect(() => createCluster({ mode: "kubeconfig", kubeconfigPath: path, context: "nope" })).toThrow(
        `The kubeconfig context "nope" does not exist in the kubeconfig ${JSON.stringify(path)}; it has "${context}".`,
      );
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("refuses a configuration it cannot load, saying where to look", () => {
    const missing = (() => {
      try {
        createCluster({ mode: "kubeconfig", kubeconfigPath: "/nonexistent/kubeconfig" });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(missing).toBeInstanceOf(ClusterError);
    expect(missing).toMatchObject({ kind: "unreachable", retryable: false });
    expect((missing as Error).message).toMatch(
      /^Cannot load the kubeconfig "\/nonexistent\/kubeconfig": .*ENOENT.*BABYHELM_CLUSTER/,
    );
    // Outside a pod, even when the tests themselves run in one.
    vi.stubEnv("KUBERNETES_SERVICE_HOST", "");
    try {
      expect(() => createCluster({ mode: "in-cluster" })).toThrow(/KUBERNETES_SERVICE_HOST/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe("apply", () => {
  it("creates objects with managed fields owned by babyhelm and returns the server's objects", async () => {
    const namespace = await newNamespace(cluster);
    const applied = await cluster.apply([
      deployment("web", namespace),
      configMap("settings", namespace, { a: "1" }),
    ]);
    expect(applied.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      "Deployment/web",
      "ConfigMap/settings",
    ]);
    expect(applied[0]!.metadata.uid).toEqual(expect.any(String));
    expect(managers(applied[0]!)).toEqual([{ manager: "babyhelm", operation: "Apply" }]);
    const stored = sandbox.store.get("deployments", namespace, "web");
    expect(stored?.metadata.managedFields).toEqual(applied[0]!.metadata.managedFields);
    // Timestamps stay the server's strings (no Date objects, no rewritten precision).
    expect(applied[0]!.metadata.creationTimestamp).toBe(stored?.metadata.creationTimestamp);
  });

  it("is idempotent: applying the same objects again changes nothing", async () => {
    const namespace = await newNamespace(cluster);
    const objects = [deployment("web", namespace), configMap("settings", namespace, { a: "1" })];
    const [first] = await cluster.apply(objects);
    const [again] = await cluster.apply(objects);
    expect(again!.metadata.generation).toBe(first!.metadata.generation);
    expect(again!.metadata.managedFields).toEqual(first!.metadata.managedFields);
  });

  it("persists nothing on a dry run, yet answers with the object the server would store", async () => {
    const namespace = await newNamespace(cluster);
    const [dry] = await cluster.apply([configMap("dry", namespace, { a: "1" })], { dryRun: true });
    expect(dry).toMatchObject({ kind: "ConfigMap", metadata: { name: "dry", namespace }, data: { a: "1" } });
    expect(sandbox.store.get("configmaps", namespace, "dry")).toBeUndefined();
  });

  it("applies a Namespace (cluster-scoped) without a namespace in its URL", async () => {
    const name = uniqueName("ns");
    const [namespace] = await cluster.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name } }]);
    expect(namespace!.metadata.name).toBe(name);
    expect(sandbox.store.get("namespaces", undefined, name)).toBeDefined();
  });

  it("refuses unknown fields and bad names before anything is sent, naming object and field", async () => {
    const namespace = await newNamespace(cluster);
    const bad = deployment("web", namespace);
    (bad.spec as Record<string, unknown>).replicaz = 3;
    const badName = configMap("Bad_Name", namespace, {});
    const good = configMap("fine", namespace, {});
    // Any request at all would fail loudly: nothing may reach the server.
    sandbox.faults.fail({ count: 100, code: 500, message: "nothing should have been sent" });
    const error = await rejectionOf(cluster.apply([good, bad, badName]));
    sandbox.faults.clear();
    expect(error).toBeInstanceOf(ClusterError);
    const clusterError = error as ClusterError;
    expect(clusterError.kind).toBe("invalid");
    expect(clusterError.retryable).toBe(false);
    expect(clusterError.message).toContain("refused before anything was sent to the cluster");
    expect(clusterError.message).toContain(
      `Deployment/web (namespace ${namespace}): spec.replicaz: unknown field`,
    );
    expect(clusterError.message).toContain(`ConfigMap/Bad_Name (namespace ${namespace}): metadata.name`);
    expect(clusterError.causes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          field: "spec.replicaz",
          object: `Deployment/web (namespace ${namespace})`,
        }),
        expect.objectContaining({ field: "metadata.name" }),
      ]),
    );
    expect(sandbox.store.get("configmaps", namespace, "fine")).toBeUndefined();
  });

  it("passes on the cluster's own 422 with its causes", async () => {
    const namespace = await newNamespace(cluster);
    // Another field manager sets minReplicas 5; BabyHelm's maxReplicas 3 is valid alone but not merged with it.
    await cluster.apply([hpa("web", namespace, { maxReplicas: 10 })]);
    await cluster.patch(
      { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", name: "web", namespace },
      { spec: { minReplicas: 5 } },
      { fieldManager: "other-team" },
    );
    const ours = hpa("web", namespace, { maxReplicas: 3 });
    const error = (await rejectionOf(cluster.apply([ours]))) as ClusterError;
    expect(error).toBeInstanceOf(ClusterError);
    expect(error.kind).toBe("invalid");
    expect(error.status).toBe(422);
    expect(error.message).toMatch(
      new RegExp(
        `^Applying HorizontalPodAutoscaler "web" in namespace "${namespace}" failed: the cluster refused it`,
      ),
    );
    expect(error.message).toContain(
      "spec.maxReplicas: Invalid value: 3: must be greater than or equal to `minReplicas`",
    );
    expect(error.causes).toEqual([
      {
        field: "spec.maxReplicas",
        message: "Invalid value: 3: must be greater than or equal to `minReplicas`",
      },
    ]);
  });

  it("refuses a namespaced object without a namespace, and a kind the cluster does not serve", async () => {
    const withoutNamespace = configMap("x", "unused", {});
    delete withoutNamespace.metadata.namespace;
    const error = (await rejectionOf(cluster.apply([withoutNamespace]))) as ClusterError;
    expect(error.kind).toBe("invalid");
    expect(error.message).toContain('ConfigMap "x" has no namespace');
    const unserved = (await rejectionOf(
      cluster.list("widgets.example.com/v1", "Widget", { namespace: "default" }),
    )) as ClusterError;
    expect(unserved.kind).toBe("not-found");
    expect(unserved.message).toBe(
      'Listing Widget objects in namespace "default" failed: the cluster does not serve the API widgets.example.com/v1 (is it installed?).',
    );
  });
});

function hpa(
  name: string,
  namespace: string,
  bounds: { minReplicas?: number; maxReplicas: number },
): KubernetesObject {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name, namespace },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name }, ...bounds },
  };
}

describe("get, list, patch, delete", () => {
  it("reads an object, or undefined when it does not exist", async () => {
    const namespace = await newNamespace(cluster);
    await cluster.apply([configMap("settings", namespace, { a: "1" })]);
    const ref = { apiVersion: "v1", kind: "ConfigMap", name: "settings", namespace };
    expect(await cluster.get(ref)).toMatchObject({ apiVersion: "v1", kind: "ConfigMap", data: { a: "1" } });
    expect(await cluster.get({ ...ref, name: "missing" })).toBeUndefined();
    expect(await cluster.get({ ...ref, namespace: "no-such-namespace" })).toBeUndefined();
  });

  it("lists by label and field selector, across every page", async () => {
    const namespace = await newNamespace(cluster);
    const objects = Array.from({ length: 520 }, (_, index) => ({
      ...configMap(`cm-${index}`, namespace, {}),
      metadata: { name: `cm-${index}`, namespace, labels: { batch: index % 2 === 0 ? "even" : "odd" } },
    }));
    for (const object of objects) sandbox.store.create("configmaps", object);
    const all = await cluster.list("v1", "ConfigMap", { namespace });
    expect(all.filter((object) => object.metadata.name.startsWith("cm-"))).toHaveLength(520);
    expect(all.every((object) => object.apiVersion === "v1" && object.kind === "ConfigMap")).toBe(true);
    const even = await cluster.list("v1", "ConfigMap", { namespace, labelSelector: "batch=even" });
    expect(even).toHaveLength(260);
    const one = await cluster.list("v1", "ConfigMap", { namespace, fieldSelector: "metadata.name=cm-7" });
    expect(one.map((object) => object.metadata.name)).toEqual(["cm-7"]);
  });

  it("patches with a strategic merge patch, as kubectl rollout restart does", async () => {
    const namespace = await newNamespace(cluster);
    await cluster.apply([deployment("web", namespace)]);
    const ref = { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace };
    const restartedAt = new Date().toISOString();
    const patched = await cluster.patch(
      ref,
      {
        spec: {
          template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": restartedAt } } },
        },
      },
      { fieldManager: "babyhelm-restart" },
    );
    expect(patched.metadata.generation).toBe(2);
    expect(patched).toMatchObject({
      spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": restartedAt } } } },
    });
    // The containers list was merged by name, not replaced.
    expect((patched.spec as any).template.spec.containers).toHaveLength(1);
    expect(managers(patched)).toContainEqual({ manager: "babyhelm-restart", operation: "Update" });

    const missing = (await rejectionOf(
      cluster.patch({ ...ref, name: "gone" }, { metadata: { labels: { a: "b" } } }, { fieldManager: "x" }),
    )) as ClusterError;
    expect(missing.kind).toBe("not-found");
    expect(missing.status).toBe(404);
    expect(missing.message).toBe(
      `Patching Deployment "gone" in namespace "${namespace}" failed: deployments.apps "gone" not found.`,
    );
  });

  it("deletes in the background (dry run first), and says false when already gone", async () => {
    const namespace = await newNamespace(cluster);
    await cluster.apply([deployment("web", namespace, { replicas: 2 })]);
    const ref = { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace };
    await waitFor(() => (sandbox.store.list("pods", namespace).length === 2 ? true : undefined), {
      what: "pods",
    });
    expect(await cluster.delete(ref, { dryRun: true })).toBe(true);
    expect(await cluster.get(ref)).toBeDefined();
    expect(await cluster.delete(ref)).toBe(true);
    expect(await cluster.waitUntilGone(ref, 5000)).toBe(true);
    // Background propagation: the garbage collector removes the ReplicaSet and its pods afterwards.
    await waitFor(() => (sandbox.store.list("pods", namespace).length === 0 ? true : undefined), {
      what: "GC",
    });
    expect(await cluster.delete(ref)).toBe(false);
  });

  it("waits until a namespace has finished terminating, and gives up at the timeout", async () => {
    const namespace = await newNamespace(cluster);
    await cluster.apply([configMap("x", namespace, {})]);
    const ref = { apiVersion: "v1", kind: "Namespace", name: namespace };
    const stillHere = { apiVersion: "v1", kind: "ConfigMap", name: "x", namespace: "default" };
    await cluster.apply([configMap("x", "default", {})]);
    expect(await cluster.waitUntilGone(stillHere, 150)).toBe(false);
    expect(await cluster.delete(ref)).toBe(true);
    expect(await cluster.waitUntilGone(ref, 5000)).toBe(true);
    expect(await cluster.get({ apiVersion: "v1", kind: "ConfigMap", name: "x", namespace })).toBeUndefined();
  });
});

describe("read coalescing", () => {
  const dataOf = (object: KubernetesObject | undefined) => (object?.data ?? {}) as Record<string, string>;

  it("sends identical reads asked for together once, and never answers a read with one sent before it was asked", async () => {
    const namespace = await newNamespace(cluster);
    await cluster.apply([configMap("settings", namespace, { a: "1" })]);
    const ref = { apiVersion: "v1", kind: "ConfigMap", name: "settings", namespace };
    const sent: string[] = [];
    const stop = sandbox.faults.observe((request) => {
      if (request.namespace === namespace) sent.push(`${request.verb} ${request.name ?? request.resource}`);
    });
    try {
      const [lists, gets, other] = await Promise.all([
        Promise.all(Array.from({ length: 20 }, () => cluster.list("v1", "ConfigMap", { namespace }))),
        Promise.all(Array.from({ length: 20 }, () => cluster.get(ref))),
        cluster.list("v1", "ConfigMap", { namespace, labelSelector: "x=y" }),
      ]);
      expect(sent.sort()).toEqual(["get settings", "list configmaps", "list configmaps"]);
      expect(lists.every((items) => items.some((item) => item.metadata.name === "settings"))).toBe(true);
      expect(gets.every((object) => dataOf(object).a === "1")).toBe(true);
      expect(other).toEqual([]);

      // A read asked for while another is on its way is sent again: it must see what changed meanwhile.
      sent.length = 0;
      sandbox.faults.delay(100, { verb: "get" });
      const early = cluster.get(ref);
      await new Promise((resolve) => setTimeout(resolve, 20));
      sandbox.faults.clear();
      await cluster.apply([configMap("settings", namespace, { a: "2" })]);
      expect(dataOf(await cluster.get(ref)).a).toBe("2");
      await early;
      expect(sent).toEqual(["get settings", "patch settings", "get settings"]);
    } finally {
      stop();
    }
  });

  it("can be turned off", async () => {
    const namespace = await newNamespace(cluster);
    const separate = createCluster(
      { mode: "sandbox", kubeconfigYaml: sandbox.kubeconfigYaml },
      { coalesceReads: false },
    );
    let lists = 0;
    const stop = sandbox.faults.observe((request) => {
      if (request.namespace === namespace && request.verb === "list") lists++;
    });
    try {
      await Promise.all(Array.from({ length: 5 }, () => separate.list("v1", "ConfigMap", { namespace })));
      expect(lists).toBe(5);
    } finally {
      stop();
    }
  });
});

describe("watch", () => {
  it("yields ADDED, MODIFIED and DELETED events, and ends when the signal aborts", async () => {
    const namespace = await newNamespace(cluster);
    await cluster.apply([configMap("before", namespace, { v: "0" })]);
    const abort = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const event of cluster.watch("v1", "ConfigMap", { namespace }, abort.signal)) {
        seen.push(`${event.type} ${event.object.metadata.name} ${String((event.object.data as any)?.v)}`);
      }
    })();
    await waitFor(() => (seen.includes("ADDED before 0") ? true : undefined), { what: "initial ADDED" });
    await cluster.apply([configMap("after", namespace, { v: "1" })]);
    await cluster.apply([configMap("after", namespace, { v: "2" })]);
    await cluster.delete({ apiVersion: "v1", kind: "ConfigMap", name: "after", namespace });
    await waitFor(() => (seen.some((line) => line.startsWith("DELETED after")) ? true : undefined), {
      what: "DELETED",
    });
    abort.abort();
    await watching;
    expect(seen).toEqual(["ADDED before 0", "ADDED after 1", "MODIFIED after 2", "DELETED after 2"]);
  });

  it("filters by label selector and reconnects from the last version when the stream is cut", async () => {
    const namespace = await newNamespace(cluster);
    const abort = new AbortController();
    const events: WatchEvent[] = [];
    const watching = (async () => {
      for await (const event of cluster.watch(
        "v1",
        "ConfigMap",
        { namespace, labelSelector: "watched=yes" },
        abort.signal,
      ))
        events.push(event);
    })();
    const labelled = (name: string) => ({
      ...configMap(name, namespace, {}),
      metadata: { name, namespace, labels: { watched: "yes" } },
    });
    await cluster.apply([labelled("one"), configMap("ignored", namespace, {})]);
    await waitFor(() => (events.length === 1 ? true : undefined), { what: "first event" });
    // Cut the watch: the sandbox drops open connections when it goes down, and is back at once.
    await sandbox.faults.down();
    await sandbox.faults.up();
    await cluster.apply([labelled("two")]);
    await waitFor(() => (events.length >= 2 ? true : undefined), { what: "event after reconnect" });
    abort.abort();
    await watching;
    expect(events.map((event) => `${event.type} ${event.object.metadata.name}`)).toEqual([
      "ADDED one",
      "ADDED two",
    ]);
  });

  it("throws a ClusterError when it cannot start", async () => {
    const abort = new AbortController();
    sandbox.faults.fail({
      match: { verb: "watch", resource: "configmaps" },
      code: 403,
      message: "no watching",
    });
    const events = cluster.watch("v1", "ConfigMap", { namespace: "default" }, abort.signal);
    const iterator = events[Symbol.asyncIterator]();
    const error = (await rejectionOf(iterator.next())) as ClusterError;
    expect(error).toBeInstanceOf(ClusterError);
    expect(error.kind).toBe("forbidden");
    expect(error.message).toContain(
      'Watching ConfigMap objects in namespace "default" failed: the cluster forbids it',
    );
    expect(error.message).toContain("RBAC");
  });

  it("ends at once when the signal is already aborted", async () => {
    const abort = new AbortController();
    abort.abort();
    const events: WatchEvent[] = [];
    for await (const event of cluster.watch("v1", "ConfigMap", {}, abort.signal)) events.push(event);
    expect(events).toEqual([]);
  });
});
