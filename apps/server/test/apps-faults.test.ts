// A 500, a timeout and an unreachable API server at each step of create, update, rollback and delete: each ends in a
// clear error and leaves no orphan rows and no orphan objects.
import { beforeAll, expect, it } from "vitest";
import { readAppStatus } from "@babyhelm/api/testing";
import type { Db } from "@babyhelm/db";
import type { FailOptions, RequestAttributes } from "@babyhelm/kube-sandbox";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { errorOf, uniqueName, type ApiClient, type Harness } from "./support/harness.js";
import { onEveryBackend } from "./support/suites.js";

const spec = (value: string) => ({ image: "nginx:1.27", ports: [{ port: 80 }], env: [{ name: "V", value }] });

type Operation = "create" | "update" | "rollback" | "delete";

const FAULTS: Record<
  string,
  { options: Pick<FailOptions, "code" | "hang" | "drop" | "message">; codes: string[] }
> = {
  "a 500": { options: { code: 500, message: "injected: etcd unavailable" }, codes: ["BAD_GATEWAY"] },
  "a timeout": { options: { hang: true }, codes: ["GATEWAY_TIMEOUT"] },
  "an unreachable API server": { options: { drop: true }, codes: ["SERVICE_UNAVAILABLE", "GATEWAY_TIMEOUT"] },
};

onEveryBackend(
  "cluster faults",
  (suite) => {
    let db: Db;
    let harness: Harness;
    let client: ApiClient;
    let project: string;

    beforeAll(async () => {
      ({ db, harness } = suite);
      ({ client } = await harness.newUser("faults"));
      project = uniqueName("faults");
      const { namespace } = await client.projects.create.mutate({ name: project });
      // Each fault at each step leaves an app behind: more Services than default@2's quota (20) lets in, and the
      // sandbox enforces quotas like a cluster.
      const { store } = harness.sandbox;
      const [quota] = store.list("resourcequotas", namespace);
      const spec = quota!.spec as { hard: Record<string, string> };
      store.update("resourcequotas", { ...quota!, spec: { hard: { ...spec.hard, services: "1000" } } });
    });

    /** An app in the state the operation starts from. */
    async function prepare(operation: Operation): Promise<string> {
      const name = uniqueName("f").slice(0, 40);
      if (operation === "create") return name;
      await client.apps.create.mutate({ project, name, spec: spec("one") });
      if (operation === "rollback") {
        await client.apps.update.mutate({ project, name, spec: spec("two"), expectedRevision: 1 });
      }
      return name;
    }

    function run(operation: Operation, name: string) {
      switch (operation) {
        case "create":
          return client.apps.create.mutate({ project, name, spec: spec("one") });
        case "update":
          return client.apps.update.mutate({ project, name, spec: spec("two"), expectedRevision: 1 });
        case "rollback":
          return client.apps.rollback.mutate({ project, name, revision: 1 });
        case "delete":
          return client.apps.delete.mutate({ project, name });
      }
    }

    /** The cluster requests an operation makes when all goes well, in order (discovery left out). */
    async function stepsOf(
      operation: Operation,
    ): Promise<{ steps: RequestAttributes[]; learnedWith: string }> {
      const name = await prepare(operation);
      const steps: RequestAttributes[] = [];
      const stop = harness.sandbox.faults.observe((request) => {
        if (request.resource !== undefined) steps.push(request);
      });
      try {
        await run(operation, name);
      } finally {
        stop();
      }
      return { steps, learnedWith: name };
    }

    function ownedObjects(name: string): KubernetesObject[] {
      return [
        "deployments",
        "services",
        "horizontalpodautoscalers",
        "poddisruptionbudgets",
        "ingresses",
      ].flatMap(
        (resource) =>
          harness.sandbox.store
            .list(resource, project)
            .filter(
              (object) => object.metadata.labels?.["babyhelm.io/app"] === name,
            ) as unknown as KubernetesObject[],
      );
    }

    async function rowsOf(name: string) {
      const app = await db.kysely
        .selectFrom("applications")
        .select(["id", "current_revision"])
        .where("name", "=", name)
        .executeTakeFirst();
      const revisions =
        app === undefined
          ? []
          : await db.kysely
              .selectFrom("app_revisions")
              .select("revision")
              .where("app_id", "=", app.id)
              .orderBy("revision")
              .execute();
      const audit = await db.kysely
        .selectFrom("audit_events")
        .select("action")
        .where("app_name", "=", name)
        .orderBy("id")
        .execute();
      return { app, revisions: revisions.map((row) => row.revision), audit: audit.map((row) => row.action) };
    }

    /** The live objects are exactly the app's current revision: nothing half-applied, nothing drifted. */
    async function expectLiveMatchesRevision(name: string, revision: number) {
      const { manifests } = await db.kysely
        .selectFrom("app_revisions")
        .innerJoin("applications", "applications.id", "app_revisions.app_id")
        .select("app_revisions.manifests")
        .where("applications.name", "=", name)
        .where("app_revisions.revision", "=", revision)
        .executeTakeFirstOrThrow();
      const status = await readAppStatus(harness.server.services.cluster, manifests as KubernetesObject[]);
      expect(status.drift, `${name} drift`).toEqual({ missing: [], changed: [] });
      expect(ownedObjects(name)).toHaveLength(manifests.length);
    }

    async function expectUnchanged(operation: Operation, name: string) {
      const rows = await rowsOf(name);
      switch (operation) {
        case "create":
          expect(rows).toEqual({ app: undefined, revisions: [], audit: [] });
          expect(ownedObjects(name)).toEqual([]);
          return;
        case "update":
          expect(rows.app?.current_revision).toBe(1);
          expect(rows.revisions).toEqual([1]);
          expect(rows.audit).toEqual(["app.create"]);
          return expectLiveMatchesRevision(name, 1);
        case "rollback":
          expect(rows.app?.current_revision).toBe(2);
          expect(rows.revisions).toEqual([1, 2]);
          expect(rows.audit).toEqual(["app.create", "app.update"]);
          return expectLiveMatchesRevision(name, 2);
        case "delete":
          // The rows stay while any object is left, so the app can be seen and deleted again.
          expect(rows.app).toBeDefined();
          expect(rows.audit).toEqual(["app.create"]);
          await run("delete", name);
          expect(await rowsOf(name)).toMatchObject({ app: undefined, revisions: [] });
          expect(ownedObjects(name)).toEqual([]);
      }
    }

    for (const operation of ["create", "update", "rollback", "delete"] as const) {
      it(`${operation}: every fault at every step leaves everything as it was, with a clear error`, async () => {
        const { steps, learnedWith } = await stepsOf(operation);
        expect(steps.length).toBeGreaterThan(0);
        const covered: string[] = [];
        for (const [index, step] of steps.entries()) {
          const { verb, resource, namespace, name: object, dryRun } = step;
          const skip = steps
            .slice(0, index)
            .filter(
              (earlier) =>
                earlier.verb === verb &&
                earlier.resource === resource &&
                earlier.namespace === namespace &&
                earlier.name === object &&
                earlier.dryRun === dryRun,
            ).length;
          for (const [label, fault] of Object.entries(FAULTS)) {
            const name = await prepare(operation);
            // default@2 names every object after the app.
            const target = object === learnedWith ? name : object;
            const match = {
              verb,
              resource,
              namespace,
              dryRun,
              ...(target === undefined ? {} : { name: target }),
            };
            harness.sandbox.faults.fail({ ...fault.options, match, skip });
            const error = await errorOf(run(operation, name));
            harness.sandbox.faults.clear();
            const where = `${operation}, ${label} at step ${index + 1} (${verb} ${resource}${dryRun ? " dry run" : ""})`;
            expect(fault.codes, `${where}: ${error.code} ${error.message}`).toContain(error.code);
            expect(error.message.length, where).toBeGreaterThan(20);
            expect(error.message, where).not.toMatch(/Internal error/);
            await expectUnchanged(operation, name);
            covered.push(where);
          }
        }
        expect(covered.length).toBe(steps.length * 3);
      });
    }

    it("an API server that is down before anything starts: nothing is written", async () => {
      const name = await prepare("update");
      await harness.sandbox.faults.down();
      try {
        for (const operation of ["create", "update", "delete"] as const) {
          const error = await errorOf(run(operation, operation === "create" ? `${name}-new` : name));
          expect(error.code).toBe("SERVICE_UNAVAILABLE");
          expect(error.message).toMatch(/Is the cluster running/);
        }
      } finally {
        await harness.sandbox.faults.up();
      }
      expect(await rowsOf(`${name}-new`)).toEqual({ app: undefined, revisions: [], audit: [] });
      expect((await rowsOf(name)).app?.current_revision).toBe(1);
    });
  },
  { requestTimeoutMs: 600 },
);
