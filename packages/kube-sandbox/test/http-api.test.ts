// The API server's wire behaviour over plain HTTP: discovery, auth, CRUD, errors, selectors, patches, dryRun,
// fieldValidation and namespaces.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../src/index.js";
import { client, deployment, testSandbox, uniqueName, waitFor, type ApiResponse } from "./helpers.js";

let sandbox: Sandbox;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  // Long enough for the 403 check to happen while the namespace is still Terminating on a busy machine.
  sandbox = await testSandbox({ namespaceTerminationMs: 300 });
  api = client(sandbox);
});

afterAll(async () => {
  await sandbox.stop();
});

async function newNamespace(): Promise<string> {
  const name = uniqueName("ns");
  const response = await api("/api/v1/namespaces", { method: "POST", body: { metadata: { name } } });
  expect(response.status).toBe(201);
  return name;
}

async function createDeployment(
  namespace: string,
  name: string,
  extra: Parameters<typeof deployment>[1] = {},
): Promise<ApiResponse> {
  const response = await api(`/apis/apps/v1/namespaces/${namespace}/deployments`, {
    method: "POST",
    body: deployment(name, extra),
  });
  expect(response.status).toBe(201);
  return response;
}

const deploymentPath = (namespace: string, name = ""): string =>
  `/apis/apps/v1/namespaces/${namespace}/deployments${name ? `/${name}` : ""}`;

describe("discovery", () => {
  it("serves version, API lists and resource lists", async () => {
    expect((await api("/version")).body).toMatchObject({ major: "1", minor: "35" });
    expect((await api("/api")).body).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    const groups = (await api("/apis")).body;
    expect(groups.kind).toBe("APIGroupList");
    expect(groups.groups.map((group: { name: string }) => group.name)).toEqual([
      "apps",
      "autoscaling",
      "batch",
      "discovery.k8s.io",
      "networking.k8s.io",
      "policy",
      "rbac.authorization.k8s.io",
      "metrics.k8s.io",
    ]);
    const appsV1 = (await api("/apis/apps/v1")).body;
    expect(appsV1).toMatchObject({ kind: "APIResourceList", groupVersion: "apps/v1" });
    expect(appsV1.resources).toContainEqual(
      expect.objectContaining({
        name: "deployments",
        kind: "Deployment",
        namespaced: true,
        shortNames: ["deploy"],
      }),
    );
    expect(appsV1.resources).toContainEqual(
      expect.objectContaining({
        name: "deployments/scale",
        group: "autoscaling",
        version: "v1",
        kind: "Scale",
      }),
    );
    const core = (await api("/api/v1")).body;
    expect(core.resources.map((resource: { name: string }) => resource.name)).toContain("pods/log");
  });

  it("serves the OpenAPI v2 document and v3 per group version", async () => {
    const v2 = await api("/openapi/v2");
    expect(v2.status).toBe(200);
    expect(v2.body.definitions["io.k8s.api.apps.v1.Deployment"]).toBeDefined();
    const index = (await api("/openapi/v3")).body;
    const url = index.paths["apis/apps/v1"].serverRelativeURL as string;
    const appsV3 = (await api(url)).body;
    expect(appsV3.components.schemas["io.k8s.api.apps.v1.Deployment"]).toBeDefined();
    expect(JSON.stringify(appsV3)).not.toContain("#/definitions/");
  });

  it("answers unknown paths with a NotFound Status", async () => {
    const response = await api("/apis/apps/v1/daemonsets");
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ kind: "Status", reason: "NotFound", code: 404 });
  });
});

describe("authentication", () => {
  it("rejects a missing or wrong token with 401 Unauthorized", async () => {
    for (const token of [null, "wrong"]) {
      const response = await api("/api/v1/namespaces", { token });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: "Unauthorized",
        reason: "Unauthorized",
        code: 401,
      });
    }
  });

  it("starts with the standard namespaces", async () => {
    const names = (await api("/api/v1/namespaces")).body.items.map((item: any) => item.metadata.name);
    expect(names).toEqual(
      expect.arrayContaining(["default", "kube-system", "kube-public", "kube-node-lease"]),
    );
  });
});

describe("create, get, update, delete", () => {
  it("fills metadata and rejects duplicates with 409 AlreadyExists", async () => {
    const namespace = await newNamespace();
    const { body } = await createDeployment(namespace, "web");
    expect(body.metadata).toMatchObject({ name: "web", namespace, generation: 1 });
    expect(body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.metadata.creationTimestamp).toMatch(/Z$/);
    const duplicate = await api(deploymentPath(namespace), { method: "POST", body: deployment("web") });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({
      reason: "AlreadyExists",
      message: 'deployments.apps "web" already exists',
    });
  });

  it("404s with the real message and details", async () => {
    const namespace = await newNamespace();
    const response = await api(deploymentPath(namespace, "web"));
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'deployments.apps "web" not found',
      reason: "NotFound",
      details: { name: "web", group: "apps", kind: "deployments" },
      code: 404,
    });
  });

  it("refuses a stale resourceVersion with 409 Conflict and bumps generation on spec changes only", async () => {
    const namespace = await newNamespace();
    const { body: created } = await createDeployment(namespace, "web");
    // Without a resourceVersion a PUT is unconditional (the simulated controller writes status meanwhile).
    const { resourceVersion: _, ...unconditional } = created.metadata;
    const labelled = await api(deploymentPath(namespace, "web"), {
      method: "PUT",
      body: { ...created, metadata: { ...unconditional, labels: { app: "web", x: "y" } } },
    });
    expect(labelled.status).toBe(200);
    expect(labelled.body.metadata.generation).toBe(1);
    const stale = await api(deploymentPath(namespace, "web"), {
      method: "PUT",
      body: { ...created, spec: { ...created.spec, replicas: 5 } },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      reason: "Conflict",
      message:
        'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    });
    const scaled = await api(deploymentPath(namespace, "web"), {
      method: "PUT",
      body: { ...created, metadata: unconditional, spec: { ...created.spec, replicas: 5 } },
    });
    expect(scaled.status).toBe(200);
    expect(scaled.body.metadata.generation).toBe(2);
  });

  it("400s when the body name does not match the URL", async () => {
    const namespace = await newNamespace();
    const { body } = await createDeployment(namespace, "web");
    const response = await api(deploymentPath(namespace, "web"), {
      method: "PUT",
      body: { ...body, metadata: { ...body.metadata, name: "other" } },
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe(
      "the name of the object (other) does not match the name on the URL (web)",
    );
  });

  it("422s an invalid name with the real message and causes", async () => {
    const namespace = await newNamespace();
    const response = await api(deploymentPath(namespace), { method: "POST", body: deployment("Web_App") });
    expect(response.status).toBe(422);
    expect(response.body.reason).toBe("Invalid");
    expect(response.body.message).toMatch(
      /^Deployment\.apps "Web_App" is invalid: metadata\.name: Invalid value: "Web_App": a lowercase RFC 1123 subdomain must consist of/,
    );
    expect(response.body.details).toMatchObject({ name: "Web_App", group: "apps", kind: "Deployment" });
    expect(response.body.details.causes[0]).toMatchObject({
      reason: "FieldValueInvalid",
      field: "metadata.name",
    });
  });

  it("405s verbs a resource does not have", async () => {
    const response = await api("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods", {
      method: "POST",
      body: {},
    });
    expect(response.status).toBe(405);
    expect(response.body.reason).toBe("MethodNotAllowed");
  });

  it("deletes with a Success Status and leaves dependents to the policy", async () => {
    const namespace = await newNamespace();
    const { body } = await createDeployment(namespace, "web");
    const configMap = {
      metadata: {
        name: "owned",
        ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: body.metadata.uid }],
      },
    };
    await api(`/api/v1/namespaces/${namespace}/configmaps`, { method: "POST", body: configMap });
    const deleted = await api(`${deploymentPath(namespace, "web")}?propagationPolicy=Orphan`, {
      method: "DELETE",
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({
      kind: "Status",
      status: "Success",
      details: { name: "web", kind: "deployments" },
    });
    const orphan = (await api(`/api/v1/namespaces/${namespace}/configmaps/owned`)).body;
    expect(orphan.metadata.ownerReferences ?? []).toEqual([]);
  });
});

describe("list", () => {
  it("filters by label and field selectors and lists across namespaces", async () => {
    const namespace = await newNamespace();
    await createDeployment(namespace, "a", { labels: { app: "a", tier: "front" } });
    await createDeployment(namespace, "b", { labels: { app: "b", tier: "back" } });
    await createDeployment(namespace, "c", { labels: { app: "c" } });
    const names = async (query: string): Promise<string[]> =>
      (await api(`${deploymentPath(namespace)}?${query}`)).body.items.map((item: any) => item.metadata.name);
    expect(await names("labelSelector=tier%3Dfront")).toEqual(["a"]);
    expect(await names("labelSelector=tier%3D%3Dback")).toEqual(["b"]);
    expect(await names("labelSelector=tier!%3Dfront")).toEqual(["b", "c"]);
    expect(await names(`labelSelector=${encodeURIComponent("tier in (front,back)")}`)).toEqual(["a", "b"]);
    expect(await names(`labelSelector=${encodeURIComponent("tier notin (front)")}`)).toEqual(["b", "c"]);
    expect(await names("labelSelector=tier")).toEqual(["a", "b"]);
    expect(await names("labelSelector=!tier")).toEqual(["c"]);
    expect(await names("fieldSelector=metadata.name%3Db")).toEqual(["b"]);
    const list = (await api(`/apis/apps/v1/deployments?fieldSelector=metadata.namespace%3D${namespace}`))
      .body;
    expect(list.kind).toBe("DeploymentList");
    expect(list.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(list.items).toHaveLength(3);
  });

  it("paginates with limit and continue", async () => {
    const namespace = await newNamespace();
    for (const name of ["p1", "p2", "p3"]) {
      await api(`/api/v1/namespaces/${namespace}/configmaps`, {
        method: "POST",
        body: { metadata: { name } },
      });
    }
    const first = (await api(`/api/v1/namespaces/${namespace}/configmaps?limit=2`)).body;
    expect(first.items.map((item: any) => item.metadata.name)).toEqual(["p1", "p2"]);
    expect(first.metadata.remainingItemCount).toBe(1);
    const second = (
      await api(`/api/v1/namespaces/${namespace}/configmaps?limit=2&continue=${first.metadata.continue}`)
    ).body;
    expect(second.items.map((item: any) => item.metadata.name)).toEqual(["p3"]);
    expect(second.metadata.continue).toBeUndefined();
  });
});

describe("patch", () => {
  it("applies merge patches (RFC 7386)", async () => {
    const namespace = await newNamespace();
    await createDeployment(namespace, "web", { labels: { app: "web", remove: "me" } });
    const response = await api(deploymentPath(namespace, "web"), {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { metadata: { labels: { remove: null, added: "yes" } }, spec: { replicas: 2 } },
    });
    expect(response.status).toBe(200);
    expect(response.body.metadata.labels).toEqual({ app: "web", added: "yes" });
    expect(response.body.spec.replicas).toBe(2);
  });

  it("applies strategic merge patches: containers by name, $patch delete, $setElementOrder ignored", async () => {
    const namespace = await newNamespace();
    const base = deployment("web");
    base.spec.template.spec.containers.push({ name: "sidecar", image: "busybox", ports: [] });
    await api(deploymentPath(namespace), { method: "POST", body: base });
    const response = await api(deploymentPath(namespace, "web"), {
      method: "PATCH",
      contentType: "application/strategic-merge-patch+json",
      body: {
        spec: {
          template: {
            metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z" } },
            spec: {
              "$setElementOrder/containers": [{ name: "web" }],
              containers: [
                { name: "web", image: "nginx:1.28", env: [{ name: "A", value: "1" }] },
                { name: "sidecar", $patch: "delete" },
              ],
            },
          },
        },
      },
    });
    expect(response.status).toBe(200);
    const template = response.body.spec.template;
    expect(template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]).toBe("2026-01-01T00:00:00Z");
    expect(template.spec.containers).toEqual([
      { name: "web", image: "nginx:1.28", ports: [{ containerPort: 80 }], env: [{ name: "A", value: "1" }] },
    ]);
    expect(response.body.metadata.generation).toBe(2);
  });

  it("applies JSON patches (RFC 6902) and 422s a failed test op", async () => {
    const namespace = await newNamespace();
    await createDeployment(namespace, "web");
    const response = await api(deploymentPath(namespace, "web"), {
      method: "PATCH",
      contentType: "application/json-patch+json",
      body: [
        { op: "replace", path: "/spec/replicas", value: 3 },
        { op: "add", path: "/metadata/labels/extra", value: "x" },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.spec.replicas).toBe(3);
    expect(response.body.metadata.labels.extra).toBe("x");
    const failed = await api(deploymentPath(namespace, "web"), {
      method: "PATCH",
      contentType: "application/json-patch+json",
      body: [{ op: "test", path: "/spec/replicas", value: 99 }],
    });
    expect(failed.status).toBe(422);
  });

  it("answers JSON patches that do not apply with a Status, and stores nothing", async () => {
    const namespace = await newNamespace();
    const created = (await createDeployment(namespace, "web")).body;
    const jsonPatch = (body: unknown) =>
      api(deploymentPath(namespace, "web"), {
        method: "PATCH",
        contentType: "application/json-patch+json",
        body,
      });
    const cases: [unknown, number, string, string][] = [
      [
        [{ op: "test", path: "/spec/replicas", value: 99 }],
        422,
        "Invalid",
        "testing value /spec/replicas failed",
      ],
      [[{ op: "remove", path: "/spec/paused" }], 422, "Invalid", 'doc is missing path: "/spec/paused"'],
      [
        [{ op: "replace", path: "/spec/template/spec/containers/1", value: { name: "x", image: "x" } }],
        422,
        "Invalid",
        "array index out of bounds: 1",
      ],
      [[{ op: "bogus", path: "/spec" }], 400, "BadRequest", "unknown json patch operation: bogus"],
      [
        [{ op: "add", path: "/metadata/__proto__/polluted", value: "yes" }],
        400,
        "BadRequest",
        'json patch paths cannot go through __proto__ or constructor/prototype: "/metadata/__proto__/polluted"',
      ],
    ];
    for (const [body, code, reason, message] of cases) {
      const response = await jsonPatch(body);
      expect(response.status).toBe(code);
      expect(response.body).toMatchObject({ kind: "Status", status: "Failure", code, reason, message });
    }
    // A good operation before a failing one is not kept either.
    const partial = await jsonPatch([
      { op: "replace", path: "/spec/replicas", value: 5 },
      { op: "test", path: "/spec/replicas", value: 1 },
    ]);
    expect(partial.status).toBe(422);
    const stored = (await api(deploymentPath(namespace, "web"))).body;
    // The controllers write status meanwhile, so generation (bumped by spec writes) is what shows no patch landed.
    expect(stored.metadata.generation).toBe(created.metadata.generation);
    expect(stored.spec).toEqual(created.spec);
    expect(stored.metadata.labels.polluted).toBeUndefined();
  });

  it("reads ~1 in JSON patch paths as / (label keys with a prefix)", async () => {
    const namespace = await newNamespace();
    await createDeployment(namespace, "web");
    const response = await api(deploymentPath(namespace, "web"), {
      method: "PATCH",
      contentType: "application/json-patch+json",
      body: [
        { op: "add", path: "/metadata/labels/example.com~1team", value: "platform" },
        { op: "copy", from: "/metadata/labels/example.com~1team", path: "/metadata/labels/team" },
        {
          op: "move",
          from: "/spec/template/spec/containers/0/ports/0",
          path: "/spec/template/spec/containers/0/ports/-",
        },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.metadata.labels).toEqual({
      app: "web",
      "example.com/team": "platform",
      team: "platform",
    });
    expect(response.body.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 80 }]);
  });

  it("415s unsupported patch types", async () => {
    const namespace = await newNamespace();
    await createDeployment(namespace, "web");
    const response = await api(deploymentPath(namespace, "web"), {
      method: "PATCH",
      contentType: "text/plain",
      body: "x",
    });
    expect(response.status).toBe(415);
    expect(response.body.reason).toBe("UnsupportedMediaType");
  });

  it("scales through the scale subresource", async () => {
    const namespace = await newNamespace();
    await createDeployment(namespace, "web");
    const scale = await api(`${deploymentPath(namespace, "web")}/scale`, {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { spec: { replicas: 4 } },
    });
    expect(scale.body).toMatchObject({ kind: "Scale", apiVersion: "autoscaling/v1", spec: { replicas: 4 } });
    expect(scale.body.status.selector).toBe("app=web");
    expect((await api(deploymentPath(namespace, "web"))).body.spec.replicas).toBe(4);
  });

  it("changes only status through the status subresource, without touching generation", async () => {
    const namespace = await newNamespace();
    await createDeployment(namespace, "web");
    const response = await api(`${deploymentPath(namespace, "web")}/status`, {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { spec: { replicas: 9 }, status: { observedGeneration: 42 } },
    });
    expect(response.status).toBe(200);
    expect(response.body.status.observedGeneration).toBe(42);
    expect(response.body.spec.replicas).toBe(1);
    expect(response.body.metadata.generation).toBe(1);
  });
});

describe("dryRun", () => {
  it("computes but stores nothing for create, patch and delete", async () => {
    const namespace = await newNamespace();
    const created = await api(`${deploymentPath(namespace)}?dryRun=All`, {
      method: "POST",
      body: deployment("dry"),
    });
    expect(created.status).toBe(201);
    expect(created.body.metadata.uid).toBeTruthy();
    expect((await api(deploymentPath(namespace, "dry"))).status).toBe(404);

    const { body: stored } = await createDeployment(namespace, "web");
    const patched = await api(`${deploymentPath(namespace, "web")}?dryRun=All`, {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { spec: { replicas: 7 } },
    });
    expect(patched.body.spec.replicas).toBe(7);
    expect(patched.body.metadata.generation).toBe(2);
    const after = (await api(deploymentPath(namespace, "web"))).body;
    expect(after.spec.replicas).toBe(1);
    expect(after.metadata.generation).toBe(stored.metadata.generation);

    const deleted = await api(`${deploymentPath(namespace, "web")}?dryRun=All`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect((await api(deploymentPath(namespace, "web"))).status).toBe(200);
  });
});

describe("fieldValidation", () => {
  const withTypo = (): any => {
    const object: any = deployment("typo");
    object.spec.replicaz = 3;
    return object;
  };

  it("Strict: 400 with the strict decoding message", async () => {
    const namespace = await newNamespace();
    const response = await api(`${deploymentPath(namespace)}?fieldValidation=Strict`, {
      method: "POST",
      body: withTypo(),
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      reason: "BadRequest",
      message: 'strict decoding error: unknown field "spec.replicaz"',
    });
  });

  it("Strict: several unknown fields are comma-separated, in document order", async () => {
    const namespace = await newNamespace();
    const object = withTypo();
    object.spec.template.spec.containers[0].imagez = "x";
    const response = await api(`${deploymentPath(namespace)}?fieldValidation=Strict`, {
      method: "POST",
      body: object,
    });
    expect(response.body.message).toBe(
      'strict decoding error: unknown field "spec.template.spec.containers[0].imagez", unknown field "spec.replicaz"',
    );
  });

  it("Warn (the default): accepted with a Warning header, the field dropped", async () => {
    const namespace = await newNamespace();
    const response = await api(deploymentPath(namespace), { method: "POST", body: withTypo() });
    expect(response.status).toBe(201);
    expect(response.headers.get("warning")).toBe('299 - "unknown field \\"spec.replicaz\\""');
    expect(response.body.spec.replicaz).toBeUndefined();
  });

  it("Ignore: accepted silently, the field dropped", async () => {
    const namespace = await newNamespace();
    const response = await api(`${deploymentPath(namespace)}?fieldValidation=Ignore`, {
      method: "POST",
      body: withTypo(),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("warning")).toBeNull();
    expect((await api(deploymentPath(namespace, "typo"))).body.spec.replicaz).toBeUndefined();
  });
});

describe("namespaces", () => {
  it("404s creating into a namespace that does not exist", async () => {
    const response = await api(deploymentPath("nowhere"), { method: "POST", body: deployment("web") });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({
      message: 'namespaces "nowhere" not found',
      details: { name: "nowhere", kind: "namespaces" },
    });
  });

  it("terminates: Terminating, 403 for new content, cascade delete, then gone", async () => {
    const namespace = await newNamespace();
    await createDeployment(namespace, "web");
    const deleted = await api(`/api/v1/namespaces/${namespace}`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(deleted.body.status.phase).toBe("Terminating");
    expect(deleted.body.metadata.deletionTimestamp).toBeTruthy();
    const refused = await api(`/api/v1/namespaces/${namespace}/configmaps`, {
      method: "POST",
      body: { metadata: { name: "late" } },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe(
      `configmaps "late" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    );
    await waitFor(
      async () => ((await api(`/api/v1/namespaces/${namespace}`)).status === 404 ? true : undefined),
      2000,
    );
    expect((await api(deploymentPath(namespace))).body.items).toEqual([]);
  });
});

describe("services", () => {
  it("allocates a cluster IP and node ports and defaults port protocols, keeping them across updates", async () => {
    const namespace = await newNamespace();
    const created = await api(`/api/v1/namespaces/${namespace}/services`, {
      method: "POST",
      body: {
        metadata: { name: "web" },
        spec: { type: "NodePort", selector: { app: "web" }, ports: [{ port: 80 }] },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(created.body.spec.ports[0]).toMatchObject({ port: 80, protocol: "TCP", targetPort: 80 });
    expect(created.body.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    const applied = await api(`/api/v1/namespaces/${namespace}/services/web?fieldManager=test`, {
      method: "PATCH",
      contentType: "application/apply-patch+yaml",
      body: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "web" },
        spec: { type: "NodePort", selector: { app: "web" }, ports: [{ port: 80 }] },
      },
    });
    expect(applied.body.spec.clusterIP).toBe(created.body.spec.clusterIP);
    expect(applied.body.spec.ports[0].nodePort).toBe(created.body.spec.ports[0].nodePort);
  });
});

describe("server-side printing (kubectl get)", () => {
  const tableAccept =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

  it("answers a Table with the kind's columns when asked", async () => {
    const namespace = await newNamespace();
    await createDeployment(namespace, "web", { replicas: 2 });
    const response = await fetch(`${sandbox.url}${deploymentPath(namespace)}`, {
      headers: { Authorization: `Bearer ${sandbox.token}`, Accept: tableAccept },
    });
    const table = (await response.json()) as any;
    expect(table).toMatchObject({ kind: "Table", apiVersion: "meta.k8s.io/v1" });
    expect(table.columnDefinitions.map((column: any) => column.name)).toEqual([
      "Name",
      "Ready",
      "Up-to-date",
      "Available",
      "Age",
      "Containers",
      "Images",
      "Selector",
    ]);
    expect(table.rows[0].cells.slice(0, 2)).toEqual(["web", expect.stringMatching(/^\d\/2$/)]);
    expect(table.rows[0].cells.slice(5)).toEqual(["web", "nginx:1.27", "app=web"]);
    expect(table.rows[0].object).toMatchObject({
      kind: "PartialObjectMetadata",
      metadata: { name: "web", namespace },
    });
  });

  it("keeps plain JSON for clients that do not ask", async () => {
    const namespace = await newNamespace();
    expect((await api(deploymentPath(namespace))).body.kind).toBe("DeploymentList");
  });
});
