import { beforeAll, expect, it } from "vitest";
import type { Db } from "@babyhelm/db";
import { uniqueName, type Harness, type SignedInClient } from "./support/harness.js";
import { onEveryBackend } from "./support/suites.js";

const spec = { image: "nginx:1.27", ports: [{ port: 80 }] };

onEveryBackend("concurrent changes", (suite) => {
  let db: Db;
  let harness: Harness;
  let owner: SignedInClient;
  let project: string;
  beforeAll(async () => {
    ({ db, harness } = suite);
    owner = await harness.newUser("race");
    project = uniqueName("race");
    await owner.client.projects.create.mutate({ name: project });
  });

  it("20 simultaneous creates of one name: exactly one succeeds, the others get CONFLICT", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) =>
        owner.client.apps.create.mutate({
          project,
          name: "same",
          spec: { ...spec, env: [{ name: "N", value: String(index) }] },
        }),
      ),
    );
    const succeeded = results.filter((result) => result.status === "fulfilled");
    const refused = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
    expect(succeeded).toHaveLength(1);
    expect(refused.map((result) => (result.reason as { data?: { code?: string } }).data?.code)).toEqual(
      Array.from({ length: 19 }, () => "CONFLICT"),
    );
    const rows = await db.kysely.selectFrom("applications").select("id").where("name", "=", "same").execute();
    expect(rows).toHaveLength(1);
    // The cluster holds the winner's spec, not a loser's.
    const app = await owner.client.apps.get.query({ project, name: "same" });
    const env = (harness.sandbox.store.get("deployments", project, "same") as any).spec.template.spec
      .containers[0].env;
    expect(env).toEqual(app.env);
  });

  it("simultaneous updates from the same revision: one wins, the other gets CONFLICT", async () => {
    await owner.client.apps.create.mutate({ project, name: "edit", spec });
    const results = await Promise.allSettled(
      ["alice", "bob"].map((who) =>
        owner.client.apps.update.mutate({
          project,
          name: "edit",
          spec: { ...spec, env: [{ name: "EDITOR", value: who }] },
          expectedRevision: 1,
        }),
      ),
    );
    expect(results.filter((result) => result.status === "fulfilled")).toEqual([
      { status: "fulfilled", value: { revision: 2 } },
    ]);
    const [refused] = results.filter(
      (result): result is PromiseRejectedResult => result.status === "rejected",
    );
    expect((refused!.reason as { data?: { code?: string } }).data?.code).toBe("CONFLICT");
    const app = await owner.client.apps.get.query({ project, name: "edit" });
    expect(app.revision).toBe(2);
    const env = (harness.sandbox.store.get("deployments", project, "edit") as any).spec.template.spec
      .containers[0].env;
    expect(env).toEqual(app.env);
  });
});
