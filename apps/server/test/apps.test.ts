import { beforeAll, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { checkDrift } from "@babyhelm/api/testing";
import type { Db } from "@babyhelm/db";
import {
  errorOf,
  makeStreamingClient,
  uniqueName,
  type ApiClient,
  type Harness,
  type SignedInClient,
} from "./support/harness.js";
import { createOrphanService } from "./support/orphans.js";
import { onEveryBackend } from "./support/suites.js";

const nginx = { image: "nginx:1.27", ports: [{ port: 80 }], env: [{ name: "GREETING", value: "hello" }] };

onEveryBackend(
  "applications",
  (suite) => {
    let db: Db;
    let harness: Harness;
    let owner: SignedInClient;
    let client: ApiClient;
    let project: string;

    beforeAll(async () => {
      ({ db, harness } = suite);
      owner = await harness.newUser("apps");
      client = owner.client;
      project = uniqueName("apps");
      await client.projects.create.mutate({ name: project });
    });

    async function waitForState(name: string, state: string, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let status = await client.apps.status.query({ project, name });
      while (status.state !== state && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        status = await client.apps.status.query({ project, name });
      }
      expect(status.state, status.message).toBe(state);
      return status;
    }

    function live(resource: string, name: string) {
      return harness.sandbox.store.get(resource, project, name);
    }

    it("deploys with default@2 (its newest version, 2.1.0), pinned to that exact version, and reaches ready", async () => {
      const created = await client.apps.create.mutate({ project, name: "web", spec: nginx });
      expect(created).toEqual({ name: "web", pack: "default@2.1.0", revision: 1 });
      const deployment = live("deployments", "web");
      expect(deployment?.metadata.labels).toMatchObject({
        "babyhelm.io/project": project,
        "babyhelm.io/app": "web",
      });
      expect(live("services", "web")?.metadata.labels).toMatchObject({ "babyhelm.io/app": "web" });
      const status = await waitForState("web", "ready");
      expect(status.replicas).toMatchObject({ desired: 1, ready: 1, available: 1 });
      expect(status.progress).toEqual({ done: 1, total: 1 });

      const app = await client.apps.get.query({ project, name: "web" });
      expect(app).toMatchObject({
        name: "web",
        revision: 1,
        pack: "default@2.1.0",
        image: "nginx:1.27",
        env: [{ name: "GREETING", value: "hello" }],
        spec: { ...nginx, name: "web" },
        status: { state: "ready" },
      });
      expect(app.links).toEqual([
        {
          kind: "dashboard",
          url: `https://grafana.example/d/k8s?var-namespace=${project}&var-deployment=web`,
        },
      ]);
      const audit = await client.audit.list.query({ project });
      expect(audit.items[0]).toMatchObject({ action: "app.create", app: "web", details: { revision: 1 } });
    });

    it("names every bad field of a spec, and creates nothing", async () => {
      const error = await errorOf(
        client.apps.create.mutate({
          project,
          name: "bad",
          spec: { image: "", ports: [{ port: 70000 }], replicaz: 2 },
        }),
      );
      expect(error.code).toBe("BAD_REQUEST");
      const paths = (error.data.issues as { path: string }[]).map((issue) => issue.path);
      expect(paths).toEqual(expect.arrayContaining(["spec.image", "spec.ports[0].port"]));
      expect(paths.some((path) => path.includes("replicaz"))).toBe(true);
      const mismatch = await errorOf(
        client.apps.create.mutate({ project, name: "bad", spec: { ...nginx, name: "other" } }),
      );
      expect(mismatch.data.issues).toEqual([
        { path: "spec.name", message: expect.stringContaining('"bad"') },
      ]);
      const badName = await errorOf(client.apps.create.mutate({ project, name: "Bad_Name", spec: nginx }));
      expect(badName.data.issues[0].path).toBe("name");
      expect(live("deployments", "bad")).toBeUndefined();
      expect(
        await db.kysely.selectFrom("applications").select("name").where("name", "=", "bad").execute(),
      ).toEqual([]);
    });

    it("refuses a taken name, and objects that BabyHelm did not create", async () => {
      const taken = await errorOf(client.apps.create.mutate({ project, name: "web", spec: nginx }));
      expect(taken.code).toBe("CONFLICT");
      // Named as the field it is about, so that a form shows it beside the name input.
      expect(taken.data.issues).toEqual([
        { path: "name", message: `is taken by another app in "${project}": choose another name` },
      ]);
      harness.sandbox.store.create("configmaps", {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "x", namespace: project },
      });
      harness.sandbox.store.create("services", {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "handmade", namespace: project },
        spec: { ports: [{ port: 80 }] },
      });
      const error = await errorOf(client.apps.create.mutate({ project, name: "handmade", spec: nginx }));
      expect(error.code).toBe("CONFLICT");
      expect(error.message).toMatch(/Service "handmade" already exists .* BabyHelm did not create it/);
      expect(live("deployments", "handmade")).toBeUndefined();
    });

    it("updates with a new revision, refuses a stale one, lists revisions with diffs, and rolls back", async () => {
      const stale = await errorOf(
        client.apps.update.mutate({ project, name: "web", spec: nginx, expectedRevision: 7 }),
      );
      expect(stale.code).toBe("CONFLICT");
      expect(stale.message).toMatch(/reload/);

      const changed = { ...nginx, env: [{ name: "GREETING", value: "bonjour" }] };
      expect(
        await client.apps.update.mutate({ project, name: "web", spec: changed, expectedRevision: 1 }),
      ).toEqual({ revision: 2 });
      const container = (live("deployments", "web") as any).spec.template.spec.containers[0];
      expect(container.env).toEqual([{ name: "GREETING", value: "bonjour" }]);
      await waitForState("web", "ready");

      const revisions = await client.apps.revisions.query({ project, name: "web" });
      expect(revisions.items.map((item) => [item.revision, item.reason, item.current])).toEqual([
        [2, "update", true],
        [1, "create", false],
      ]);
      expect(revisions.items[0]!.author).toBe(owner.email);
      expect(revisions.items[0]!.diff).toContain("spec.template.spec.containers[0].env[0].value");
      expect(revisions.items[0]!.changes).toEqual([
        expect.objectContaining({ object: "Deployment/web", change: "changed" }),
      ]);
      // The entry says what changed in plain words; the env value (maybe a secret) only in the detailed diff.
      expect(revisions.items[0]!.summary).toEqual(["env GREETING changed"]);
      expect(revisions.items[1]!.summary).toEqual([`image ${nginx.image}`, "1 replica"]);

      expect(await client.apps.rollback.mutate({ project, name: "web", revision: 1 })).toEqual({
        revision: 3,
      });
      const app = await client.apps.get.query({ project, name: "web" });
      expect(app).toMatchObject({ revision: 3, env: [{ name: "GREETING", value: "hello" }] });
      const [third] = (await client.apps.revisions.query({ project, name: "web", limit: 1 })).items;
      expect(third).toMatchObject({ revision: 3, reason: "rollback to 1", spec: { ...nginx, name: "web" } });
      expect((await errorOf(client.apps.rollback.mutate({ project, name: "web", revision: 3 }))).code).toBe(
        "BAD_REQUEST",
      );
      expect((await errorOf(client.apps.rollback.mutate({ project, name: "web", revision: 9 }))).code).toBe(
        "NOT_FOUND",
      );
    });

    it("restarts as kubectl rollout restart does, and later applies keep the restart", async () => {
      const { restartedAt } = await client.apps.restart.mutate({ project, name: "web" });
      const template = (live("deployments", "web") as any).spec.template;
      expect(template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]).toBe(restartedAt);
      const managers = (live("deployments", "web")?.metadata.managedFields as { manager: string }[]).map(
        (entry) => entry.manager,
      );
      expect(managers).toEqual(expect.arrayContaining(["babyhelm", "babyhelm-restart"]));
      await waitForState("web", "ready");
      await client.apps.update.mutate({
        project,
        name: "web",
        spec: { ...nginx, replicas: 2 },
        expectedRevision: 3,
      });
      const after = (live("deployments", "web") as any).spec.template;
      expect(after.metadata.annotations["kubectl.kubernetes.io/restartedAt"]).toBe(restartedAt);
      await waitForState("web", "ready");
    });

    it("reports objects deleted or changed out of band as drifted, and redeploy repairs them", async () => {
      harness.sandbox.store.delete("services", project, "web");
      const missing = await waitForState("web", "drifted");
      expect(missing.drift.missing).toEqual([expect.objectContaining({ kind: "Service", name: "web" })]);
      expect(missing.message).toMatch(/redeploy/i);

      const deployment = harness.sandbox.store.get("deployments", project, "web")!;
      (deployment as any).spec.template.spec.containers[0].image = "nginx:1.26";
      harness.sandbox.store.update("deployments", deployment);
      const report = await checkDrift(harness.server.services);
      expect(report?.drifted).toContain(`${project}/web`);
      const listed = await client.apps.list.query({ project });
      expect(listed.items.find((item) => item.name === "web")?.status?.state).toBe("drifted");
      const audit = await client.audit.list.query({ project, limit: 1 });
      expect(audit.items[0]).toMatchObject({ action: "app.drifted", actor: null, app: "web" });

      await client.apps.redeploy.mutate({ project, name: "web" });
      expect(live("services", "web")).toBeDefined();
      expect((live("deployments", "web") as any).spec.template.spec.containers[0].image).toBe("nginx:1.27");
      await waitForState("web", "ready");
      expect(
        (await client.apps.list.query({ project })).items.find((item) => item.name === "web")?.status?.state,
      ).toBe("ready");
    });

    it("streams rollout progress over server-sent events until ready", async () => {
      const streaming = makeStreamingClient(harness.url, owner.cookies);
      await client.apps.create.mutate({ project, name: "stream", spec: { ...nginx, replicas: 3 } });
      const states: { state: string; done: number }[] = [];
      await new Promise<void>((resolve, reject) => {
        const subscription = streaming.apps.watchStatus.subscribe(
          { project, name: "stream" },
          {
            onData: ({ data: status }) => {
              states.push({ state: status.state, done: status.progress.done });
              if (status.state === "ready") {
                subscription.unsubscribe();
                resolve();
              }
            },
            onError: reject,
          },
        );
      });
      // Pods get ready within milliseconds here; the client e2e test watches a slower rollout step by step.
      expect(states.at(-1)).toEqual({ state: "ready", done: 3 });
      expect(states.slice(0, -1).every((entry) => entry.state === "deploying")).toBe(true);
    });

    it("resumes a status stream after the last event id it got: no status twice, the current one once", async () => {
      const streaming = makeStreamingClient(harness.url, owner.cookies);
      const watch = (lastEventId?: string) =>
        new Promise<{ id: string; state: string }[]>((resolve, reject) => {
          const events: { id: string; state: string }[] = [];
          streaming.apps.watchStatus.subscribe(
            { project, name: "stream", ...(lastEventId === undefined ? {} : { lastEventId }) },
            {
              onData: ({ id, data }) => events.push({ id, state: data.state }),
              onError: reject,
              onComplete: () => {
                resolve(events);
              },
            },
          );
        });
      const first = await watch();
      expect(first.at(-1)?.state).toBe("ready");
      // The client had the settled status when its stream broke: resumed (on any replica), the stream just ends.
      expect(await watch(first.at(-1)!.id)).toEqual([]);
      // It had an earlier status (another revision's): it gets the current one, once.
      const [revision] = first.at(-1)!.id.split(".");
      const earlier = `${Number(revision) + 1}.${"A".repeat(22)}`;
      expect(await watch(earlier)).toEqual([first.at(-1)]);
      // An id this stream never sent is refused plainly, naming the field.
      const refused = await new Promise<unknown>((resolve) => {
        streaming.apps.watchStatus.subscribe(
          { project, name: "stream", lastEventId: "not an id" },
          {
            onError: resolve,
            onComplete: () => {
              resolve(undefined);
            },
          },
        );
      });
      expect(refused).toMatchObject({
        data: { code: "BAD_REQUEST" },
        message: expect.stringContaining("lastEventId"),
      });
    });

    it("shows a failed pull plainly", async () => {
      await client.apps.create.mutate({
        project,
        name: "broken",
        spec: { image: "invalid.example/nope:1", ports: [{ port: 80 }] },
      });
      const status = await waitForState("broken", "failed");
      expect(status.message).toMatch(/invalid\.example\/nope:1/);
      expect(status.pods[0]?.waitingReason).toMatch(/ErrImagePull|ImagePullBackOff/);
    });

    it("lists apps by name with status, paginated", async () => {
      const first = await client.apps.list.query({ project, limit: 2 });
      const second = await client.apps.list.query({ project, limit: 2, cursor: first.nextCursor });
      expect([...first.items, ...second.items].map((item) => item.name)).toEqual(["broken", "stream", "web"]);
      expect(second.nextCursor).toBeNull();
      expect(first.items[0]).toMatchObject({
        name: "broken",
        image: "invalid.example/nope:1",
        status: { state: "failed" },
      });
    });

    it("previews manifests and the change against what runs, with no side effects", async () => {
      const preview = await client.apps.previewManifests.query({
        project,
        name: "web",
        spec: { ...nginx, replicas: 2, env: [{ name: "GREETING", value: "hi" }] },
      });
      expect(preview.pack).toBe("default@2.1.0");
      expect(preview.serverCheck).toEqual({ ok: true });
      // The same objects as YAML text, one document each, in the same order.
      expect(parseAllDocuments(preview.yaml).map((document) => document.toJS() as unknown)).toEqual(
        preview.manifests,
      );
      expect(preview.yaml).toContain("- name: GREETING\n");
      expect(preview.changes).toEqual([
        expect.objectContaining({
          object: "Deployment/web",
          fields: [
            expect.objectContaining({
              path: "spec.template.spec.containers[0].env[0].value",
              before: "hello",
              after: "hi",
            }),
          ],
        }),
      ]);
      const fresh = await client.apps.previewManifests.query({
        project,
        spec: { ...nginx, name: "new-one" },
      });
      expect(fresh.changes.every((change) => change.change === "added")).toBe(true);
      expect(live("deployments", "new-one")).toBeUndefined();
      expect((await client.apps.get.query({ project, name: "web" })).env).toEqual([
        { name: "GREETING", value: "hello" },
      ]);
    });

    it("collapses classic@1's repeated env names (last wins) so server-side apply accepts them", async () => {
      const created = await client.apps.create.mutate({
        project,
        name: "legacy",
        pack: "classic@1",
        spec: {
          image: "nginx:1.27",
          ports: { port: 80, targetPort: 80 },
          envs: [
            { name: "A", value: "1" },
            { name: "B", value: "2" },
            { name: "A", value: "3" },
          ],
        },
      });
      expect(created.pack).toBe("classic@1.0.0");
      const env = (harness.sandbox.store.get("deployments", project, "legacy-deployment") as any).spec
        .template.spec.containers[0].env;
      expect(env).toEqual([
        { name: "B", value: "2" },
        { name: "A", value: "3" },
      ]);
      expect(
        harness.sandbox.store.get("horizontalpodautoscalers", project, "legacy-autoscaler"),
      ).toBeDefined();
      expect((await client.apps.get.query({ project, name: "legacy" })).env).toHaveLength(3);
    });

    it("deletes every object the app owns, then its rows; the project can go once it has no apps", async () => {
      for (const name of ["web", "stream", "broken", "legacy"]) {
        const result = await client.apps.delete.mutate({ project, name });
        expect(result.deleted).toBe(name);
      }
      expect((await errorOf(client.apps.get.query({ project, name: "web" }))).code).toBe("NOT_FOUND");
      for (const resource of [
        "deployments",
        "services",
        "horizontalpodautoscalers",
        "poddisruptionbudgets",
        "ingresses",
      ]) {
        const owned = harness.sandbox.store
          .list(resource, project)
          .filter((object) => object.metadata.labels?.["babyhelm.io/app"]);
        expect(owned, resource).toEqual([]);
      }
      await expect.poll(() => harness.sandbox.store.list("pods", project).length).toBe(0);
      expect(await db.kysely.selectFrom("app_revisions").select("id").execute()).toEqual([]);
      const report = await checkDrift(harness.server.services, { orphanGraceMs: 0 });
      expect(report?.orphansRemoved).toEqual([]);
    });

    it("the periodic check removes objects of apps that no longer exist", async () => {
      createOrphanService(harness.sandbox, project, "ghost");
      // The check reads the cluster cache, which learns of the object from its watch.
      const ghost = { apiVersion: "v1", kind: "Service", namespace: project, name: "ghost" };
      await expect.poll(() => harness.server.services.clusterState.get(ghost)).toBeDefined();
      expect((await checkDrift(harness.server.services))?.orphansRemoved).toEqual([]);
      // Another replica's check in progress (the same lock): this one does not run at all.
      const [first, second] = await Promise.all([
        checkDrift(harness.server.services, { orphanGraceMs: 0 }),
        checkDrift(harness.server.services, { orphanGraceMs: 0 }),
      ]);
      expect([first, second].filter((report) => report === undefined)).toHaveLength(1);
      const report = first ?? second;
      expect(report?.orphansRemoved).toEqual([`${project}/Service/ghost`]);
      expect(live("services", "ghost")).toBeUndefined();
    });
  },
  {
    env: {
      GRAFANA_DASHBOARD_URL:
        "https://grafana.example/d/k8s?var-namespace={namespace}&var-deployment={deployment}",
    },
  },
);
