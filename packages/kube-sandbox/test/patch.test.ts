// Patch formats and selectors as pure functions.
import { describe, expect, it } from "vitest";
import { applyJsonPatch } from "../src/server/patch/json-patch.js";
import { applyMergePatch } from "../src/server/patch/merge.js";
import { applyStrategicMergePatch } from "../src/server/patch/strategic.js";
import { loadSchemas, schemaForKind } from "../src/server/schema.js";
import { parseFieldSelector, parseLabelSelector } from "../src/server/selectors.js";
import { ApiError } from "../src/server/status.js";
import type { StoredObject } from "../src/contract.js";

await loadSchemas();
const podSchema = schemaForKind("v1", "Pod");

describe("merge patch (RFC 7386)", () => {
  it("merges objects, deletes on null and replaces lists", () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, list: [1, 2] }, { a: { b: null, d: 3 }, list: [3] })).toEqual(
      {
        a: { c: 2, d: 3 },
        list: [3],
      },
    );
    expect(applyMergePatch({ a: 1 }, "text")).toBe("text");
  });
});

describe("strategic merge patch", () => {
  const pod = {
    metadata: { finalizers: ["a"] },
    spec: {
      containers: [
        { name: "web", image: "nginx", env: [{ name: "A", value: "1" }], ports: [{ containerPort: 80 }] },
        { name: "side", image: "busybox" },
      ],
      volumes: [{ name: "data", emptyDir: {} }],
    },
  };

  it("merges keyed lists by their merge key and appends new items", () => {
    const patched = applyStrategicMergePatch(
      pod,
      {
        spec: {
          containers: [
            { name: "web", env: [{ name: "B", value: "2" }] },
            { name: "new", image: "x" },
          ],
        },
      },
      podSchema,
    ) as any;
    expect(patched.spec.containers.map((container: any) => container.name)).toEqual(["web", "side", "new"]);
    expect(patched.spec.containers[0].env).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ]);
    expect(patched.spec.containers[0].image).toBe("nginx");
  });

  it("honours $patch: delete and replace, and $deleteFromPrimitiveList", () => {
    const deleted = applyStrategicMergePatch(
      pod,
      { spec: { volumes: [{ name: "data", $patch: "delete" }] } },
      podSchema,
    ) as any;
    expect(deleted.spec.volumes).toEqual([]);
    const replaced = applyStrategicMergePatch(
      pod,
      { spec: { containers: [{ $patch: "replace" }, { name: "only", image: "y" }] } },
      podSchema,
    ) as any;
    expect(replaced.spec.containers).toEqual([{ name: "only", image: "y" }]);
    const unioned = applyStrategicMergePatch(pod, { metadata: { finalizers: ["b", "a"] } }, podSchema) as any;
    expect(unioned.metadata.finalizers).toEqual(["a", "b"]);
    const trimmed = applyStrategicMergePatch(
      pod,
      { metadata: { "$deleteFromPrimitiveList/finalizers": ["a"] } },
      podSchema,
    ) as any;
    expect(trimmed.metadata.finalizers).toEqual([]);
  });

  it("replaces lists without a merge strategy, and 400s items without the merge key", () => {
    const patched = applyStrategicMergePatch(
      pod,
      { spec: { containers: [{ name: "web", args: ["b"] }] } },
      podSchema,
    ) as any;
    expect(patched.spec.containers[0].args).toEqual(["b"]);
    expect(() =>
      applyStrategicMergePatch(pod, { spec: { containers: [{ image: "x" }] } }, podSchema),
    ).toThrow(ApiError);
  });
});

describe("JSON patch (RFC 6902)", () => {
  it("supports add, remove, replace, move, copy and test", () => {
    const result = applyJsonPatch({ a: { b: 1 }, list: [1, 2] }, [
      { op: "add", path: "/list/-", value: 3 },
      { op: "add", path: "/list/0", value: 0 },
      { op: "remove", path: "/list/1" },
      { op: "replace", path: "/a/b", value: 2 },
      { op: "copy", from: "/a", path: "/c" },
      { op: "move", from: "/c/b", path: "/d" },
      { op: "test", path: "/d", value: 2 },
      { op: "add", path: "/e~1f", value: true },
    ]);
    expect(result).toEqual({ a: { b: 2 }, list: [0, 2, 3], c: {}, d: 2, "e/f": true });
  });

  it("rejects bad paths and failed tests", () => {
    expect(() => applyJsonPatch({}, [{ op: "replace", path: "/missing", value: 1 }])).toThrow(/missing path/);
    expect(() => applyJsonPatch({ a: 1 }, [{ op: "test", path: "/a", value: 2 }])).toThrow(/testing value/);
    expect(() => applyJsonPatch({}, { op: "add" })).toThrow(ApiError);
  });
});

describe("selectors", () => {
  const object = (labels: Record<string, string>, phase?: string): StoredObject => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "ns", uid: "u", resourceVersion: "1", creationTimestamp: "", labels },
    status: { phase },
  });

  it("parses every label selector operator", () => {
    const selector = parseLabelSelector("app=web,tier in (a, b),!canary,env,version notin (1)")!;
    expect(selector(object({ app: "web", tier: "b", env: "prod" }))).toBe(true);
    expect(selector(object({ app: "web", tier: "c", env: "prod" }))).toBe(false);
    expect(selector(object({ app: "web", tier: "a", env: "prod", canary: "1" }))).toBe(false);
    expect(selector(object({ app: "web", tier: "a", env: "prod", version: "1" }))).toBe(false);
    expect(parseLabelSelector("")).toBeUndefined();
    expect(() => parseLabelSelector("app in")).toThrow(ApiError);
  });

  it("matches field selectors on nested fields", () => {
    const selector = parseFieldSelector("metadata.namespace=ns,status.phase!=Failed")!;
    expect(selector(object({}, "Running"))).toBe(true);
    expect(selector(object({}, "Failed"))).toBe(false);
    expect(() => parseFieldSelector("metadata.name")).toThrow(ApiError);
  });
});
