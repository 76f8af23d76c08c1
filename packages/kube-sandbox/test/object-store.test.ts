import { describe, expect, it } from "vitest";
import type { StoreEvent } from "../src/contract.js";
import { MemoryObjectStore } from "../src/store/object-store.js";

const deployment = (name: string, replicas = 1) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: "default", labels: { app: name } },
  spec: { replicas },
});

describe("MemoryObjectStore", () => {
  it("fills uid, resourceVersion, creationTimestamp and generation on create", () => {
    const store = new MemoryObjectStore();
    const created = store.create("deployments", deployment("web"));
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created.metadata.generation).toBe(1);
    expect(store.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  it("leaves generation out for objects without a spec", () => {
    const store = new MemoryObjectStore();
    const created = store.create("configmaps", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "default" },
      data: { a: "b" },
    });
    expect(created.metadata.generation).toBeUndefined();
  });

  it("throws when creating an existing object", () => {
    const store = new MemoryObjectStore();
    store.create("deployments", deployment("web"));
    expect(() => store.create("deployments", deployment("web"))).toThrow(/already exists/);
  });

  it("bumps generation only when the spec changes, and resourceVersion always", () => {
    const store = new MemoryObjectStore();
    const created = store.create("deployments", deployment("web"));
    const relabelled = store.update("deployments", {
      ...created,
      metadata: { ...created.metadata, labels: { x: "y" } },
    });
    expect(relabelled.metadata.generation).toBe(1);
    expect(Number(relabelled.metadata.resourceVersion)).toBeGreaterThan(
      Number(created.metadata.resourceVersion),
    );
    const scaled = store.update("deployments", { ...relabelled, spec: { replicas: 3 } });
    expect(scaled.metadata.generation).toBe(2);
    expect(scaled.metadata.uid).toBe(created.metadata.uid);
  });

  it("updates status without touching generation", () => {
    const store = new MemoryObjectStore();
    const created = store.create("deployments", deployment("web"));
    const updated = store.updateStatus("deployments", "default", "web", { replicas: 1 });
    expect(updated?.status).toEqual({ replicas: 1 });
    expect(updated?.metadata.generation).toBe(1);
    expect(updated?.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
    expect(store.updateStatus("deployments", "default", "nope", {})).toBeUndefined();
  });

  it("returns copies: mutating a result does not change the store", () => {
    const store = new MemoryObjectStore();
    const created = store.create("deployments", deployment("web"));
    created.metadata.labels = { changed: "yes" };
    const listed = store.list("deployments");
    listed[0]!.metadata.name = "other";
    expect(store.get("deployments", "default", "web")?.metadata.labels).toEqual({ app: "web" });
  });

  it("lists by namespace, sorted, and returns undefined for missing objects", () => {
    const store = new MemoryObjectStore();
    store.create("deployments", deployment("b"));
    store.create("deployments", deployment("a"));
    store.create("deployments", { ...deployment("c"), metadata: { name: "c", namespace: "other" } });
    expect(store.list("deployments", "default").map((d) => d.metadata.name)).toEqual(["a", "b"]);
    expect(store.list("deployments").map((d) => d.metadata.name)).toEqual(["a", "b", "c"]);
    expect(store.count("deployments", "other")).toBe(1);
    expect(store.get("deployments", "default", "zzz")).toBeUndefined();
    expect(store.delete("deployments", "default", "zzz")).toBeUndefined();
    expect(store.list("pods")).toEqual([]);
  });

  it("keeps lists sorted as objects come and go, and cluster-scoped objects out of namespaced lists", () => {
    const store = new MemoryObjectStore();
    for (const name of ["m", "c", "x"]) store.create("deployments", deployment(name));
    const names = () => store.peekList("deployments", "default").map((d) => d.metadata.name);
    expect(names()).toEqual(["c", "m", "x"]);
    store.delete("deployments", "default", "m");
    store.create("deployments", deployment("a"));
    store.update("deployments", { ...store.get("deployments", "default", "x")!, spec: { replicas: 3 } });
    expect(names()).toEqual(["a", "c", "x"]);
    expect(store.peek("deployments", "default", "x")?.spec).toEqual({ replicas: 3 });
    store.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } });
    expect(store.list("namespaces").map((n) => n.metadata.name)).toEqual(["shop"]);
    expect(store.list("namespaces", "")).toEqual([]);
    expect(store.count("namespaces")).toBe(1);
    for (const name of ["a", "c", "x"]) store.delete("deployments", "default", name);
    expect(store.count("deployments", "default")).toBe(0);
    expect(store.list("deployments")).toEqual([]);
  });

  it("emits every change in order with a fresh resourceVersion on delete", () => {
    const store = new MemoryObjectStore();
    const events: StoreEvent[] = [];
    const unsubscribe = store.subscribe((event) => events.push(event));
    const created = store.create("deployments", deployment("web"));
    store.update("deployments", { ...created, spec: { replicas: 2 } });
    const deleted = store.delete("deployments", "default", "web");
    unsubscribe();
    store.create("deployments", deployment("later"));
    expect(events.map((e) => e.type)).toEqual(["ADDED", "MODIFIED", "DELETED"]);
    expect(events[2]?.object.metadata.resourceVersion).toBe(deleted?.metadata.resourceVersion);
    expect(Number(deleted?.metadata.resourceVersion)).toBeGreaterThan(
      Number(created.metadata.resourceVersion),
    );
  });

  it("restores from a snapshot with monotonic resourceVersions", () => {
    const store = new MemoryObjectStore();
    store.create("deployments", deployment("web"));
    const restored = new MemoryObjectStore(store.snapshot());
    expect(restored.get("deployments", "default", "web")?.metadata.uid).toBe(
      store.get("deployments", "default", "web")?.metadata.uid,
    );
    const next = restored.create("deployments", deployment("api"));
    expect(Number(next.metadata.resourceVersion)).toBeGreaterThan(Number(store.resourceVersion));
  });
});

describe("MemoryObjectStore.peek", () => {
  it("hands out the stored objects themselves, frozen", () => {
    const store = new MemoryObjectStore();
    store.create("deployments", deployment("web"));
    const peeked = store.peek("deployments", "default", "web")!;
    expect(peeked.metadata.name).toBe("web");
    expect(() => {
      (peeked.metadata as { name: string }).name = "changed";
    }).toThrow(TypeError);
    expect(store.peekList("deployments", "default")).toEqual([peeked]);
    expect(store.peek("deployments", "default", "missing")).toBeUndefined();
  });
});
