// Patch formats and selectors as pure functions.
import { describe, expect, it } from "vitest";
import type { StoredObject } from "../src/contract.js";
import { applyJsonPatch } from "../src/server/patch/json-patch.js";
import { applyMergePatch } from "../src/server/patch/merge.js";
import { applyStrategicMergePatch } from "../src/server/patch/strategic.js";
import { loadSchemas, schemaForKind } from "../src/server/schema.js";
import { parseFieldSelector, parseLabelSelector } from "../src/server/selectors.js";
import { ApiError } from "../src/server/status.js";

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

  /** What the server would answer for a patch that must not apply. */
  function rejection(target: unknown, patch: unknown): { code: number; reason: string; message: string } {
    try {
      applyJsonPatch(target, patch);
    } catch (error) {
      if (error instanceof ApiError)
        return { code: error.code, reason: error.reason, message: error.message };
      throw error;
    }
    throw new Error(`the patch applied: ${JSON.stringify(patch)}`);
  }
  const invalid = (message: string) => ({ code: 422, reason: "Invalid", message });
  const badPatch = (message: string) => ({ code: 400, reason: "BadRequest", message });

  /** Frozen all the way down, so that any write to the target throws (ES modules run in strict mode). */
  function deepFreeze<T>(value: T): T {
    if (typeof value === "object" && value !== null) Object.values(value).forEach(deepFreeze);
    return Object.freeze(value);
  }

  it("422s a failed test op naming the path, and writes nothing to the target", () => {
    const target = deepFreeze({ a: { b: 1, c: [1, { d: true }] }, list: [1] });
    expect(
      rejection(target, [
        { op: "add", path: "/list/-", value: 2 },
        { op: "test", path: "/a/b", value: 2 },
      ]),
    ).toEqual(invalid("testing value /a/b failed"));
    expect(rejection(target, [{ op: "test", path: "/a/c", value: [1, { d: false }] }])).toEqual(
      invalid("testing value /a/c failed"),
    );
    expect(rejection(target, [{ op: "test", path: "/a/zz", value: 1 }])).toEqual(
      invalid('doc is missing path: "/a/zz"'),
    );
    expect(rejection(target, [{ op: "test", path: "/list/1", value: 1 }])).toEqual(
      invalid("array index out of bounds: 1"),
    );
    // Deep equality with key order ignored, on the whole document too.
    const tested = [
      { op: "test", path: "/a", value: { c: [1, { d: true }], b: 1 } },
      { op: "test", path: "", value: { list: [1], a: { c: [1, { d: true }], b: 1 } } },
    ];
    expect(applyJsonPatch(target, tested)).toEqual(target);
    // A key may shadow Object.prototype's names; fast-json-patch's own comparison would throw on this one.
    const shadowed = { data: { hasOwnProperty: "1" } };
    expect(applyJsonPatch(shadowed, [{ op: "test", path: "/data", value: { hasOwnProperty: "1" } }])).toEqual(
      shadowed,
    );
  });

  it("moves and copies by value, reading indexes after the source is removed", () => {
    const target = deepFreeze({ list: ["a", "b", "c"], source: { keys: [1] } });
    expect(applyJsonPatch(target, [{ op: "move", from: "/list/0", path: "/list/2" }])).toEqual({
      list: ["b", "c", "a"],
      source: { keys: [1] },
    });
    // After the remove the list has two items, so index 3 is past the end even though the list had three before.
    expect(rejection(target, [{ op: "move", from: "/list/0", path: "/list/3" }])).toEqual(
      invalid("array index out of bounds: 3"),
    );
    expect(rejection(target, [{ op: "move", from: "/source", path: "/source/inner" }])).toEqual(
      invalid('doc is missing path: "/source/inner"'),
    );
    expect(rejection(target, [{ op: "copy", from: "/nothing", path: "/x" }])).toEqual(
      invalid('doc is missing path: "/nothing"'),
    );
    // An inherited name is no member of a JSON object.
    expect(rejection(target, [{ op: "move", from: "/toString", path: "/x" }])).toEqual(
      invalid('doc is missing path: "/toString"'),
    );
    const copied = applyJsonPatch(target, [
      { op: "copy", from: "/source", path: "/copy" },
      { op: "add", path: "/copy/keys/-", value: 2 },
      { op: "move", from: "/list/1", path: "/moved" },
    ]);
    expect(copied).toEqual({ list: ["a", "c"], source: { keys: [1] }, copy: { keys: [1, 2] }, moved: "b" });
  });

  it("appends at -, and 422s - or an index past the end anywhere else", () => {
    const target = deepFreeze({ list: [0, 1, 2] });
    expect(applyJsonPatch(target, [{ op: "add", path: "/list/-", value: 3 }])).toEqual({
      list: [0, 1, 2, 3],
    });
    expect(applyJsonPatch(target, [{ op: "add", path: "/list/3", value: 3 }])).toEqual({
      list: [0, 1, 2, 3],
    });
    for (const [operation, key] of [
      [{ op: "remove", path: "/list/-" }, "-"],
      [{ op: "replace", path: "/list/3", value: 9 }, "3"],
      [{ op: "add", path: "/list/4", value: 9 }, "4"],
      [{ op: "add", path: "/list/x", value: 9 }, "x"],
      [{ op: "add", path: "/list/", value: 9 }, ""],
      [{ op: "remove", path: "/list/length" }, "length"],
      [{ op: "copy", from: "/list/-", path: "/copy" }, "-"],
    ] as const) {
      expect(rejection(target, [operation])).toEqual(invalid(`array index out of bounds: ${key}`));
    }
    expect(rejection(target, [{ op: "add", path: "/list/-/a", value: 9 }])).toEqual(
      invalid('doc is missing path: "/list/-/a"'),
    );
  });

  it("reads ~1 as / and ~0 as ~ in path and from", () => {
    const target = deepFreeze({ metadata: { annotations: { "example.com/team": "web" } } });
    const patched = applyJsonPatch(target, [
      { op: "test", path: "/metadata/annotations/example.com~1team", value: "web" },
      { op: "copy", from: "/metadata/annotations/example.com~1team", path: "/metadata/annotations/a~0b" },
      // "~01" is "~" then "1": ~1 is not decoded out of the ~ that ~0 produced.
      { op: "move", from: "/metadata/annotations/a~0b", path: "/metadata/annotations/~01" },
      { op: "remove", path: "/metadata/annotations/example.com~1team" },
    ]);
    expect(patched).toEqual({ metadata: { annotations: { "~1": "web" } } });
    expect(rejection(target, [{ op: "remove", path: "/metadata/annotations/example.com/team" }])).toEqual(
      invalid('doc is missing path: "/metadata/annotations/example.com/team"'),
    );
  });

  it("400s malformed patches with a message naming what is wrong", () => {
    const target = deepFreeze({ a: 1 });
    expect(rejection(target, { op: "add", path: "/a", value: 1 })).toEqual(
      badPatch("json patch must be a list of operations"),
    );
    expect(rejection(target, [{ op: "add", value: 1 }])).toEqual(
      badPatch("json patch operations need an op and a path"),
    );
    expect(rejection(target, ["add"])).toEqual(badPatch("json patch operations need an op and a path"));
    // `_get` is fast-json-patch's internal read, and "toString" is found on any object: neither is an operation.
    for (const op of ["bogus", "_get", "toString"]) {
      expect(rejection(target, [{ op, path: "/a", value: 1 }])).toEqual(
        badPatch(`unknown json patch operation: ${op}`),
      );
    }
    expect(rejection(target, [{ op: "add", path: "b", value: 1 }])).toEqual(
      badPatch('invalid JSON pointer: "b"'),
    );
    expect(rejection(target, [{ op: "copy", from: "a", path: "/b" }])).toEqual(
      badPatch('invalid JSON pointer: "a"'),
    );
    expect(rejection(target, [{ op: "replace", path: "", value: {} }])).toEqual(
      badPatch("the root of the document cannot be patched"),
    );
    expect(rejection(target, [{ op: "move", from: "", path: "/b" }])).toEqual(
      badPatch("the root of the document cannot be patched"),
    );
    expect(rejection(target, [{ op: "copy", path: "/b" }])).toEqual(
      badPatch('json patch copy operations need a "from" pointer'),
    );
    expect(rejection(target, [{ op: "add", path: "/b" }])).toEqual(
      badPatch("json patch add operations need a value"),
    );
  });

  it("422s a path whose parent does not exist or holds a scalar", () => {
    const target = deepFreeze({ a: { b: 1, n: null }, s: "text" });
    for (const path of ["/missing/x", "/a/b/c", "/a/n/c", "/s/0", "/a/constructor/name"]) {
      expect(rejection(target, [{ op: "add", path, value: 1 }])).toEqual(
        invalid(`doc is missing path: "${path}"`),
      );
    }
    expect(rejection(target, [{ op: "remove", path: "/a/c" }])).toEqual(
      invalid('doc is missing path: "/a/c"'),
    );
  });

  it("400s paths through __proto__ or constructor/prototype and leaves Object.prototype alone", () => {
    // A document key may be called "constructor"; the ban still holds beneath it.
    const target = { a: {}, constructor: { prototype: {} } };
    for (const path of ["/a/__proto__/polluted", "/__proto__", "/constructor/prototype/polluted"]) {
      expect(rejection(target, [{ op: "add", path, value: "yes" }])).toEqual(
        badPatch(`json patch paths cannot go through __proto__ or constructor/prototype: "${path}"`),
      );
    }
    expect(rejection(target, [{ op: "copy", from: "/a", path: "/__proto__/polluted" }]).code).toBe(400);
    // An inherited constructor is a function, not an object the path can go through.
    expect(
      rejection({ a: {} }, [{ op: "add", path: "/a/constructor/prototype/polluted", value: "yes" }]),
    ).toEqual(invalid('doc is missing path: "/a/constructor/prototype/polluted"'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("shares nothing between the result and the target or the patch", () => {
    const target = { a: { list: [1] } };
    const value = { nested: [1] };
    const patched = applyJsonPatch(target, [{ op: "add", path: "/b", value }]) as any;
    patched.a.list.push(2);
    patched.b.nested.push(2);
    expect(target).toEqual({ a: { list: [1] } });
    expect(value).toEqual({ nested: [1] });
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
