// A revision's entry says what changed in plain words, from the manifests the default pack renders; env values never.
import { describe, expect, it } from "vitest";
import { createRenderer, type KubernetesObject } from "@babyhelm/manifest-sdk";
import { packs } from "@babyhelm/template-pack-default";
import { summarizeRevision } from "../../src/applications/revision-summary.js";

const renderer = createRenderer({ packs });
const base = {
  name: "web",
  image: "nginx:1.27",
  replicas: 2,
  ports: [{ port: 8080 }],
  env: [
    { name: "MODE", value: "production" },
    { name: "OLD", value: "x" },
  ],
};

function render(spec: Record<string, unknown>): KubernetesObject[] {
  return renderer.renderApplication({ ...base, ...spec });
}

describe("summarizeRevision", () => {
  it("says the image tag, replicas and env names that changed, never an env value", () => {
    const summary = summarizeRevision(
      render({}),
      render({
        image: "nginx:1.28",
        replicas: 3,
        env: [
          { name: "MODE", value: "s3cr3t-staging" },
          { name: "NEW", value: "y" },
        ],
      }),
    );
    expect(summary).toEqual([
      "image nginx:1.27 → 1.28",
      "replicas 2 → 3",
      "env MODE changed",
      "env NEW added",
      "env OLD removed",
    ]);
    expect(JSON.stringify(summary)).not.toContain("s3cr3t");
  });

  it("names another repository whole, and says resources, autoscaling and Ingress changes", () => {
    expect(summarizeRevision(render({}), render({ image: "ghcr.io/acme/web:2" }))).toEqual([
      "image nginx:1.27 → ghcr.io/acme/web:2",
    ]);
    const small = render({ resources: { requests: { cpu: "100m", memory: "128Mi" } } });
    expect(
      summarizeRevision(
        small,
        render({ resources: { requests: { cpu: "250m", memory: "128Mi" }, limits: { cpu: "1" } } }),
      ),
    ).toEqual(["CPU request 100m → 250m", "CPU limit set to 1"]);
    const scaled = render({ replicas: undefined, autoscaling: { min: 2, max: 5 } });
    expect(summarizeRevision(render({}), scaled)).toContain("autoscaling on (2–5 replicas)");
    expect(
      summarizeRevision(scaled, render({ replicas: undefined, autoscaling: { min: 3, max: 5 } })),
    ).toContain("autoscaling 2–5 → 3–5 replicas");
    expect(summarizeRevision(scaled, render({}))).toContain("autoscaling off");
    const routed = render({ ingress: { host: "shop.example.com" } });
    expect(summarizeRevision(render({}), routed)).toEqual(["Ingress added (shop.example.com)"]);
    expect(summarizeRevision(routed, render({ ingress: { host: "www.example.com" } }))).toEqual([
      "Ingress host shop.example.com → www.example.com",
    ]);
  });

  it("describes the first revision, and says nothing for no change", () => {
    expect(summarizeRevision(undefined, render({}))).toEqual(["image nginx:1.27", "2 replicas"]);
    expect(summarizeRevision(render({}), render({}))).toEqual([]);
  });

  it("reports a change no sentence covers as other settings of the object, not as a field path", () => {
    const before = render({});
    const after = structuredClone(before);
    const deployment = after.find((object) => object.kind === "Deployment") as unknown as {
      spec: { revisionHistoryLimit: number };
    };
    deployment.spec.revisionHistoryLimit = 9;
    expect(summarizeRevision(before, after)).toEqual(["other settings of Deployment web changed"]);
  });
});
