import { beforeAll, expect, it } from "vitest";
import type { Db } from "@babyhelm/db";
import { errorOf, uniqueName, type Harness } from "./support/harness.js";
import { onEveryBackend } from "./support/suites.js";

onEveryBackend("projects and members", (suite) => {
  let db: Db;
  let harness: Harness;
  beforeAll(() => {
    ({ db, harness } = suite);
  });

  function namespaced(resource: string, namespace: string) {
    return harness.sandbox.store.list(resource, namespace);
  }

  it("creates the rows and the pack's namespace objects, labelled as the project's", async () => {
    const { client, email } = await harness.newUser("owner");
    const name = uniqueName("shop");
    const created = await client.projects.create.mutate({ name });
    expect(created).toEqual({ name, namespace: name, pack: "default@2.1.0", role: "creator" });

    const namespace = harness.sandbox.store.get("namespaces", undefined, name);
    expect(namespace?.metadata.labels).toMatchObject({ "babyhelm.io/project": name });
    for (const resource of ["resourcequotas", "limitranges", "networkpolicies"]) {
      const [object] = namespaced(resource, name);
      expect(object?.metadata.labels, resource).toMatchObject({ "babyhelm.io/project": name });
      expect(object?.metadata.managedFields).toEqual(
        expect.arrayContaining([expect.objectContaining({ manager: "babyhelm", operation: "Apply" })]),
      );
    }
    expect(await client.projects.get.query({ name })).toMatchObject({ name, role: "creator", appCount: 0 });
    const members = await client.members.list.query({ project: name });
    expect(members).toEqual({
      items: [expect.objectContaining({ email, role: "creator", you: true })],
      nextCursor: null,
    });
    const audit = await client.audit.list.query({ project: name });
    expect(audit.items.map((event) => event.action)).toEqual(["project.create"]);
    expect(audit.items[0]).toMatchObject({ actor: email, details: { pack: "default@2.1.0" } });
  });

  it("refuses names Kubernetes or the platform keep, naming the rule", async () => {
    const { client } = await harness.newUser("names");
    for (const [name, rule] of [
      ["default", /Kubernetes' own namespace/],
      ["kube-things", /reserved by Kubernetes/],
      ["Shop_1", /DNS-1123 label/],
      ["a".repeat(64), /at most 63/],
      ["babyhelm", /BabyHelm itself runs in/],
    ] as const) {
      const error = await errorOf(client.projects.create.mutate({ name }));
      expect(error.code, name).toBe("BAD_REQUEST");
      expect(error.message, name).toMatch(rule);
      expect(error.data.issues[0].path, name).toBe("name");
    }
  });

  it("answers CONFLICT for a taken name and for a namespace BabyHelm does not manage", async () => {
    const { client } = await harness.newUser("conflict");
    const name = uniqueName("taken");
    await client.projects.create.mutate({ name });
    const other = await harness.newUser("conflict2");
    const taken = await errorOf(other.client.projects.create.mutate({ name }));
    expect(taken.code).toBe("CONFLICT");
    expect(taken.data.issues).toEqual([
      { path: "name", message: "is taken by another project: choose another name" },
    ]);

    const foreign = uniqueName("foreign");
    harness.sandbox.store.create("namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: foreign },
    });
    const error = await errorOf(client.projects.create.mutate({ name: foreign }));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toMatch(/already exists in the cluster and BabyHelm does not manage it/);
    expect(error.data.issues[0].path).toBe("name");
  });

  it("leaves no row and no object when the cluster refuses part of the project", async () => {
    const { client } = await harness.newUser("refused");
    const name = uniqueName("half");
    harness.sandbox.faults.fail({
      match: { resource: "networkpolicies", namespace: name },
      code: 500,
      message: "etcd is sad",
    });
    const error = await errorOf(client.projects.create.mutate({ name }));
    harness.sandbox.faults.clear();
    expect(error.code).toBe("BAD_GATEWAY");
    expect(error.message).toContain("etcd is sad");
    expect(await db.kysely.selectFrom("projects").select("id").where("name", "=", name).execute()).toEqual(
      [],
    );
    expect(
      await db.kysely.selectFrom("audit_events").select("id").where("project_name", "=", name).execute(),
    ).toEqual([]);
    await expect.poll(() => harness.sandbox.store.get("namespaces", undefined, name)).toBeUndefined();
    expect(namespaced("resourcequotas", name)).toEqual([]);
    // And the name is free again.
    await expect(client.projects.create.mutate({ name })).resolves.toMatchObject({ name });
  });

  it("says what to do when the cluster is unreachable, and writes nothing", async () => {
    const { client } = await harness.newUser("down");
    const name = uniqueName("down");
    await harness.sandbox.faults.down();
    try {
      const error = await errorOf(client.projects.create.mutate({ name }));
      expect(error.code).toBe("SERVICE_UNAVAILABLE");
      expect(error.message).toMatch(/cluster/i);
    } finally {
      await harness.sandbox.faults.up();
    }
    expect(await db.kysely.selectFrom("projects").select("id").where("name", "=", name).execute()).toEqual(
      [],
    );
  });

  it("lists the caller's projects by name, paginated, with role and app count", async () => {
    const { client } = await harness.newUser("lister");
    const names = [uniqueName("p-a"), uniqueName("p-b"), uniqueName("p-c")].sort();
    for (const name of names) await client.projects.create.mutate({ name });
    const owner = await harness.newUser("sharer");
    const shared = uniqueName("p-shared");
    await owner.client.projects.create.mutate({ name: shared });
    const { email } = (await client.auth.me.query())!;
    await owner.client.members.add.mutate({ project: shared, email, role: "viewer" });
    const project = await db.kysely
      .selectFrom("projects")
      .select("id")
      .where("name", "=", shared)
      .executeTakeFirstOrThrow();
    await db.kysely
      .insertInto("applications")
      .values({ project_id: project.id, name: "web", pack_ref: "default@2.0.0", current_revision: 1 })
      .execute();

    const seen: { name: string; role: string; appCount: number }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: { name: string; role: string; appCount: number }[]; nextCursor: string | null } =
        await client.projects.list.query({ limit: 2, cursor });
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(2);
    expect(seen.map((item) => item.name)).toEqual([...names, shared].sort());
    expect(seen.find((item) => item.name === shared)).toMatchObject({ role: "viewer", appCount: 1 });
    expect((await errorOf(client.projects.list.query({ cursor: "garbage" }))).code).toBe("BAD_REQUEST");
    await db.kysely.deleteFrom("applications").where("project_id", "=", project.id).execute();
  });

  it("never reveals whether someone else's project exists", async () => {
    const owner = await harness.newUser("secret");
    const name = uniqueName("hidden");
    await owner.client.projects.create.mutate({ name });
    const { client } = await harness.newUser("snoop");
    const hidden = await errorOf(client.projects.get.query({ name }));
    const missing = await errorOf(client.projects.get.query({ name: "no-such-project" }));
    expect(hidden.code).toBe("NOT_FOUND");
    expect(missing.code).toBe("NOT_FOUND");
    expect(hidden.message.replace(name, "X")).toBe(missing.message.replace("no-such-project", "X"));
  });

  it("deletes a project with its apps once their number is confirmed; a failed app stops it, leaving the rest as they were", async () => {
    const { client } = await harness.newUser("deleter");
    const name = uniqueName("gone");
    await client.projects.create.mutate({ name });
    const spec = { image: "nginx:1.27", ports: [{ port: 80 }] };
    for (const app of ["api", "db", "web"])
      await client.apps.create.mutate({ project: name, name: app, spec });
    const { id: projectId } = await db.kysely
      .selectFrom("projects")
      .select("id")
      .where("name", "=", name)
      .executeTakeFirstOrThrow();

    const unconfirmed = await errorOf(client.projects.delete.mutate({ name }));
    expect(unconfirmed.code).toBe("PRECONDITION_FAILED");
    expect(unconfirmed.message).toBe(
      `Project "${name}" has 3 apps: deleting it deletes them too. Confirm with the number of apps (apps: 3), or delete them first.`,
    );
    const stale = await errorOf(client.projects.delete.mutate({ name, apps: 2 }));
    expect(stale.code).toBe("CONFLICT");
    expect(stale.data.issues).toEqual([{ path: "apps", message: "is 2, but the project has 3 now" }]);
    expect((await client.projects.get.query({ name })).appCount).toBe(3);

    // The second app's Deployment cannot be deleted: the first is gone, the second and third stay whole.
    harness.sandbox.faults.fail({
      match: { verb: "delete", resource: "deployments", namespace: name, name: "db" },
      code: 500,
      message: "injected: etcd unavailable",
    });
    const stopped = await errorOf(client.projects.delete.mutate({ name, apps: 3 }));
    expect(stopped.code).toBe("BAD_GATEWAY");
    expect(stopped.message).toMatch(
      new RegExp(
        `^Deleted 1 of 3 apps of "${name}", then could not delete app "db": .*injected: etcd unavailable.* The project and its 2 remaining apps are unchanged: try again\\.$`,
      ),
    );
    expect((await client.apps.list.query({ project: name })).items.map((app) => app.name)).toEqual([
      "db",
      "web",
    ]);
    expect(harness.sandbox.store.get("namespaces", undefined, name)).toBeDefined();
    expect(harness.sandbox.store.get("deployments", name, "web")).toBeDefined();

    expect(await client.projects.delete.mutate({ name, apps: 2 })).toEqual({
      deleted: name,
      namespaceRemoved: true,
      appsDeleted: ["db", "web"],
    });
    expect(harness.sandbox.store.get("namespaces", undefined, name)).toBeUndefined();
    expect((await errorOf(client.projects.get.query({ name }))).code).toBe("NOT_FOUND");
    expect(
      await db.kysely.selectFrom("applications").select("id").where("project_id", "=", projectId).execute(),
    ).toEqual([]);
    const trail = await db.kysely
      .selectFrom("audit_events")
      .select(["action", "app_name"])
      .where("project_name", "=", name)
      .where("action", "like", "%.delete")
      .orderBy("id")
      .execute();
    expect(trail).toEqual([
      { action: "app.delete", app_name: "api" },
      { action: "app.delete", app_name: "db" },
      { action: "app.delete", app_name: "web" },
      { action: "project.delete", app_name: null },
    ]);
  });

  it("deletes a project without apps as before, without a count", async () => {
    const { client } = await harness.newUser("empty");
    const name = uniqueName("empty");
    await client.projects.create.mutate({ name });
    expect(await client.projects.delete.mutate({ name })).toEqual({
      deleted: name,
      namespaceRemoved: true,
      appsDeleted: [],
    });
  });

  it("manages members: add, change role, remove, transfer ownership; never without a creator", async () => {
    const owner = await harness.newUser("team");
    const alice = await harness.newUser("alice");
    const bob = await harness.newUser("bob");
    const project = uniqueName("team");
    await owner.client.projects.create.mutate({ name: project });

    const unknown = await errorOf(owner.client.members.add.mutate({ project, email: "ghost@example.com" }));
    expect(unknown.code).toBe("NOT_FOUND");
    expect(unknown.message).toMatch(/create an account first/);
    expect(unknown.data.issues).toEqual([
      { path: "email", message: "has no account yet: ask them to register first" },
    ]);
    await owner.client.members.add.mutate({ project, email: alice.email.toUpperCase(), role: "editor" });
    const already = await errorOf(owner.client.members.add.mutate({ project, email: alice.email }));
    expect(already.code).toBe("CONFLICT");
    expect(already.data.issues).toEqual([
      { path: "email", message: "is already a member: change their role instead" },
    ]);
    await owner.client.members.add.mutate({ project, email: bob.email });
    expect(await bob.client.projects.get.query({ name: project })).toMatchObject({ role: "viewer" });

    // The list says who is the only creator, so that the dashboard can explain before anyone tries.
    const onlyCreators = async () =>
      (await alice.client.members.list.query({ project })).items
        .filter((member) => member.onlyCreator)
        .map((member) => member.email);
    expect(await onlyCreators()).toEqual([owner.email]);
    const demoteSelf = await errorOf(
      owner.client.members.updateRole.mutate({ project, email: owner.email, role: "editor" }),
    );
    expect(demoteSelf.code).toBe("PRECONDITION_FAILED");
    expect(demoteSelf.message).toBe(
      `That would leave "${project}" without a creator: make someone else a creator first.`,
    );
    const removeSelf = await errorOf(owner.client.members.remove.mutate({ project, email: owner.email }));
    expect(removeSelf.code).toBe("PRECONDITION_FAILED");

    await owner.client.members.updateRole.mutate({ project, email: bob.email, role: "editor" });
    expect(await bob.client.projects.get.query({ name: project })).toMatchObject({ role: "editor" });
    await bob.client.members.remove.mutate({ project, email: bob.email }); // leaving is allowed
    expect((await errorOf(bob.client.projects.get.query({ name: project }))).code).toBe("NOT_FOUND");

    await owner.client.members.transferOwnership.mutate({ project, email: alice.email });
    expect(await onlyCreators()).toEqual([alice.email]);
    expect(await alice.client.projects.get.query({ name: project })).toMatchObject({ role: "creator" });
    expect(await owner.client.projects.get.query({ name: project })).toMatchObject({ role: "editor" });
    expect((await errorOf(owner.client.members.add.mutate({ project, email: bob.email }))).code).toBe(
      "FORBIDDEN",
    );

    const page1 = await alice.client.audit.list.query({ project, limit: 3 });
    const page2 = await alice.client.audit.list.query({ project, limit: 3, cursor: page1.nextCursor });
    const actions = [...page1.items, ...page2.items].map((event) => event.action);
    expect(actions.slice(0, 6)).toEqual([
      "member.transferOwnership",
      "member.remove",
      "member.updateRole",
      "member.add",
      "member.add",
      "project.create",
    ]);
  });
});
