// The protobuf body decoder: kubectl's captured bodies decode to the JSON the same commands print, the special
// Kubernetes types and the pointer/value rules give the Go structs' JSON, the descriptors agree with the OpenAPI
// document field by field, and bad bodies get the API server's 4xx answers.
import { readFile } from "node:fs/promises";
import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../src/index.js";
import {
  acceptsProtobuf,
  decodeProtobufObject,
  INLINE_FIELDS,
  PROTOBUF_MEDIA_TYPE,
  RENAMED_FIELDS,
  SPECIAL_TYPES,
} from "../src/server/protobuf.js";
import { openApiV2Document } from "../src/server/schema.js";
import { testSandbox } from "./helpers.js";

interface Captured {
  command: string;
  body: string;
  json: Record<string, unknown>;
}

const fixture = JSON.parse(
  await readFile(new URL("fixtures/kubectl-protobuf-bodies.json", import.meta.url), "utf8"),
) as { bodies: Captured[] };
const descriptors = JSON.parse(
  await readFile(new URL("../protobuf/kubernetes-descriptors.json", import.meta.url), "utf8"),
) as { nested: protobuf.INamespace["nested"] };
const schema = protobuf.Root.fromJSON({ nested: descriptors.nested });

/** A body as a client sends it: the magic, then runtime.Unknown around the object's message. */
function encode(apiVersion: string, kind: string, type: string, object: Record<string, unknown>): Buffer {
  const message = schema.lookupType(type);
  const raw = message.encode(message.fromObject(object)).finish();
  const unknown = schema.lookupType("k8s.io.apimachinery.pkg.runtime.Unknown");
  const envelope = unknown.encode(unknown.fromObject({ typeMeta: { apiVersion, kind }, raw })).finish();
  return Buffer.concat([Buffer.from("k8s\0", "latin1"), envelope]);
}

const seconds = Date.UTC(2026, 0, 2, 3, 4, 5) / 1000;

describe("decoding kubectl's protobuf bodies", () => {
  it.each(fixture.bodies.map((captured) => [captured.command, captured] as const))(
    "%s",
    async (_command, captured) => {
      // The status is the server's: create drops it, and some of its counters lack omitempty unmarked.
      const { status: _expected, ...expected } = captured.json;
      const { status: _decoded, ...decoded } = await decodeProtobufObject(
        Buffer.from(captured.body, "base64"),
        String(captured.json.kind),
      );
      expect(decoded).toEqual(expected);
    },
  );

  it("captured every kind the typed commands create", () => {
    expect(fixture.bodies.map((captured) => captured.json.kind).sort()).toEqual([
      "ConfigMap",
      "Deployment",
      "Ingress",
      "Namespace",
      "PodDisruptionBudget",
      "Secret",
      "Service",
    ]);
  });
});

describe("the Go structs' JSON", () => {
  it("keeps zero pointers, drops zero values, and converts times, quantities, int-or-strings and raw JSON", async () => {
    const body = encode("apps/v1", "Deployment", "k8s.io.api.apps.v1.Deployment", {
      metadata: {
        name: "web",
        namespace: "",
        creationTimestamp: { seconds },
        labels: { app: "web" },
        managedFields: [
          {
            manager: "kubectl",
            operation: "Update",
            apiVersion: "apps/v1",
            time: { seconds },
            fieldsType: "FieldsV1",
            fieldsV1: { Raw: Buffer.from('{"f:spec":{}}') },
          },
        ],
      },
      spec: {
        replicas: 0,
        paused: false,
        minReadySeconds: 0,
        selector: { matchLabels: { app: "web" } },
        strategy: {
          type: "RollingUpdate",
          rollingUpdate: { maxSurge: { type: 1, strVal: "25%" }, maxUnavailable: { type: 0, intVal: 0 } },
        },
        template: {
          // Go always writes a plain (non-pointer) struct, the zero time too: {}.
          metadata: { labels: { app: "web" }, creationTimestamp: {} },
          spec: {
            containers: [
              {
                name: "web",
                image: "nginx:1.27",
                ports: [{ containerPort: 0 }],
                resources: { limits: { cpu: { string: "500m" }, memory: { string: "64Mi" } } },
                readinessProbe: {
                  handler: { httpGet: { path: "/", port: { type: 1, strVal: "http" } } },
                  periodSeconds: 5,
                },
                env: [
                  {
                    name: "TOKEN",
                    valueFrom: { secretKeyRef: { localObjectReference: { name: "creds" }, key: "t" } },
                  },
                ],
              },
            ],
            volumes: [
              { name: "config", volumeSource: { configMap: { localObjectReference: { name: "settings" } } } },
            ],
            automountServiceAccountToken: false,
          },
        },
      },
      status: {},
    });
    expect(await decodeProtobufObject(body, "Deployment")).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "web",
        creationTimestamp: "2026-01-02T03:04:05Z",
        labels: { app: "web" },
        managedFields: [
          {
            manager: "kubectl",
            operation: "Update",
            apiVersion: "apps/v1",
            time: "2026-01-02T03:04:05Z",
            fieldsType: "FieldsV1",
            fieldsV1: { "f:spec": {} },
          },
        ],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: "web" } },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: "web" } },
          spec: {
            containers: [
              {
                name: "web",
                image: "nginx:1.27",
                // containerPort has no omitempty (OpenAPI: required): kept even when zero.
                ports: [{ containerPort: 0 }],
                resources: { limits: { cpu: "500m", memory: "64Mi" } },
                readinessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 5 },
                env: [{ name: "TOKEN", valueFrom: { secretKeyRef: { name: "creds", key: "t" } } }],
              },
            ],
            volumes: [{ name: "config", configMap: { name: "settings" } }],
            automountServiceAccountToken: false,
          },
        },
      },
      status: {},
    });
  });

  it("gives bytes as base64 and MicroTime with microseconds", async () => {
    const secret = encode("v1", "Secret", "k8s.io.api.core.v1.Secret", {
      metadata: { name: "creds", creationTimestamp: {} },
      data: { password: Buffer.from("s3cret") },
      type: "Opaque",
    });
    expect(await decodeProtobufObject(secret, "Secret")).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "creds", creationTimestamp: null },
      data: { password: Buffer.from("s3cret").toString("base64") },
      type: "Opaque",
    });
    const event = encode("v1", "Event", "k8s.io.api.core.v1.Event", {
      metadata: { name: "e" },
      eventTime: { seconds, nanos: 123_456_789 },
    });
    expect((await decodeProtobufObject(event, "Event")).eventTime).toBe("2026-01-02T03:04:05.123456Z");
  });

  it("maps every field of the descriptors to the OpenAPI document's properties", async () => {
    const { definitions } = await openApiV2Document();
    const unmatched: string[] = [];
    const visit = (namespace: protobuf.NamespaceBase): void => {
      for (const nested of namespace.nestedArray) {
        if (nested instanceof protobuf.Type) {
          const name = nested.fullName.slice(1);
          const definition = definitions[`io.${name.replace(/^k8s\.io\./, "k8s.")}`];
          if (!definition || SPECIAL_TYPES.has(name)) continue;
          for (const field of nested.fieldsArray) {
            const path = `${name}.${field.name}`;
            const property = RENAMED_FIELDS.get(path) ?? field.name;
            if (INLINE_FIELDS.has(path) || definition.properties?.[property]) continue;
            unmatched.push(path);
          }
        }
        if (nested instanceof protobuf.Namespace) visit(nested);
      }
    };
    visit(schema);
    expect(unmatched).toEqual([]);
    // And every inlined or renamed field exists in the descriptors.
    for (const path of [...INLINE_FIELDS, ...RENAMED_FIELDS.keys()]) {
      const type = schema.lookupType(path.slice(0, path.lastIndexOf(".")));
      expect(type.fields[path.slice(path.lastIndexOf(".") + 1)], path).toBeDefined();
    }
  });

  it("knows the built-in kinds only", () => {
    expect(acceptsProtobuf("v1", "Pod")).toBe(true);
    expect(acceptsProtobuf("apps/v1", "Deployment")).toBe(true);
    expect(acceptsProtobuf("networking.k8s.io/v1", "Ingress")).toBe(true);
    expect(acceptsProtobuf("autoscaling/v1", "Scale")).toBe(true);
    expect(acceptsProtobuf("metrics.k8s.io/v1beta1", "PodMetrics")).toBe(false);
    expect(acceptsProtobuf("example.com/v1", "Widget")).toBe(false);
  });
});

describe("protobuf bodies over HTTP", () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await testSandbox();
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  function send(method: string, path: string, body: Buffer, contentType = PROTOBUF_MEDIA_TYPE) {
    return fetch(`${sandbox.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${sandbox.token}`,
        "Content-Type": contentType,
        Accept: `${PROTOBUF_MEDIA_TYPE}, application/json`,
      },
      body,
    });
  }

  it("creates, updates and scales from protobuf and answers JSON", async () => {
    const configMap = (data: Record<string, string>, resourceVersion = "") =>
      encode("v1", "ConfigMap", "k8s.io.api.core.v1.ConfigMap", {
        metadata: { name: "settings", resourceVersion },
        data,
      });
    const created = await send("POST", "/api/v1/namespaces/default/configmaps", configMap({ color: "blue" }));
    expect(created.status).toBe(201);
    expect(created.headers.get("content-type")).toBe("application/json");
    const stored = (await created.json()) as { metadata: { resourceVersion: string }; data: unknown };
    expect(stored.data).toEqual({ color: "blue" });
    const updated = await send(
      "PUT",
      "/api/v1/namespaces/default/configmaps/settings",
      configMap({ color: "green" }, stored.metadata.resourceVersion),
    );
    expect(updated.status).toBe(200);
    expect(((await updated.json()) as { data: unknown }).data).toEqual({ color: "green" });

    const deployment = encode("apps/v1", "Deployment", "k8s.io.api.apps.v1.Deployment", {
      metadata: { name: "web" },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
        },
      },
    });
    expect((await send("POST", "/apis/apps/v1/namespaces/default/deployments", deployment)).status).toBe(201);
    const scale = encode("autoscaling/v1", "Scale", "k8s.io.api.autoscaling.v1.Scale", {
      metadata: { name: "web", namespace: "default" },
      spec: { replicas: 3 },
    });
    const scaled = await send("PUT", "/apis/apps/v1/namespaces/default/deployments/web/scale", scale);
    expect(scaled.status).toBe(200);
    expect(((await scaled.json()) as { spec: unknown }).spec).toEqual({ replicas: 3 });
  });

  it("reads DeleteOptions from a protobuf DELETE body", async () => {
    const options = (uid: string) =>
      encode("v1", "DeleteOptions", "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions", {
        preconditions: { uid },
      });
    const path = "/api/v1/namespaces/default/configmaps/settings";
    const conflict = await send("DELETE", path, options("not-its-uid"));
    expect(conflict.status).toBe(409);
    expect(((await conflict.json()) as { message: string }).message).toContain("Precondition failed");
    const { uid } = sandbox.store.get("configmaps", "default", "settings")!.metadata;
    expect((await send("DELETE", path, options(uid))).status).toBe(200);
    expect(sandbox.store.get("configmaps", "default", "settings")).toBeUndefined();
  });

  it("answers 400 for a body that is no protobuf message or of an unknown kind", async () => {
    const notProtobuf = await send("POST", "/api/v1/namespaces", Buffer.from('{"kind":"Namespace"}'));
    expect(notProtobuf.status).toBe(400);
    expect(await notProtobuf.json()).toMatchObject({
      reason: "BadRequest",
      message:
        "the object provided is unrecognized (must be of type Namespace): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]",
    });
    const unknownKind = encode("v1", "Widget", "k8s.io.api.core.v1.Namespace", { metadata: { name: "x" } });
    const answer = await send("POST", "/api/v1/namespaces", unknownKind);
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { message: string }).message).toBe(
      'Widget in version "v1" cannot be handled as a Namespace: no kind "Widget" is registered for version "v1"',
    );
  });

  it("answers 415 with the accepted media types for a protobuf patch", async () => {
    const answer = await send("PATCH", "/api/v1/namespaces/default", Buffer.from("k8s\0"));
    expect(answer.status).toBe(415);
    expect(await answer.json()).toMatchObject({
      reason: "UnsupportedMediaType",
      message:
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml",
    });
    const yamlBody = await send("POST", "/api/v1/namespaces", Buffer.from("x"), "text/plain");
    expect(((await yamlBody.json()) as { message: string }).message).toBe(
      "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf",
    );
  });
});
