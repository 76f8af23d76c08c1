// default@2 project: a Namespace with quota, default limits and ingress isolation, each tunable or switched off.
import { describe, expect, it } from "vitest";
import { defaultPack } from "../src/index.js";
import { expectRejected, objectOf, renderValid } from "./helpers/renderer.js";

const PACK = "default@2";
const project = (spec: Record<string, unknown>) => renderValid(PACK, "project", { name: "shop", ...spec });
const rejected = (spec: Record<string, unknown>, path: string, messagePart?: string) => {
  expectRejected(PACK, "project", { name: "shop", ...spec }, path, messagePart);
};

describe("default@2 project: defaults", () => {
  const objects = project({});

  it("renders the namespace and its three guards, the guards inside the namespace", () => {
    expect(objects.map((object) => object.kind)).toEqual([
      "Namespace",
      "ResourceQuota",
      "LimitRange",
      "NetworkPolicy",
    ]);
    for (const object of objects.slice(1)) expect(object.metadata.namespace).toBe("shop");
  });

  it("enforces the baseline pod security level and warns about restricted", () => {
    expect(objectOf(objects, "Namespace").metadata.labels).toEqual({
      "app.kubernetes.io/managed-by": "babyhelm",
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/warn": "restricted",
    });
  });

  it("caps requests, memory limits, pods and services", () => {
    expect(objectOf(objects, "ResourceQuota").spec.hard).toEqual({
      "requests.cpu": "4",
      "requests.memory": "8Gi",
      "limits.memory": "16Gi",
      pods: "50",
      services: "20",
    });
  });

  it("gives containers the same defaults as default@2 apps", () => {
    expect(objectOf(objects, "LimitRange").spec.limits).toEqual([
      { type: "Container", defaultRequest: { cpu: "100m", memory: "128Mi" }, default: { memory: "256Mi" } },
    ]);
  });

  it("lets in traffic from the namespace itself and from the ingress controller's namespace only", () => {
    expect(objectOf(objects, "NetworkPolicy").spec).toEqual({
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [
        { from: [{ podSelector: {} }] },
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }],
        },
      ],
    });
  });
});

describe("default@2 project: options", () => {
  it("switches each guard off on its own", () => {
    const kinds = (spec: Record<string, unknown>) => project(spec).map((object) => object.kind);
    expect(kinds({ quota: { enabled: false } })).toEqual(["Namespace", "LimitRange", "NetworkPolicy"]);
    expect(kinds({ limits: { enabled: false } })).toEqual(["Namespace", "ResourceQuota", "NetworkPolicy"]);
    expect(kinds({ networkPolicy: { enabled: false } })).toEqual([
      "Namespace",
      "ResourceQuota",
      "LimitRange",
    ]);
    expect(
      kinds({ quota: { enabled: false }, limits: { enabled: false }, networkPolicy: { enabled: false } }),
    ).toEqual(["Namespace"]);
  });

  it("tunes the quota, including a CPU limit total when containers get a default CPU limit", () => {
    const quota = objectOf(
      project({
        quota: { requests: { cpu: "8" }, limits: { cpu: "16", memory: "32Gi" }, pods: 10, services: 0 },
        limits: { default: { cpu: "1" } },
      }),
      "ResourceQuota",
    );
    expect(quota.spec.hard).toEqual({
      "requests.cpu": "8",
      "requests.memory": "8Gi",
      "limits.cpu": "16",
      "limits.memory": "32Gi",
      pods: "10",
      services: "0",
    });
  });

  it("tunes default requests, default limits and maxima", () => {
    const limitRange = objectOf(
      project({
        limits: {
          defaultRequest: { cpu: "50m" },
          default: { cpu: "500m", memory: "1Gi" },
          max: { memory: "4Gi" },
        },
      }),
      "LimitRange",
    );
    expect(limitRange.spec.limits).toEqual([
      {
        type: "Container",
        defaultRequest: { cpu: "50m", memory: "128Mi" },
        default: { cpu: "500m", memory: "1Gi" },
        max: { memory: "4Gi" },
      },
    ]);
  });

  it("lets in the namespaces the selector picks", () => {
    const selector = { "kubernetes.io/metadata.name": "traefik", "example.com/team": "edge" };
    const policy = objectOf(
      project({ networkPolicy: { ingressNamespaceSelector: selector } }),
      "NetworkPolicy",
    );
    expect(policy.spec.ingress[1]).toEqual({ from: [{ namespaceSelector: { matchLabels: selector } }] });
  });

  it("sets the pod security level", () => {
    const labels = objectOf(project({ podSecurity: "restricted" }), "Namespace").metadata.labels;
    expect(labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });
});

describe("default@2 project: refusals", () => {
  it("refuses names Kubernetes or the cluster would refuse", () => {
    for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
      expectRejected(PACK, "project", { name }, "name", "cluster's own namespaces");
    }
    expectRejected(PACK, "project", { name: "My_Project" }, "name", "lowercase DNS label");
    expectRejected(PACK, "project", { name: "a".repeat(64) }, "name", "at most 63");
    expectRejected(PACK, "project", {}, "name", "name is required");
  });

  it("refuses limits the API server would refuse", () => {
    rejected(
      { limits: { defaultRequest: { memory: "1Gi" } } },
      "limits.defaultRequest.memory",
      "must not exceed limits.default.memory (256Mi)",
    );
    rejected(
      { limits: { default: { cpu: "2" }, max: { cpu: "1" } } },
      "limits.default.cpu",
      "must not exceed limits.max.cpu (1)",
    );
    rejected({ limits: { max: { memory: "64Mi" } } }, "limits.defaultRequest.memory", "limits.max.memory");
  });

  it("refuses a CPU-limit quota that pods without a CPU limit could not meet", () => {
    rejected({ quota: { limits: { cpu: "8" } } }, "quota.limits.cpu", "limits.default.cpu");
    rejected(
      { quota: { limits: { cpu: "8" } }, limits: { enabled: false, default: { cpu: "1" } } },
      "quota.limits.cpu",
    );
  });

  it("names bad options", () => {
    rejected({ quota: { pods: -1 } }, "quota.pods", "quota.pods must be an integer");
    rejected({ quota: { enabled: "no" } }, "quota.enabled", "true or false");
    rejected({ quota: { requests: { cpu: "four" } } }, "quota.requests.cpu", "quantity");
    rejected(
      { networkPolicy: { ingressNamespaceSelector: {} } },
      "networkPolicy.ingressNamespaceSelector",
      "at least one label",
    );
    rejected(
      { networkPolicy: { ingressNamespaceSelector: { team: "a b" } } },
      "networkPolicy.ingressNamespaceSelector.team",
      "label value",
    );
    rejected({ podSecurity: "strict" }, "podSecurity", "privileged, baseline or restricted");
    rejected({ namespace: "x" }, "namespace", "unknown field");
  });

  it("publishes a JSON Schema with the defaults", () => {
    const schema = defaultPack.jsonSchema("project") as any;
    expect(schema.required).toEqual(["name"]);
    expect(schema.properties.quota.properties.pods.default).toBe(50);
    expect(schema.properties.networkPolicy.properties.ingressNamespaceSelector.default).toEqual({
      "kubernetes.io/metadata.name": "ingress-nginx",
    });
  });
});

describe("default@2.1 project: storage in the quota", () => {
  const hard = (quota: Record<string, unknown>): unknown =>
    objectOf(renderValid("default@2.1", "project", { name: "shop", quota }), "ResourceQuota").spec.hard;

  it("caps the claims' total size and count when asked, and leaves 2.0's quota as it was otherwise", () => {
    expect(hard({ storage: "100Gi", persistentVolumeClaims: 10 })).toMatchObject({
      "requests.storage": "100Gi",
      persistentvolumeclaims: "10",
    });
    expect(hard({})).not.toHaveProperty("requests.storage");
    expect(hard({})).toEqual(
      objectOf(renderValid("default@2.0", "project", { name: "shop" }), "ResourceQuota").spec.hard,
    );
  });

  it("refuses bad values, and the storage fields in default@2.0", () => {
    expectRejected("default@2.1", "project", { name: "shop", quota: { storage: "a lot" } }, "quota.storage");
    expectRejected(
      "default@2.1",
      "project",
      { name: "shop", quota: { persistentVolumeClaims: -1 } },
      "quota.persistentVolumeClaims",
      "an integer from 0 to 100000",
    );
    expectRejected(
      "default@2.0",
      "project",
      { name: "shop", quota: { storage: "1Gi" } },
      "quota.storage",
      "unknown field",
    );
  });
});
