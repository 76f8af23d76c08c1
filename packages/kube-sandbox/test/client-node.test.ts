// The sandbox through @kubernetes/client-node 1.4, the way BabyHelm's server talks to a cluster.
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  KubernetesObjectApi,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type V1Deployment,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../src/index.js";
import { deployment, testSandbox, uniqueName, waitFor } from "./helpers.js";

let sandbox: Sandbox;
let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;

beforeAll(async () => {
  sandbox = await testSandbox();
  kc = new KubeConfig();
  kc.loadFromString(sandbox.kubeconfigYaml);
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
});

afterAll(async () => {
  await sandbox.stop();
});

async function newNamespace(): Promise<string> {
  const name = uniqueName("cn");
  await core.createNamespace({ body: { metadata: { name } } });
  return name;
}

async function retryOnConflict<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof ApiException) || error.code !== 409 || attempt > 10) throw error;
    }
  }
}

function statusOf(error: unknown): { code: number; status: any } {
  expect(error).toBeInstanceOf(ApiException);
  const exception = error as ApiException<string>;
  return { code: exception.code, status: JSON.parse(exception.body) };
}

describe("client-node typed APIs", () => {
  it("creates, reads, lists, replaces, patches and deletes deployments", async () => {
    const namespace = await newNamespace();
    const created = await apps.createNamespacedDeployment({ namespace, body: deployment("web") });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.metadata?.generation).toBe(1);

    const read = await apps.readNamespacedDeployment({ name: "web", namespace });
    expect(read.spec?.template.spec?.containers[0]?.image).toBe("nginx:1.27");

    const list = await apps.listNamespacedDeployment({ namespace, labelSelector: "app=web" });
    expect(list.items.map((item) => item.metadata?.name)).toEqual(["web"]);
    expect(list.metadata?.resourceVersion).toBeTruthy();

    // The simulated controller writes the status meanwhile: read-modify-write retries on 409 like real clients.
    const replaced = await retryOnConflict(async () => {
      const latest = await apps.readNamespacedDeployment({ name: "web", namespace });
      latest.spec!.replicas = 4;
      return apps.replaceNamespacedDeployment({ name: "web", namespace, body: latest });
    });
    expect(replaced.spec?.replicas).toBe(4);
    expect(replaced.metadata?.generation).toBe(2);

    const patched = await apps.patchNamespacedDeployment(
      { name: "web", namespace, body: { metadata: { labels: { tier: "front" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(patched.metadata?.labels).toEqual({ app: "web", tier: "front" });

    await apps.deleteNamespacedDeployment({ name: "web", namespace });
    await expect(apps.readNamespacedDeployment({ name: "web", namespace })).rejects.toThrow(ApiException);
  });

  it("reports errors as ApiException with the Status in the body", async () => {
    const namespace = await newNamespace();
    try {
      await apps.readNamespacedDeployment({ name: "missing", namespace });
      expect.unreachable();
    } catch (error) {
      const { code, status } = statusOf(error);
      expect(code).toBe(404);
      expect(status).toMatchObject({
        kind: "Status",
        status: "Failure",
        reason: "NotFound",
        message: 'deployments.apps "missing" not found',
        details: { name: "missing", group: "apps", kind: "deployments" },
        code: 404,
      });
    }
    await apps.createNamespacedDeployment({ namespace, body: deployment("dup") });
    const duplicate = await apps
      .createNamespacedDeployment({ namespace, body: deployment("dup") })
      .catch((error: unknown) => error);
    expect(statusOf(duplicate)).toMatchObject({ code: 409, status: { reason: "AlreadyExists" } });
  });

  it("creates and lists services and config maps", async () => {
    const namespace = await newNamespace();
    await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: "web" },
        spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    });
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: "settings" }, data: { a: "1" } },
    });
    const services = await core.listNamespacedService({ namespace });
    expect(services.items.map((item) => item.metadata?.name)).toEqual(["web"]);
    const configMap = await core.readNamespacedConfigMap({ name: "settings", namespace });
    expect(configMap.data).toEqual({ a: "1" });
  });

  it("lists a service's EndpointSlices by the kubernetes.io/service-name label, as kubectl describe does", async () => {
    const namespace = await newNamespace();
    await apps.createNamespacedDeployment({ namespace, body: deployment("web", { replicas: 2 }) });
    await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: "web" },
        spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 80 }] },
      },
    });
    const discovery = kc.makeApiClient(DiscoveryV1Api);
    const slices = await waitFor(async () => {
      const list = await discovery.listNamespacedEndpointSlice({
        namespace,
        labelSelector: "kubernetes.io/service-name=web",
      });
      const ready = list.items
        .flatMap((slice) => slice.endpoints)
        .filter((endpoint) => endpoint.conditions?.ready);
      return ready.length === 2 ? list.items : undefined;
    });
    expect(slices).toHaveLength(1);
    expect(slices[0]).toMatchObject({ addressType: "IPv4", ports: [{ port: 80, protocol: "TCP" }] });
    expect(slices[0]!.endpoints.map((endpoint) => endpoint.targetRef?.kind)).toEqual(["Pod", "Pod"]);
    expect(slices[0]!.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "Service", name: "web" });
  });
});

describe("KubernetesObjectApi server-side apply", () => {
  it("applies, reapplies without change, and reports conflicts", async () => {
    const namespace = await newNamespace();
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const spec: V1Deployment = {
      ...deployment("api", { replicas: 2 }),
      metadata: { name: "api", namespace, labels: { app: "api" } },
    };
    const first = await objects.patch(
      spec,
      undefined,
      undefined,
      "babyhelm",
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(first.metadata?.managedFields?.[0]).toMatchObject({ manager: "babyhelm", operation: "Apply" });
    const again = await objects.patch(
      spec,
      undefined,
      undefined,
      "babyhelm",
      true,
      PatchStrategy.ServerSideApply,
    );
    // Nothing changed: same generation, and the manager's timestamp is kept.
    expect(again.metadata?.generation).toBe(first.metadata?.generation);
    expect(again.metadata?.managedFields).toEqual(first.metadata?.managedFields);

    const other: V1Deployment = { ...deployment("api", { replicas: 5 }), metadata: spec.metadata };
    const conflict = await objects
      .patch(other, undefined, undefined, "someone-else", false, PatchStrategy.ServerSideApply)
      .catch((error: unknown) => error);
    expect(statusOf(conflict)).toMatchObject({
      code: 409,
      status: {
        reason: "Conflict",
        message: 'Apply failed with 1 conflict: conflict with "babyhelm" using apps/v1: .spec.replicas',
      },
    });
    const dryRun = await objects.patch(
      spec,
      undefined,
      "All",
      "babyhelm",
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(dryRun.metadata?.name).toBe("api");
  });
});

describe("client-node Watch", () => {
  it("streams ADDED, MODIFIED and DELETED events", async () => {
    const namespace = await newNamespace();
    const events: string[] = [];
    const watch = new Watch(kc);
    const controller = await watch.watch(
      `/apis/apps/v1/namespaces/${namespace}/deployments`,
      {},
      (phase, object: V1Deployment) => events.push(`${phase} ${object.metadata?.name ?? ""}`),
      () => undefined,
    );
    await apps.createNamespacedDeployment({ namespace, body: deployment("w") });
    await apps.patchNamespacedDeployment(
      { name: "w", namespace, body: { spec: { replicas: 3 } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    await apps.deleteNamespacedDeployment({ name: "w", namespace });
    await waitFor(() => events.includes("DELETED w") || undefined);
    controller.abort();
    expect(events[0]).toBe("ADDED w");
    expect(events).toContain("MODIFIED w");
  });
});

describe("client-node informer", () => {
  it("lists, then follows changes through its watch", async () => {
    const namespace = await newNamespace();
    await apps.createNamespacedDeployment({ namespace, body: deployment("before") });
    const path = `/apis/apps/v1/namespaces/${namespace}/deployments`;
    const informer = makeInformer(kc, path, () => apps.listNamespacedDeployment({ namespace }));
    const added: string[] = [];
    informer.on("add", (object) => added.push(object.metadata?.name ?? ""));
    await informer.start();
    try {
      await apps.createNamespacedDeployment({ namespace, body: deployment("after") });
      await waitFor(() => (added.includes("after") ? true : undefined));
      expect(added).toContain("before");
      expect(
        informer
          .list()
          .map((object) => object.metadata?.name)
          .sort(),
      ).toEqual(["after", "before"]);
    } finally {
      await informer.stop();
    }
  });
});
