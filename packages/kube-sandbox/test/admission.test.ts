// Admission through the HTTP API and the simulated ReplicaSet controller: LimitRanger's defaults and bounds,
// ResourceQuota's refusals with the API server's own messages, the quota controller's status, and a rollout that
// a quota stops (FailedCreate Events, ReplicaFailure) and that finishes once the quota is raised.
import { describe, expect, it } from "vitest";
import { client, fileSandboxApi, testSandbox, uniqueName, waitFor, type ApiResponse } from "./helpers.js";

const api = fileSandboxApi();

async function namespace(prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  const created = await api("/api/v1/namespaces", { method: "POST", body: { metadata: { name } } });
  expect(created.status).toBe(201);
  return name;
}

async function create(path: string, body: unknown): Promise<ApiResponse> {
  return api(path, { method: "POST", body });
}

function pod(name: string, resources: Record<string, unknown> = {}, container = "web") {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: { containers: [{ name: container, image: "nginx:1.27", resources }] },
  };
}

function quota(name: string, hard: Record<string, string>) {
  return { apiVersion: "v1", kind: "ResourceQuota", metadata: { name }, spec: { hard } };
}

function limitRange(limits: Record<string, unknown>) {
  return {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: { name: "limits" },
    spec: { limits: [{ type: "Container", ...limits }] },
  };
}

function deploymentOf(name: string, replicas: number, cpu: string) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "web", image: "nginx:1.27", resources: { requests: { cpu } } }] },
      },
    },
  };
}

describe("LimitRanger", () => {
  it("fills missing requests and limits from the LimitRange and says so in an annotation", async () => {
    const ns = await namespace("limits");
    await create(
      `/api/v1/namespaces/${ns}/limitranges`,
      limitRange({
        defaultRequest: { cpu: "100m", memory: "128Mi" },
        default: { memory: "256Mi" },
      }),
    );
    const created = await create(`/api/v1/namespaces/${ns}/pods`, pod("p", { requests: { cpu: "250m" } }));
    expect(created.status).toBe(201);
    expect(created.body.spec.containers[0].resources).toEqual({
      requests: { cpu: "250m", memory: "128Mi" },
      limits: { memory: "256Mi" },
    });
    expect(created.body.metadata.annotations["kubernetes.io/limit-ranger"]).toBe(
      "LimitRanger plugin set: memory request for container web; memory limit for container web",
    );
  });

  it("refuses a container above max or below min with the plugin's messages", async () => {
    const ns = await namespace("limits");
    await create(
      `/api/v1/namespaces/${ns}/limitranges`,
      limitRange({ max: { cpu: "2" }, min: { cpu: "100m" } }),
    );
    const over = await create(`/api/v1/namespaces/${ns}/pods`, pod("x", { limits: { cpu: "4" } }));
    expect(over.status).toBe(403);
    expect(over.body.reason).toBe("Forbidden");
    expect(over.body.message).toBe(
      'pods "x" is forbidden: maximum cpu usage per Container is 2, but limit is 4',
    );
    const under = await create(
      `/api/v1/namespaces/${ns}/pods`,
      pod("y", { requests: { cpu: "50m" }, limits: { cpu: "1" } }),
    );
    expect(under.body.message).toBe(
      'pods "y" is forbidden: minimum cpu usage per Container is 100m, but request is 50m',
    );
    // max defaults the limit (and so the request) when the pod has none.
    const defaulted = await create(`/api/v1/namespaces/${ns}/pods`, pod("z"));
    expect(defaulted.status).toBe(201);
    expect(defaulted.body.spec.containers[0].resources).toEqual({
      limits: { cpu: "2" },
      requests: { cpu: "2" },
    });
  });
});

describe("ResourceQuota", () => {
  it("refuses pods over a compute quota with 403 and the exact message", async () => {
    const ns = await namespace("quota");
    await create(
      `/api/v1/namespaces/${ns}/resourcequotas`,
      quota("compute", { "requests.cpu": "1", pods: "5" }),
    );
    expect(
      (await create(`/api/v1/namespaces/${ns}/pods`, pod("a", { requests: { cpu: "600m" } }))).status,
    ).toBe(201);
    const refused = await create(`/api/v1/namespaces/${ns}/pods`, pod("b", { requests: { cpu: "500m" } }));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      kind: "Status",
      reason: "Forbidden",
      code: 403,
      details: { name: "b", kind: "pods" },
      message:
        'pods "b" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=600m, limited: requests.cpu=1',
    });
  });

  it("does not count the CPU of a pod that has finished", async () => {
    // Without the simulation: its kubelet would move the pod's phase on again.
    const bare = await testSandbox({ simulate: false });
    try {
      const bareApi = client(bare);
      const post = (path: string, body: unknown) => bareApi(path, { method: "POST", body });
      await post("/api/v1/namespaces/default/resourcequotas", quota("compute", { "requests.cpu": "1" }));
      expect(
        (await post("/api/v1/namespaces/default/pods", pod("a", { requests: { cpu: "600m" } }))).status,
      ).toBe(201);
      expect(
        (await post("/api/v1/namespaces/default/pods", pod("b", { requests: { cpu: "500m" } }))).status,
      ).toBe(403);
      const finished = await bareApi("/api/v1/namespaces/default/pods/a/status", {
        method: "PATCH",
        contentType: "application/merge-patch+json",
        body: { status: { phase: "Succeeded" } },
      });
      expect(finished.status).toBe(200);
      expect(
        (await post("/api/v1/namespaces/default/pods", pod("b", { requests: { cpu: "500m" } }))).status,
      ).toBe(201);
    } finally {
      await bare.stop();
    }
  });

  it("requires each container to state what the quota tracks", async () => {
    const ns = await namespace("quota");
    await create(
      `/api/v1/namespaces/${ns}/resourcequotas`,
      quota("compute", { "requests.cpu": "4", "limits.memory": "1Gi" }),
    );
    const refused = await create(`/api/v1/namespaces/${ns}/pods`, pod("x", { requests: { cpu: "100m" } }));
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe(
      'pods "x" is forbidden: failed quota: compute: must specify limits.memory for: web',
    );
  });

  it("counts objects (services, count/…) and keeps status.hard and status.used current", async () => {
    const ns = await namespace("quota");
    await create(
      `/api/v1/namespaces/${ns}/resourcequotas`,
      quota("objects", { services: "1", "count/configmaps": "1" }),
    );
    const service = (name: string) => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name },
      spec: { selector: { app: name }, ports: [{ port: 80 }] },
    });
    expect((await create(`/api/v1/namespaces/${ns}/services`, service("one"))).status).toBe(201);
    const second = await create(`/api/v1/namespaces/${ns}/services`, service("two"));
    expect(second.status).toBe(403);
    expect(second.body.message).toBe(
      'services "two" is forbidden: exceeded quota: objects, requested: services=1, used: services=1, limited: services=1',
    );
    const configMap = (name: string) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name },
      data: {},
    });
    expect((await create(`/api/v1/namespaces/${ns}/configmaps`, configMap("a"))).status).toBe(201);
    expect((await create(`/api/v1/namespaces/${ns}/configmaps`, configMap("b"))).body.message).toBe(
      'configmaps "b" is forbidden: exceeded quota: objects, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1',
    );
    const status = await waitFor(async () => {
      const read = await api(`/api/v1/namespaces/${ns}/resourcequotas/objects`);
      return read.body.status?.used?.services === "1" ? read.body.status : undefined;
    });
    expect(status).toEqual({
      hard: { services: "1", "count/configmaps": "1" },
      used: { services: "1", "count/configmaps": "1" },
    });
    await api(`/api/v1/namespaces/${ns}/services/one`, { method: "DELETE" });
    await waitFor(async () => {
      const read = await api(`/api/v1/namespaces/${ns}/resourcequotas/objects`);
      return read.body.status.used.services === "0" || undefined;
    });
  });
});

describe("a rollout stopped by a quota", () => {
  it("records FailedCreate, sets ReplicaFailure on the ReplicaSet and the Deployment, and finishes when the quota is raised", async () => {
    const ns = await namespace("rollout");
    await create(`/api/v1/namespaces/${ns}/resourcequotas`, quota("compute", { "requests.cpu": "2" }));
    expect(
      (await create(`/apis/apps/v1/namespaces/${ns}/deployments`, deploymentOf("web", 6, "500m"))).status,
    ).toBe(201);

    const deployment = await waitFor(async () => {
      const read = await api(`/apis/apps/v1/namespaces/${ns}/deployments/web`);
      const failure = read.body.status?.conditions?.find((c: any) => c.type === "ReplicaFailure");
      return failure && read.body.status.readyReplicas === 4 ? read.body : undefined;
    });
    const failure = deployment.status.conditions.find((c: any) => c.type === "ReplicaFailure");
    expect(failure).toMatchObject({ status: "True", reason: "FailedCreate" });
    expect(failure.message).toMatch(
      /^pods "web-[a-z0-9]{10}-[a-z0-9]{5}" is forbidden: exceeded quota: compute, requested: requests\.cpu=500m, used: requests\.cpu=2, limited: requests\.cpu=2$/,
    );
    const replicaSets = await api(`/apis/apps/v1/namespaces/${ns}/replicasets`);
    const rs = replicaSets.body.items[0];
    expect(rs.status.conditions).toEqual([
      expect.objectContaining({
        type: "ReplicaFailure",
        status: "True",
        reason: "FailedCreate",
        message: failure.message,
      }),
    ]);
    const events = await api(`/api/v1/namespaces/${ns}/events`);
    const failed = events.body.items.filter((event: any) => event.reason === "FailedCreate");
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]).toMatchObject({
      type: "Warning",
      involvedObject: { kind: "ReplicaSet", name: rs.metadata.name },
      source: { component: "replicaset-controller" },
    });
    expect(failed[0].message).toMatch(
      /^Error creating: pods "web-.*" is forbidden: exceeded quota: compute, /,
    );
    const used = await api(`/api/v1/namespaces/${ns}/resourcequotas/compute`);
    expect(used.body.status.used).toEqual({ "requests.cpu": "2" });

    await api(`/api/v1/namespaces/${ns}/resourcequotas/compute`, {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { spec: { hard: { "requests.cpu": "4" } } },
    });
    const done = await waitFor(async () => {
      const read = await api(`/apis/apps/v1/namespaces/${ns}/deployments/web`);
      return read.body.status?.readyReplicas === 6 ? read.body : undefined;
    }, 10_000);
    expect(done.status.conditions.map((c: any) => c.type)).not.toContain("ReplicaFailure");
    const after = await api(`/apis/apps/v1/namespaces/${ns}/replicasets/${rs.metadata.name}`);
    expect(after.body.status.conditions).toBeUndefined();
    await waitFor(async () => {
      const read = await api(`/api/v1/namespaces/${ns}/resourcequotas/compute`);
      return read.body.status.used["requests.cpu"] === "3" || undefined;
    });
  });
});
