import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FIELD_ENUMS } from "../src/validate/enums.js";
import {
  findDefinition,
  knownApiVersions,
  validateManifests,
  validateObject,
  type ManifestIssue,
} from "../src/validate/index.js";
import { getDefinition } from "../src/validate/schema-index.js";
import * as fixtures from "./validate-fixtures.js";

/** The (path, rule) pairs of the issues, which is what these tests pin; messages are checked where they matter. */
function found(issues: ManifestIssue[]) {
  return issues.map(({ path, rule }) => ({ path, rule }));
}

describe("validateManifests on valid objects", () => {
  it.each(fixtures.everyKind().map((object) => [object.kind, object] as const))(
    "accepts a valid %s",
    (_kind, object) => {
      expect(validateObject(object)).toEqual([]);
    },
  );

  it("accepts a whole project and application at once", () => {
    expect(validateManifests(fixtures.everyKind())).toEqual([]);
  });

  it("accepts what the server adds: status, managedFields, null timestamps", () => {
    const deployment = fixtures.deployment();
    Object.assign(deployment.metadata, {
      uid: "5f1c0a52-0d0b-4c53-9f4e-2d6f6b2a7a11",
      resourceVersion: "42",
      creationTimestamp: null,
      managedFields: [
        {
          manager: "babyhelm",
          operation: "Apply",
          apiVersion: "apps/v1",
          time: "2025-01-31T12:00:00Z",
          fieldsType: "FieldsV1",
          fieldsV1: { "f:spec": { "f:replicas": {} } },
        },
      ],
    });
    expect(validateObject(deployment)).toEqual([]);
  });

  it("accepts lists, which have no name, and checks their items", () => {
    const list = {
      apiVersion: "v1",
      kind: "ServiceList",
      metadata: { resourceVersion: "1" },
      items: [fixtures.service()],
    };
    expect(validateObject(list)).toEqual([]);
    list.items[0]!.spec.ports[0]!.port = "80" as never;
    expect(found(validateObject(list))).toEqual([{ path: "items[0].spec.ports[0].port", rule: "type" }]);
  });

  it("accepts generateName in place of name", () => {
    const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "web-" } };
    expect(validateObject(configMap)).toEqual([]);
  });
});

describe("schema rules", () => {
  it("reports an unknown field as a strict decoding error would", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    deployment.spec.replicaz = 3;
    expect(validateObject(deployment)).toEqual([
      {
        object: "Deployment/web (namespace shop)",
        path: "spec.replicaz",
        message: 'unknown field "spec.replicaz"',
        rule: "unknown-field",
      },
    ]);
  });

  it("reports unknown fields deep inside arrays and refs, and can leave them out", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    deployment.spec.template.spec.containers[0].ports[1].hostport = 80;
    deployment.spec.template.spec.containers[0].resources.limits.cpu = "1";
    deployment.metadata.labelz = {};
    expect(found(validateObject(deployment))).toEqual([
      { path: "metadata.labelz", rule: "unknown-field" },
      { path: "spec.template.spec.containers[0].ports[1].hostport", rule: "unknown-field" },
    ]);
    expect(validateObject(deployment, { unknownFields: false })).toEqual([]);
  });

  it("reports a string where an integer is expected, and non-integral or out-of-range numbers", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    deployment.spec.replicas = "3";
    deployment.spec.revisionHistoryLimit = 1.5;
    deployment.spec.progressDeadlineSeconds = 2 ** 31;
    deployment.spec.paused = "false";
    expect(validateObject(deployment)).toEqual([
      expect.objectContaining({
        path: "spec.replicas",
        rule: "type",
        message: 'Invalid value: "3": expected integer, got string',
      }),
      expect.objectContaining({ path: "spec.revisionHistoryLimit", rule: "type" }),
      expect.objectContaining({ path: "spec.progressDeadlineSeconds", rule: "range" }),
      expect.objectContaining({ path: "spec.paused", rule: "type" }),
    ]);
  });

  it("reports objects, arrays and maps of the wrong shape", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    deployment.spec.template.spec.containers[0].args = "--verbose";
    deployment.spec.template.spec.containers[0].command = [null];
    deployment.metadata.labels = ["web"];
    deployment.metadata.annotations = { count: 3 };
    expect(found(validateObject(deployment))).toEqual([
      { path: "metadata.labels", rule: "type" },
      { path: "metadata.annotations.count", rule: "type" },
      { path: "spec.template.spec.containers[0].args", rule: "type" },
      { path: "spec.template.spec.containers[0].command[0]", rule: "type" },
    ]);
  });

  it("reports missing required fields", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    delete deployment.spec.selector;
    delete deployment.spec.template.spec.containers[0].name;
    expect(validateObject(deployment)).toEqual([
      expect.objectContaining({
        path: "spec.template.spec.containers[0].name",
        rule: "required",
        message: "Required value",
      }),
      expect.objectContaining({ path: "spec.selector", rule: "required" }),
    ]);
  });

  it("treats an explicit null as unset, so a null required field is missing", () => {
    const hpa: Record<string, any> = fixtures.horizontalPodAutoscaler();
    hpa.spec.maxReplicas = null;
    hpa.spec.minReplicas = null;
    expect(found(validateObject(hpa))).toEqual([{ path: "spec.maxReplicas", rule: "required" }]);
  });

  it("reports values outside a field's closed set", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    deployment.spec.template.spec.containers[0].imagePullPolicy = "Sometimes";
    const service: Record<string, any> = fixtures.service();
    service.spec.type = "Public";
    const policy: Record<string, any> = fixtures.networkPolicy();
    policy.spec.policyTypes = ["Ingress", "Sideways"];
    expect(validateManifests([deployment, service, policy])).toEqual([
      {
        object: "Deployment/web (namespace shop)",
        path: "spec.template.spec.containers[0].imagePullPolicy",
        message: 'Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
        rule: "enum",
      },
      expect.objectContaining({ object: "Service/web (namespace shop)", path: "spec.type", rule: "enum" }),
      expect.objectContaining({ path: "spec.policyTypes[1]", rule: "enum" }),
    ]);
  });

  it("checks quantities: strings in the server's grammar, or numbers", () => {
    for (const good of ["100m", "128Mi", "1.5", "1e3", "0.5Gi", ".5", "+1", "2E-3", 3, 0.25]) {
      const quota: Record<string, any> = fixtures.resourceQuota();
      quota.spec.hard["requests.cpu"] = good;
      expect(validateObject(quota), String(good)).toEqual([]);
    }
    for (const bad of ["100x", "1.5 Gi", "Mi", "", "1mi", "1KiB", "--1", true]) {
      const quota: Record<string, any> = fixtures.resourceQuota();
      quota.spec.hard["requests.cpu"] = bad;
      expect(found(validateObject(quota)), String(bad)).toEqual([
        { path: 'spec.hard["requests.cpu"]', rule: typeof bad === "string" ? "format" : "type" },
      ]);
    }
  });

  it("checks int-or-string, date-time and base64 bytes", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    deployment.spec.template.spec.containers[0].livenessProbe.tcpSocket.port = 80.5;
    deployment.metadata.creationTimestamp = "yesterday";
    const secret: Record<string, any> = fixtures.secret();
    secret.data.url = "not base64!";
    expect(found(validateManifests([deployment, secret]))).toEqual([
      { path: "metadata.creationTimestamp", rule: "format" },
      { path: "spec.template.spec.containers[0].livenessProbe.tcpSocket.port", rule: "type" },
      { path: "data.url", rule: "format" },
    ]);
  });

  it("accepts base64 wrapped over lines, as kustomize's secretGenerator writes long values", () => {
    const secret: Record<string, any> = fixtures.secret();
    const long = Buffer.from("postgres://babyhelm:password@database.example.internal:5432/babyhelm").toString(
      "base64",
    );
    secret.data.url = `${long.slice(0, 76)}\n${long.slice(76)}`;
    expect(validateObject(secret)).toEqual([]);
    secret.data.url = `${long.slice(0, 76)}\n${long.slice(76)}!`;
    expect(found(validateObject(secret))).toEqual([{ path: "data.url", rule: "format" }]);
  });

  it("accepts anything inside free-form objects", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    deployment.metadata.managedFields = [{ fieldsV1: { "f:anything": { ".": {}, "k:{}": [1, "x"] } } }];
    expect(validateObject(deployment)).toEqual([]);
  });

  it("names every curated enum field after a property that exists in the 1.35 spec", () => {
    for (const [definition, fields] of Object.entries(FIELD_ENUMS)) {
      const properties = getDefinition(definition)?.properties ?? {};
      for (const field of Object.keys(fields))
        expect(properties, `${definition}.${field}`).toHaveProperty(field);
    }
  });
});

describe("kinds", () => {
  it("reports an unknown apiVersion and says which versions exist", () => {
    const hpa: Record<string, any> = fixtures.horizontalPodAutoscaler();
    hpa.apiVersion = "autoscaling/v2beta2";
    expect(validateObject(hpa)).toEqual([
      {
        object: "HorizontalPodAutoscaler/web (namespace shop)",
        path: "apiVersion",
        message:
          'no matches for kind "HorizontalPodAutoscaler" in version "autoscaling/v2beta2": Kubernetes 1.35 serves HorizontalPodAutoscaler as autoscaling/v1, autoscaling/v2',
        rule: "unknown-kind",
      },
    ]);
  });

  it("reports an unknown kind, and missing apiVersion or kind", () => {
    const issues = validateManifests([
      { apiVersion: "v1", kind: "Deploymnet", metadata: { name: "web" } },
      { kind: "ConfigMap", metadata: { name: "web" } },
      { apiVersion: "v1" },
    ]);
    expect(issues).toEqual([
      expect.objectContaining({ object: "Deploymnet/web", path: "apiVersion", rule: "unknown-kind" }),
      { object: "ConfigMap/web", path: "apiVersion", message: "Required value", rule: "required" },
      { object: "#2", path: "kind", message: "Required value", rule: "required" },
    ]);
    expect(issues[0]?.message).toContain('Kubernetes 1.35 has no kind "Deploymnet"');
  });

  it("finds definitions by apiVersion and kind", () => {
    expect(findDefinition("apps/v1", "Deployment")).toEqual({
      definition: "io.k8s.api.apps.v1.Deployment",
      group: "apps",
      version: "v1",
      kind: "Deployment",
      apiVersion: "apps/v1",
      hasObjectMeta: true,
    });
    expect(findDefinition("apps/v1", "DeploymentList")?.hasObjectMeta).toBe(false);
    expect(findDefinition("v1", "Service")?.definition).toBe("io.k8s.api.core.v1.Service");
    expect(findDefinition("extensions/v1beta1", "Ingress")).toBeUndefined();
    expect(knownApiVersions("Ingress")).toEqual(["networking.k8s.io/v1"]);
  });
});

describe("robustness", () => {
  it("turns non-objects into issues and names unnamed objects by position", () => {
    expect(validateManifests([null, "x", [], { apiVersion: "v1", kind: "ConfigMap", metadata: {} }])).toEqual(
      [
        {
          object: "#0",
          path: "",
          message: "Invalid value: null: expected a Kubernetes object, got null",
          rule: "type",
        },
        expect.objectContaining({ object: "#1", path: "", rule: "type" }),
        expect.objectContaining({ object: "#2", path: "", rule: "type" }),
        {
          object: "#3 (ConfigMap)",
          path: "metadata.name",
          message: "Required value: name or generateName is required",
          rule: "required",
        },
      ],
    );
  });

  it("reports data no JSON document can hold instead of throwing", () => {
    const cyclic: Record<string, any> = fixtures.configMap();
    cyclic.data = { self: cyclic };
    const withBigInt: Record<string, any> = fixtures.service();
    withBigInt.spec.ports.push({ name: "big", port: 10n });
    const withGetter: Record<string, any> = fixtures.service();
    Object.defineProperty(withGetter.spec, "type", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    expect(validateManifests([cyclic, withBigInt, withGetter])).toEqual([
      expect.objectContaining({
        object: "ConfigMap/web-config (namespace shop)",
        path: "data.self",
        rule: "type",
      }),
      expect.objectContaining({
        object: "Service/web (namespace shop)",
        path: "spec.ports[2].port",
        rule: "type",
      }),
      { object: "#2", path: "", message: "Invalid value: not plain JSON data (boom)", rule: "type" },
    ]);
  });

  it("validates a lone object passed where a list is expected", () => {
    expect(validateManifests(fixtures.namespace() as never)).toEqual([]);
    expect(validateManifests(undefined as never)).toEqual([
      expect.objectContaining({ object: "#0", path: "", rule: "type" }),
    ]);
  });

  it("never throws, whatever it is given", () => {
    fc.assert(
      fc.property(fc.array(fc.anything()), (objects) => {
        expect(Array.isArray(validateManifests(objects))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on valid objects with random values in random places", () => {
    const anyPath = fc.array(
      fc.oneof(fc.constantFrom("spec", "template", "metadata", "containers", "ports", "labels"), fc.nat(2)),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...fixtures.everyKind()), anyPath, fc.anything(), (object, path, value) => {
        const copy: Record<string, any> = structuredClone(object);
        let node: any = copy;
        for (const key of path.slice(0, -1))
          node = typeof node === "object" && node !== null ? node[key] : undefined;
        if (typeof node === "object" && node !== null && path.length > 0) node[path.at(-1)!] = value;
        expect(Array.isArray(validateObject(copy))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
