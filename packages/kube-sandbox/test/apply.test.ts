// Server-side apply over HTTP: field ownership, conflicts, force, removal of fields a manager stops applying.
import { describe, expect, it } from "vitest";
import { deployment, fileSandboxApi, uniqueName } from "./helpers.js";

const api = fileSandboxApi();

async function newNamespace(): Promise<string> {
  const name = uniqueName("ssa");
  await api("/api/v1/namespaces", { method: "POST", body: { metadata: { name } } });
  return name;
}

function apply(namespace: string, name: string, body: unknown, query: string) {
  return api(`/apis/apps/v1/namespaces/${namespace}/deployments/${name}?${query}`, {
    method: "PATCH",
    contentType: "application/apply-patch+yaml",
    body,
  });
}

const managerNames = (object: any): string[] =>
  object.metadata.managedFields.map((entry: any) => `${entry.manager}/${entry.operation}`);

describe("server-side apply", () => {
  it("requires a fieldManager", async () => {
    const namespace = await newNamespace();
    const response = await apply(namespace, "web", deployment("web"), "");
    expect(response.status).toBe(400);
    expect(response.body.reason).toBe("BadRequest");
  });

  it("creates the object when absent (201), accepts YAML, and records Apply ownership in FieldsV1", async () => {
    const namespace = await newNamespace();
    const yaml = [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata:",
      "  name: web",
      "  labels: {app: web}",
      "spec:",
      "  replicas: 2",
      "  selector: {matchLabels: {app: web}}",
      "  template:",
      "    metadata: {labels: {app: web}}",
      "    spec:",
      "      containers:",
      "      - name: web",
      "        image: nginx:1.27",
    ].join("\n");
    const response = await apply(namespace, "web", yaml, "fieldManager=babyhelm");
    expect(response.status).toBe(201);
    const [entry] = response.body.metadata.managedFields;
    expect(entry).toMatchObject({
      manager: "babyhelm",
      operation: "Apply",
      apiVersion: "apps/v1",
      fieldsType: "FieldsV1",
    });
    expect(entry.fieldsV1).toEqual({
      "f:metadata": { "f:labels": { "f:app": {} } },
      "f:spec": {
        "f:replicas": {},
        "f:selector": {},
        "f:template": {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": { "f:containers": { 'k:{"name":"web"}': { ".": {}, "f:image": {}, "f:name": {} } } },
        },
      },
    });
    const again = await apply(namespace, "web", yaml, "fieldManager=babyhelm");
    expect(again.status).toBe(200);
    expect(again.body.metadata.generation).toBe(1);
  });

  it("409s when another manager owns a field with a different value, unless forced", async () => {
    const namespace = await newNamespace();
    const created = await api(
      `/apis/apps/v1/namespaces/${namespace}/deployments?fieldManager=kubectl-client-side-apply`,
      {
        method: "POST",
        body: deployment("web", { replicas: 2 }),
      },
    );
    expect(managerNames(created.body)).toEqual(["kubectl-client-side-apply/Update"]);

    const sameValue = await apply(
      namespace,
      "web",
      deployment("web", { replicas: 2 }),
      "fieldManager=babyhelm",
    );
    expect(sameValue.status).toBe(200);

    const conflicting = await apply(
      namespace,
      "web",
      deployment("web", { replicas: 3 }),
      "fieldManager=babyhelm",
    );
    expect(conflicting.status).toBe(409);
    expect(conflicting.body).toMatchObject({
      reason: "Conflict",
      message:
        'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
      details: {
        causes: [
          {
            reason: "FieldManagerConflict",
            message: 'conflict with "kubectl-client-side-apply" using apps/v1',
            field: ".spec.replicas",
          },
        ],
      },
    });

    const twoConflicts = await apply(
      namespace,
      "web",
      deployment("web", { replicas: 3, image: "nginx:2" }),
      "fieldManager=babyhelm",
    );
    expect(twoConflicts.body.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
    );

    const forced = await apply(
      namespace,
      "web",
      deployment("web", { replicas: 3 }),
      "fieldManager=babyhelm&force=true",
    );
    expect(forced.status).toBe(200);
    expect(forced.body.spec.replicas).toBe(3);
    const previous = forced.body.metadata.managedFields.find(
      (entry: any) => entry.manager === "kubectl-client-side-apply",
    );
    expect(previous.fieldsV1["f:spec"]["f:replicas"]).toBeUndefined();
  });

  it("removes fields a manager stops applying when nobody else owns them", async () => {
    const namespace = await newNamespace();
    const withExtras = deployment("web", { labels: { app: "web", team: "a" } });
    (withExtras.spec.template.spec.containers[0] as any).env = [
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ];
    expect((await apply(namespace, "web", withExtras, "fieldManager=babyhelm")).status).toBe(201);

    // Another manager co-owns label "team" by applying the same value: it must survive.
    await apply(
      namespace,
      "web",
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", labels: { team: "a" } } },
      "fieldManager=other",
    );

    const slimmer = deployment("web", { labels: { app: "web" } });
    (slimmer.spec.template.spec.containers[0] as any).env = [{ name: "A", value: "1" }];
    const response = await apply(namespace, "web", slimmer, "fieldManager=babyhelm");
    expect(response.status).toBe(200);
    expect(response.body.metadata.labels).toEqual({ app: "web", team: "a" });
    expect(response.body.spec.template.spec.containers[0].env).toEqual([{ name: "A", value: "1" }]);
    expect(response.body.metadata.generation).toBe(2);
  });

  it("dryRun applies compute the result without storing it", async () => {
    const namespace = await newNamespace();
    const response = await apply(namespace, "web", deployment("web"), "fieldManager=babyhelm&dryRun=All");
    expect(response.status).toBe(201);
    expect(response.body.metadata.managedFields[0].manager).toBe("babyhelm");
    expect((await api(`/apis/apps/v1/namespaces/${namespace}/deployments/web`)).status).toBe(404);
  });

  it("rejects unknown fields under fieldValidation=Strict and prunes them under Ignore", async () => {
    const namespace = await newNamespace();
    const typo: any = deployment("web");
    typo.spec.replicaz = 1;
    const strict = await apply(namespace, "web", typo, "fieldManager=babyhelm&fieldValidation=Strict");
    expect(strict.status).toBe(400);
    expect(strict.body.message).toBe('strict decoding error: unknown field "spec.replicaz"');
    const ignored = await apply(namespace, "web", typo, "fieldManager=babyhelm&fieldValidation=Ignore");
    expect(ignored.status).toBe(201);
    expect(ignored.body.spec.replicaz).toBeUndefined();
    expect(JSON.stringify(ignored.body.metadata.managedFields)).not.toContain("replicaz");
  });

  it("refuses repeated list-map keys in an applied configuration like the real server, which create accepts", async () => {
    const namespace = await newNamespace();
    const repeated: any = deployment("web");
    const container = repeated.spec.template.spec.containers[0];
    container.env = [
      { name: "A", value: "1" },
      { name: "B", value: "2" },
      { name: "A", value: "3" },
    ];
    const refused = await apply(namespace, "web", repeated, "fieldManager=babyhelm");
    expect(refused.status).toBe(500);
    expect(refused.body).toMatchObject({ kind: "Status", status: "Failure", code: 500 });
    expect(refused.body.reason).toBeUndefined();
    expect(refused.body.message).toBe(
      `failed to create typed patch object (${namespace}/web; apps/v1, Kind=Deployment): ` +
        '.spec.template.spec.containers[name="web"].env: duplicate entries for key [name="A"]',
    );
    expect((await api(`/apis/apps/v1/namespaces/${namespace}/deployments/web`)).status).toBe(404);

    container.ports = [{ containerPort: 80 }, { containerPort: 80, protocol: "TCP" }];
    const both = await apply(namespace, "web", repeated, "fieldManager=babyhelm");
    expect(both.status).toBe(500);
    expect(both.body.message).toBe(
      `failed to create typed patch object (${namespace}/web; apps/v1, Kind=Deployment): errors:\n` +
        '  .spec.template.spec.containers[name="web"].env: duplicate entries for key [name="A"]\n' +
        '  .spec.template.spec.containers[name="web"].ports: duplicate entries for key [containerPort=80,protocol="TCP"]',
    );

    // Create accepts the same object, with the real server's warnings...
    const created = await api(`/apis/apps/v1/namespaces/${namespace}/deployments`, {
      method: "POST",
      body: repeated,
    });
    expect(created.status).toBe(201);
    expect(created.body.spec.template.spec.containers[0].env).toHaveLength(3);
    expect(created.headers.get("warning")).toBe(
      [
        '299 - "spec.template.spec.containers[0].env[2]: hides previous definition of \\"A\\", which may be dropped when using apply"',
        '299 - "spec.template.spec.containers[0].ports[1]: duplicate port definition with spec.template.spec.containers[0].ports[0]"',
      ].join(", "),
    );
    // ...and an update that leaves the spec alone is not warned about again.
    const relabelled = await api(`/apis/apps/v1/namespaces/${namespace}/deployments/web`, {
      method: "PATCH",
      contentType: "application/merge-patch+json",
      body: { metadata: { labels: { tier: "front" } } },
    });
    expect(relabelled.status).toBe(200);
    expect(relabelled.headers.get("warning")).toBeNull();

    // An apply that does not repeat anything works on the object holding duplicates, as on a real cluster.
    const labelOnly = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", labels: { team: "a" } },
    };
    const applied = await apply(namespace, "web", labelOnly, "fieldManager=labeller");
    expect(applied.status).toBe(200);
    expect(applied.body.metadata.labels).toMatchObject({ team: "a" });
  });

  it("does not warn about an env name redefined in terms of itself", async () => {
    const namespace = await newNamespace();
    const extended: any = deployment("web");
    extended.spec.template.spec.containers[0].env = [
      { name: "PATH", value: "/bin" },
      { name: "PATH", value: "$(PATH):/opt/bin" },
    ];
    const created = await api(`/apis/apps/v1/namespaces/${namespace}/deployments`, {
      method: "POST",
      body: extended,
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("warning")).toBeNull();
  });
});
