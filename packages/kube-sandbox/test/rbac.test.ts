// ServiceAccount tokens and RBAC: what a token may do follows its bindings at once; refusals are the API server's 403s.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Sandbox } from "../src/index.js";
import { client, deployment, testSandbox, uniqueName } from "./helpers.js";

let sandbox: Sandbox;
let api: ReturnType<typeof client>;
let namespace: string;
let token: string;
let user: string;

const RBAC = "/apis/rbac.authorization.k8s.io/v1";

beforeAll(async () => {
  sandbox = await testSandbox();
  api = client(sandbox);
  namespace = uniqueName("rbac");
  expect(
    (await api("/api/v1/namespaces", { method: "POST", body: { metadata: { name: namespace } } })).status,
  ).toBe(201);
  const account = await api(`/api/v1/namespaces/${namespace}/serviceaccounts`, {
    method: "POST",
    body: { metadata: { name: "robot" } },
  });
  expect(account.status).toBe(201);
  const issued = await api(`/api/v1/namespaces/${namespace}/serviceaccounts/robot/token`, {
    method: "POST",
    body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } },
  });
  expect(issued.status).toBe(201);
  expect(issued.body).toMatchObject({
    kind: "TokenRequest",
    status: { expirationTimestamp: expect.any(String) },
  });
  token = issued.body.status.token as string;
  user = `system:serviceaccount:${namespace}:robot`;
});

afterAll(async () => {
  await sandbox.stop();
});

const asRobot = (path: string, options: Parameters<typeof api>[1] = {}) => api(path, { ...options, token });

it("refuses a token's requests with the API server's messages until a binding allows them", async () => {
  const list = await asRobot(`/api/v1/namespaces/${namespace}/pods`);
  expect(list.status).toBe(403);
  expect(list.body).toEqual({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: `pods is forbidden: User "${user}" cannot list resource "pods" in API group "" in the namespace "${namespace}"`,
    reason: "Forbidden",
    details: { kind: "pods" },
    code: 403,
  });
  const namespaces = await asRobot("/api/v1/namespaces?watch=true");
  expect(namespaces.body.message).toBe(
    `namespaces is forbidden: User "${user}" cannot watch resource "namespaces" in API group "" at the cluster scope`,
  );
  const logs = await asRobot(`/api/v1/namespaces/${namespace}/pods/web-1/log`);
  expect(logs.body.message).toBe(
    `pods "web-1" is forbidden: User "${user}" cannot get resource "pods/log" in API group "" in the namespace "${namespace}"`,
  );
  expect(logs.body.details).toEqual({ name: "web-1", kind: "pods" });
  const ownNamespace = await asRobot(`/api/v1/namespaces/${namespace}`);
  expect(ownNamespace.body.message).toBe(
    `namespaces "${namespace}" is forbidden: User "${user}" cannot get resource "namespaces" in API group "" in the namespace "${namespace}"`,
  );
  const path = await asRobot("/metrics");
  expect(path.body).toMatchObject({
    message: `forbidden: User "${user}" cannot get path "/metrics"`,
    details: {},
  });
  // system:discovery lets every authenticated user read discovery.
  expect((await asRobot("/apis")).status).toBe(200);
  expect((await asRobot("/api/v1")).status).toBe(200);

  await api(`${RBAC}/namespaces/${namespace}/roles`, {
    method: "POST",
    body: {
      metadata: { name: "pod-reader" },
      rules: [{ apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list"] }],
    },
  });
  await api(`${RBAC}/namespaces/${namespace}/rolebindings`, {
    method: "POST",
    body: {
      metadata: { name: "robot-reads" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" },
      subjects: [{ kind: "ServiceAccount", name: "robot" }],
    },
  });
  expect((await asRobot(`/api/v1/namespaces/${namespace}/pods`)).status).toBe(200);
  expect((await asRobot(`/api/v1/namespaces/${namespace}/pods?watch=true&timeoutSeconds=1`)).status).toBe(
    403,
  );
  expect((await asRobot(`/api/v1/namespaces/default/pods`)).status).toBe(403);
  expect((await asRobot(`/api/v1/namespaces/${namespace}/pods/web-1/log`)).status).toBe(404);
  // The admin stays all-powerful.
  expect((await api(`/api/v1/namespaces/default/pods`)).status).toBe(200);
});

it("matches resourceNames, cluster roles through cluster bindings, and names a missing role", async () => {
  const binding = uniqueName("robot");
  await api(`${RBAC}/clusterrolebindings`, {
    method: "POST",
    body: {
      metadata: { name: binding },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: binding },
      subjects: [{ kind: "ServiceAccount", name: "robot", namespace }],
    },
  });
  const missing = await asRobot("/apis/apps/v1/deployments");
  expect(missing.body.message).toBe(
    `deployments.apps is forbidden: User "${user}" cannot list resource "deployments" in API group "apps" at the cluster scope: RBAC: clusterrole.rbac.authorization.k8s.io "${binding}" not found`,
  );
  await api(`${RBAC}/clusterroles`, {
    method: "POST",
    body: {
      metadata: { name: binding },
      rules: [
        { apiGroups: ["apps"], resources: ["deployments"], verbs: ["list", "patch"] },
        { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"], resourceNames: ["web"] },
      ],
    },
  });
  expect((await asRobot("/apis/apps/v1/deployments")).status).toBe(200);
  expect((await asRobot(`/apis/apps/v1/namespaces/${namespace}/deployments/web`)).status).toBe(404);
  expect((await asRobot(`/apis/apps/v1/namespaces/${namespace}/deployments/api`)).status).toBe(403);

  // Server-side apply that would create the object also needs create.
  const apply = (name: string, query = "") =>
    asRobot(`/apis/apps/v1/namespaces/${namespace}/deployments/${name}?fieldManager=robot${query}`, {
      method: "PATCH",
      contentType: "application/apply-patch+yaml",
      body: deployment(name),
    });
  const created = await apply("web", "&dryRun=All");
  expect(created.status).toBe(403);
  expect(created.body.message).toBe(`deployments.apps "web" is forbidden: `);
  expect(
    (
      await api(`/apis/apps/v1/namespaces/${namespace}/deployments`, {
        method: "POST",
        body: deployment("web"),
      })
    ).status,
  ).toBe(201);
  expect((await apply("web")).status).toBe(200);
  // A role change counts from the next request.
  await api(`${RBAC}/clusterroles/${binding}`, { method: "DELETE" });
  expect((await apply("web")).status).toBe(403);
});

it("stops accepting a token whose ServiceAccount is gone, and refuses too short a lifetime", async () => {
  const short = await api(`/api/v1/namespaces/${namespace}/serviceaccounts/robot/token`, {
    method: "POST",
    body: { spec: { expirationSeconds: 60 } },
  });
  expect(short.status).toBe(422);
  expect(short.body.message).toBe(
    `TokenRequest.authentication.k8s.io "robot" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes`,
  );
  const absent = await api(`/api/v1/namespaces/${namespace}/serviceaccounts/nobody/token`, {
    method: "POST",
    body: {},
  });
  expect(absent.status).toBe(404);
  expect(() => sandbox.serviceAccountToken(namespace, "nobody")).toThrow(/not found/);
  const helperToken = sandbox.serviceAccountToken(namespace, "robot");
  expect((await api("/apis", { token: helperToken })).status).toBe(200);
  await api(`/api/v1/namespaces/${namespace}/serviceaccounts/robot`, { method: "DELETE" });
  expect((await asRobot("/apis")).status).toBe(401);
  expect((await api("/apis", { token: helperToken })).status).toBe(401);
  expect((await api("/apis", { token: `${token.slice(0, -2)}xx` })).status).toBe(401);
});

it("lists the RBAC kinds and the token subresource in discovery, as the API server does", async () => {
  const rbac = (await api(RBAC)).body;
  expect(rbac.resources.map((resource: { name: string }) => resource.name).sort()).toEqual([
    "clusterrolebindings",
    "clusterroles",
    "rolebindings",
    "roles",
  ]);
  const core = (await api("/api/v1")).body;
  expect(core.resources).toContainEqual(
    expect.objectContaining({
      name: "serviceaccounts/token",
      group: "authentication.k8s.io",
      version: "v1",
      kind: "TokenRequest",
      verbs: ["create"],
    }),
  );
});
