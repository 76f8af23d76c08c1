import { describe, expect, it } from "vitest";
import { createRenderer, diffManifests, formatDiff, type KubernetesObject } from "../src/index.js";
import { packs } from "./fixtures/test-pack.js";

const deployment = (image: string, extra: Record<string, unknown> = {}): KubernetesObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "team" },
  spec: { template: { spec: { containers: [{ name: "web", image }] } }, ...extra },
});
const service: KubernetesObject = { apiVersion: "v1", kind: "Service", metadata: { name: "web" } };
const hpa: KubernetesObject = {
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: { name: "web" },
};

describe("diffManifests", () => {
  it("reports leaf-level field changes, additions and removals", () => {
    const changes = diffManifests(
      [deployment("nginx:1", { replicas: 1 }), service],
      [deployment("nginx:2", { strategy: { type: "Recreate" } }), hpa],
    );
    expect(changes).toEqual([
      {
        object: "Deployment/web",
        apiVersion: "apps/v1",
        namespace: "team",
        change: "changed",
        fields: [
          { path: "spec.template.spec.containers[0].image", before: "nginx:1", after: "nginx:2" },
          { path: "spec.replicas", before: 1 },
          { path: "spec.strategy", after: { type: "Recreate" } },
        ],
      },
      { object: "Service/web", apiVersion: "v1", change: "removed" },
      { object: "HorizontalPodAutoscaler/web", apiVersion: "autoscaling/v2", change: "added" },
    ]);
    expect(formatDiff(changes)).toBe(
      [
        "~ Deployment/web (namespace team) changed",
        '    ~ spec.template.spec.containers[0].image: "nginx:1" -> "nginx:2"',
        "    - spec.replicas: 1",
        '    + spec.strategy: {"type":"Recreate"}',
        "- Service/web removed",
        "+ HorizontalPodAutoscaler/web added",
        "",
      ].join("\n"),
    );
  });

  it("omits unchanged objects and matches by apiVersion too", () => {
    expect(diffManifests([service], [structuredClone(service)])).toEqual([]);
    expect(formatDiff([])).toBe("No changes.\n");
    const moved = { ...hpa, apiVersion: "autoscaling/v1" };
    expect(diffManifests([hpa], [moved]).map((change) => change.change)).toEqual(["removed", "added"]);
  });

  it("indexes array growth and type changes", () => {
    const before = { ...service, spec: { ports: [{ port: 80 }], selector: "x" } };
    const after = { ...service, spec: { ports: [{ port: 80 }, { port: 443 }], selector: { app: "web" } } };
    expect(diffManifests([before], [after])[0]?.fields).toEqual([
      { path: "spec.ports[1]", after: { port: 443 } },
      { path: "spec.selector", before: "x", after: { app: "web" } },
    ]);
  });

  it("shows what moving an app between pack versions changes", () => {
    const renderer = createRenderer({ packs });
    const spec = { name: "web", image: "nginx", ports: [{ containerPort: 80 }] };
    const changes = diffManifests(
      renderer.renderApplication(spec, { pack: "testpack@1.0.0" }),
      renderer.renderApplication(spec, { pack: "testpack@2" }),
    );
    expect(changes).toEqual([
      {
        object: "Deployment/web",
        apiVersion: "apps/v1",
        namespace: "default",
        change: "changed",
        fields: [
          {
            path: 'metadata.annotations["babyhelm.io/pack"]',
            before: "testpack@1.0.0",
            after: "testpack@2.0.0",
          },
        ],
      },
    ]);
  });
});
