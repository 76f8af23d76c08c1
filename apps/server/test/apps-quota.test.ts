// Apps against a project's ResourceQuota, which the sandbox enforces as a cluster's admission does: an apply the quota
// refuses is a 400 naming the quota and leaves nothing behind; pods the quota refuses leave the app readable, with the
// ReplicaSet's FailedCreate events and the Deployment's ReplicaFailure condition in its status.
import { beforeAll, expect, it } from "vitest";
import { errorOf, uniqueName, type ApiClient, type Harness } from "./support/harness.js";
import { onEveryBackend } from "./support/suites.js";

onEveryBackend("apps and quotas", (suite) => {
  let harness: Harness;
  let client: ApiClient;

  beforeAll(async () => {
    ({ harness } = suite);
    ({ client } = await harness.newUser("quota"));
  });

  /** A new project whose quota has `hard` instead of default@2's figures; returns its name and quota's name. */
  async function projectWithQuota(
    hard: Record<string, string>,
  ): Promise<{ project: string; namespace: string; quota: string }> {
    const project = uniqueName("quota");
    const { namespace } = await client.projects.create.mutate({ name: project });
    const { store } = harness.sandbox;
    const [quota] = store.list("resourcequotas", namespace);
    store.update("resourcequotas", { ...quota!, spec: { hard } });
    return { project, namespace, quota: quota!.metadata.name };
  }

  it("refuses an app whose Service the quota does not allow with a 400 naming the quota, leaving nothing", async () => {
    const { project, namespace, quota } = await projectWithQuota({ services: "0" });
    const refused = await errorOf(
      client.apps.create.mutate({
        project,
        name: "web",
        spec: { image: "nginx:1.27", ports: [{ port: 80 }] },
      }),
    );
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.message).toContain(
      `the namespace's ResourceQuota "${quota}" does not allow it (403 Forbidden)`,
    );
    expect(refused.message).toContain(
      `exceeded quota: ${quota}, requested: services=1, used: services=0, limited: services=0`,
    );
    expect((await client.apps.list.query({ project })).items).toEqual([]);
    expect(harness.sandbox.store.list("deployments", namespace)).toEqual([]);
  });

  it("deploys what fits and reports the refused pods in the app's status", async () => {
    const { project, quota } = await projectWithQuota({ "requests.cpu": "1", pods: "50" });
    await client.apps.create.mutate({
      project,
      name: "web",
      spec: {
        image: "nginx:1.27",
        ports: [{ port: 80 }],
        replicas: 4,
        resources: { requests: { cpu: "500m" } },
      },
    });
    await expect
      .poll(
        async () => {
          const status = await client.apps.status.query({ project, name: "web" });
          return {
            ready: status.replicas.ready,
            failure: status.conditions.find((condition) => condition.type === "ReplicaFailure")?.reason,
            refused: status.events.some(
              (event) =>
                event.reason === "FailedCreate" && event.message.includes(`exceeded quota: ${quota}`),
            ),
          };
        },
        { timeout: 15_000 },
      )
      .toEqual({ ready: 2, failure: "FailedCreate", refused: true });
    // The project's usage is the quota's own status: what the cluster admitted, not what the spec asks for.
    await expect
      .poll(
        async () => (await client.projects.usage.query({ name: project })).quotas[0]!.used["requests.cpu"],
      )
      .toEqual({ quantity: "1", value: 1 });
  });
});
