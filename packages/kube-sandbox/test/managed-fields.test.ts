// The FieldsV1 encoding and ownership bookkeeping.
import { describe, expect, it } from "vitest";
import {
  describePath,
  fieldsOf,
  fromFieldsV1,
  recordUpdate,
  toFieldsV1,
} from "../src/server/apply/managed-fields.js";
import { loadSchemas, schemaForKind } from "../src/server/schema.js";

await loadSchemas();
const schema = schemaForKind("apps/v1", "Deployment");

const object = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default", uid: "u", labels: { app: "web" } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "web" } },
    template: {
      spec: {
        containers: [{ name: "web", image: "nginx", ports: [{ containerPort: 80, protocol: "TCP" }] }],
      },
    },
  },
  status: { replicas: 2 },
};

describe("managed fields", () => {
  it("encodes an object's fields in FieldsV1, leaving out server-owned metadata and status", () => {
    const fields = toFieldsV1(fieldsOf(object, schema));
    expect(fields).toEqual({
      "f:metadata": { "f:labels": { "f:app": {} } },
      "f:spec": {
        "f:replicas": {},
        "f:selector": {},
        "f:template": {
          "f:spec": {
            "f:containers": {
              'k:{"name":"web"}': {
                ".": {},
                "f:image": {},
                "f:name": {},
                "f:ports": {
                  'k:{"containerPort":80,"protocol":"TCP"}': {
                    ".": {},
                    "f:containerPort": {},
                    "f:protocol": {},
                  },
                },
              },
            },
          },
        },
      },
    });
    expect(fromFieldsV1(fields)).toEqual(fieldsOf(object, schema));
  });

  it("names fields like the API server's conflict messages", () => {
    const path = [...fieldsOf(object, schema)].find((candidate) => candidate.endsWith("f:image"))!;
    expect(describePath(path)).toBe('.spec.template.spec.containers[name="web"].image');
  });

  it("gives an Update writer the fields it changed and takes them from others", () => {
    const created = {
      ...object,
      metadata: {
        ...object.metadata,
        managedFields: recordUpdate(undefined, object, schema, {
          manager: "a",
          apiVersion: "apps/v1",
          time: "t1",
        }),
      },
    };
    const scaled = { ...created, spec: { ...created.spec, replicas: 3 } };
    const managedFields = recordUpdate(created, scaled, schema, {
      manager: "b",
      apiVersion: "apps/v1",
      time: "t2",
    });
    expect(managedFields.map((entry) => entry.manager)).toEqual(["a", "b"]);
    expect(managedFields[1]?.fieldsV1).toEqual({ "f:spec": { "f:replicas": {} } });
    expect((managedFields[0]?.fieldsV1["f:spec"] as Record<string, unknown>)["f:replicas"]).toBeUndefined();
  });
});
