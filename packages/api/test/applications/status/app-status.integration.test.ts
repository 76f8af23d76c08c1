// readAppStatus against the kube-sandbox, on apps rendered by the real packs: ready, failed, drifted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "@babyhelm/kube-sandbox";
import { createRenderer, type KubernetesObject } from "@babyhelm/manifest-sdk";
import { packs } from "@babyhelm/template-pack-default";
import { readAppStatus, type AppState, type AppStatus } from "../../../src/applications/status/app-status.js";
import type { Cluster } from "../../../src/cluster/cluster.js";
import { withOwnerLabels } from "../../../src/cluster/owned-labels.js";
import { newNamespace, sandboxCluster, waitFor } from "../../cluster/helpers.js";

let sandbox: Sandbox;
let cluster: Cluster;
const renderer = createRenderer({ packs });

beforeAll(async () => {
  ({ sandbox, cluster } = await sandboxCluster());
});

afterAll(async () => {
  await sandbox.stop();
});

async function deployWeb(image: string, pack?: string): Promise<KubernetesObject[]> {
  const namespace = await newNamespace(cluster, "app");
  const spec =
    pack === "classic"
      ? { name: "web", image, ports: { port: 80, targetPort: 80 } }
      : { name: "web", image, ports: [{ port: 80 }] };
  const expected = withOwnerLabels(renderer.renderApplication(spec, pack === undefined ? {} : { pack }), {
    namespace,
    project: namespace,
    app: "web",
  });
  await cluster.apply(expected);
  return expected;
}

/** Polls readAppStatus until the app reaches `state`; returns that status and every state seen on the way. */
async function reach(
  expected: readonly KubernetesObject[],
  state: AppState,
): Promise<{ status: AppStatus; seen: AppState[] }> {
  const seen: AppState[] = [];
  const status = await waitFor(
    async () => {
      const current = await readAppStatus(cluster, expected);
      if (seen.at(-1) !== current.state) seen.push(current.state);
      return current.state === state ? current : undefined;
    },
    { what: `state ${state}`, timeoutMs: 15_000 },
  );
  return { status, seen };
}

describe("readAppStatus", () => {
  it("follows a default-pack app from deploying to ready, with no drift from server defaults", async () => {
    const expected = await deployWeb("nginx:1.27");
    const first = await readAppStatus(cluster, expected);
    expect(first.state).not.toBe("failed");
    const { status, seen } = await reach(expected, "ready");
    expect(seen.every((state) => state === "deploying" || state === "ready")).toBe(true);
    expect(status).toMatchObject({
      message: "1/1 replicas ready",
      replicas: { desired: 1, updated: 1, ready: 1, available: 1 },
      progress: { done: 1, total: 1 },
      drift: { missing: [], changed: [] },
    });
    expect(status.pods).toHaveLength(1);
    expect(status.pods[0]).toMatchObject({ phase: "Running", ready: true, restarts: 0 });
    expect(status.conditions.map((condition) => condition.type).sort()).toEqual(["Available", "Progressing"]);
    expect(status.events.map((event) => event.object)).toContain("Deployment/web");
    expect(
      status.events.some((event) => event.object.startsWith("Pod/web-") && event.reason === "Started"),
    ).toBe(true);
  });

  it("reads a classic-pack app (HPA, `app` selector, empty env list) as ready without drift", async () => {
    const expected = await deployWeb("nginx:1.27", "classic");
    expect(expected.map((object) => object.kind)).toEqual([
      "Deployment",
      "Service",
      "HorizontalPodAutoscaler",
    ]);
    const { status } = await reach(expected, "ready");
    expect(status).toMatchObject({ message: "2/2 replicas ready", drift: { missing: [], changed: [] } });
    expect(status.pods).toHaveLength(2);
  });

  it("reports an image that cannot be pulled as failed, with the registry's reason", async () => {
    const expected = await deployWeb("invalid.example/nope:1");
    const { status } = await reach(expected, "failed");
    expect(status.message).toMatch(/^Image "invalid\.example\/nope:1" cannot be pulled: .*not found/);
    expect(status.pods[0]).toMatchObject({ ready: false, phase: "Pending" });
    expect(["ErrImagePull", "ImagePullBackOff"]).toContain(status.pods[0]!.waitingReason);
    expect(status.progress).toEqual({ done: 0, total: 1 });
    expect(status.events.some((event) => event.type === "Warning" && event.reason === "Failed")).toBe(true);
  });

  it("reports a Service deleted out of band as drift, and a redeploy repairs it", async () => {
    const expected = await deployWeb("nginx:1.27");
    await reach(expected, "ready");
    const namespace = expected[0]!.metadata.namespace!;
    await cluster.delete({ apiVersion: "v1", kind: "Service", name: "web", namespace });
    const { status } = await reach(expected, "drifted");
    expect(status.drift).toEqual({
      missing: [{ apiVersion: "v1", kind: "Service", name: "web", namespace }],
      changed: [],
    });
    expect(status.message).toBe('Service "web" was deleted outside BabyHelm: redeploy to repair');
    await cluster.apply(expected);
    await reach(expected, "ready");
  });

  it("reports an image changed out of band as drift on that field", async () => {
    const expected = await deployWeb("nginx:1.27");
    await reach(expected, "ready");
    const namespace = expected[0]!.metadata.namespace!;
    await cluster.patch(
      { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace },
      { spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.28" }] } } } },
      { fieldManager: "kubectl-edit" },
    );
    const { status } = await reach(expected, "drifted");
    expect(status.drift.changed).toEqual([
      {
        ref: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace },
        fields: ["spec.template.spec.containers[0].image"],
      },
    ]);
    expect(status.message).toBe(
      'Deployment "web" was changed outside BabyHelm (spec.template.spec.containers[0].image): redeploy to restore it',
    );
  });

  it("does not count a restart as drift", async () => {
    const expected = await deployWeb("nginx:1.27");
    await reach(expected, "ready");
    const namespace = expected[0]!.metadata.namespace!;
    await cluster.patch(
      { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace },
      {
        spec: {
          template: {
            metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": new Date().toISOString() } },
          },
        },
      },
      { fieldManager: "babyhelm" },
    );
    const { status } = await reach(expected, "ready");
    expect(status.drift).toEqual({ missing: [], changed: [] });
  });
});
