// Secret env vars (default@2.1): set and replaced by editors, applied as the app's Secret, rolled back with their
// revision, and never shown to anyone: every answer of a full flow, the log, and the revisions, audit and secret
// tables are scanned for the values (as given and base64-encoded, as they sit in the Secret).
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { expect, it } from "vitest";
import { createLogger } from "@babyhelm/api/runtime";
import { errorOf, makeClient, uniqueName, type ApiClient } from "./support/harness.js";
import { onEveryBackend } from "./support/suites.js";

const FIRST = `first-${randomBytes(12).toString("hex")}`;
const SECOND = `second-${randomBytes(12).toString("hex")}`;
const GUESS = `guess-${randomBytes(12).toString("hex")}`;
const VALUES = [FIRST, SECOND, GUESS];
const FORMS = VALUES.flatMap((value) => [value, Buffer.from(value).toString("base64")]);

const logLines: string[] = [];
const logger = createLogger(
  "debug",
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString("utf8"));
      done();
    },
  }),
);

const spec = {
  image: "nginx:1.27",
  ports: [{ port: 80 }],
  env: [{ name: "MODE", value: "one" }],
  secrets: [{ name: "DB_PASSWORD" }, { name: "API_KEY", secretRef: { name: "vendor", key: "api-key" } }],
};

interface DeploymentShape {
  spec: {
    template: {
      metadata: { annotations?: Record<string, string> };
      spec: { containers: { env: unknown[] }[] };
    };
  };
}

function leaked(texts: readonly string[]): string[] {
  return texts.filter((text) => FORMS.some((form) => text.includes(form)));
}

onEveryBackend(
  "app secrets",
  (suite) => {
    it("are stored, applied, rolled back and never shown to anyone", async () => {
      const { harness } = suite;
      const { sandbox } = harness;
      const answers: string[] = [];
      const signIn = async (prefix: string) => {
        const user = await harness.newUser(prefix);
        const client = makeClient(harness.url, {
          cookies: user.cookies,
          onAnswer: (body) => answers.push(body),
        });
        return { ...user, client };
      };
      const owner = await signIn("secrets-owner");
      const editor = await signIn("secrets-editor");
      const viewer = await signIn("secrets-viewer");
      const project = uniqueName("secrets");
      await owner.client.projects.create.mutate({ name: project });
      await owner.client.members.add.mutate({ project, email: editor.email, role: "editor" });
      await owner.client.members.add.mutate({ project, email: viewer.email, role: "viewer" });
      // The Secret the API_KEY reference names: the user's own, which BabyHelm never writes.
      sandbox.store.create("secrets", {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "vendor", namespace: project },
        data: { "api-key": Buffer.from("vendor-key").toString("base64") },
      });
      const secretData = () =>
        (
          sandbox.store.get("secrets", project, "web-secrets") as
            { data?: Record<string, string> } | undefined
        )?.data;
      const valueInCluster = () => {
        const data = secretData();
        return data?.DB_PASSWORD === undefined
          ? undefined
          : Buffer.from(data.DB_PASSWORD, "base64").toString();
      };
      const deployment = () => sandbox.store.get("deployments", project, "web") as unknown as DeploymentShape;
      const podAnnotation = () =>
        deployment().spec.template.metadata.annotations?.["babyhelm.io/secrets-version"];

      // A name new to the app needs a value; a value needs a stored name of the spec.
      const missing = await errorOf(editor.client.apps.create.mutate({ project, name: "web", spec }));
      expect(missing.code).toBe("BAD_REQUEST");
      expect(missing.data.issues).toEqual([
        { path: "secretValues.DB_PASSWORD", message: "give DB_PASSWORD a value" },
      ]);
      const stray = await errorOf(
        editor.client.apps.create.mutate({
          project,
          name: "web",
          spec,
          secretValues: { DB_PASSWORD: FIRST, API_KEY: GUESS },
        }),
      );
      expect(stray.code).toBe("BAD_REQUEST");
      expect(stray.data.issues.map((issue: { path: string }) => issue.path)).toEqual([
        "secretValues.API_KEY",
      ]);
      const onOldPack = await errorOf(
        editor.client.apps.create.mutate({
          project,
          name: "old",
          pack: "default@2.0.0",
          spec: { image: "nginx:1.27", ports: [{ port: 80 }] },
          secretValues: { DB_PASSWORD: FIRST },
        }),
      );
      expect(onOldPack.code).toBe("BAD_REQUEST");
      expect(onOldPack.data.issues).toEqual([
        { path: "secretValues", message: "this pack has no secrets: upgrade to default@2.1.0" },
      ]);
      expect(sandbox.store.get("deployments", project, "web")).toBeUndefined();

      const preview = await editor.client.apps.previewManifests.query({
        project,
        name: "web",
        spec,
        intent: "create",
        secretValues: { DB_PASSWORD: FIRST },
      });
      expect(preview.secretChanges).toEqual([{ name: "DB_PASSWORD", change: "added" }]);
      expect(preview.diff).toContain("secret DB_PASSWORD added");
      expect(preview.manifests.map((object) => object.kind)).not.toContain("Secret");

      await editor.client.apps.create.mutate({
        project,
        name: "web",
        spec,
        secretValues: { DB_PASSWORD: FIRST },
      });
      expect(valueInCluster()).toBe(FIRST);
      const container = deployment().spec.template.spec.containers[0]!;
      expect(container.env).toContainEqual({
        name: "DB_PASSWORD",
        valueFrom: { secretKeyRef: { name: "web-secrets", key: "DB_PASSWORD" } },
      });
      expect(container.env).toContainEqual({
        name: "API_KEY",
        valueFrom: { secretKeyRef: { name: "vendor", key: "api-key" } },
      });
      const firstVersion = podAnnotation();
      expect(firstVersion).toMatch(/^v1-[0-9a-f]{8}$/);
      expect(sandbox.store.get("secrets", project, "web-secrets")?.metadata.labels).toMatchObject({
        "babyhelm.io/project": project,
        "babyhelm.io/app": "web",
      });

      // Viewers learn names and sources; editors also who set a value, when, and its fingerprint.
      expect(await viewer.client.apps.secrets.query({ project, name: "web" })).toEqual([
        {
          name: "DB_PASSWORD",
          source: "stored",
          reference: null,
          setBy: null,
          setAt: null,
          fingerprint: null,
        },
        {
          name: "API_KEY",
          source: "reference",
          reference: null,
          setBy: null,
          setAt: null,
          fingerprint: null,
        },
      ]);
      const [stored, reference] = await editor.client.apps.secrets.query({ project, name: "web" });
      expect(stored).toMatchObject({ name: "DB_PASSWORD", source: "stored", setBy: { email: editor.email } });
      expect(stored!.fingerprint).toMatch(/^[0-9a-f]{8}$/);
      expect(Date.parse(stored!.setAt!)).not.toBeNaN();
      expect(reference).toEqual({
        name: "API_KEY",
        source: "reference",
        reference: { secret: "vendor", key: "api-key" },
        setBy: null,
        setAt: null,
        fingerprint: null,
      });

      // Omitted values are kept, and the same value again is no change: same version, no rollout.
      await editor.client.apps.update.mutate({
        project,
        name: "web",
        spec: { ...spec, env: [{ name: "MODE", value: "two" }] },
        expectedRevision: 1,
      });
      await owner.client.apps.update.mutate({
        project,
        name: "web",
        spec: { ...spec, env: [{ name: "MODE", value: "two" }] },
        expectedRevision: 2,
        secretValues: { DB_PASSWORD: FIRST },
      });
      expect(podAnnotation()).toBe(firstVersion);
      expect((await editor.client.apps.secrets.query({ project, name: "web" }))[0]).toEqual(stored);

      // A viewer's preview cannot tell a right guess from a wrong one.
      const previewOf = (value: string) =>
        viewer.client.apps.previewManifests.query({
          project,
          name: "web",
          spec: { ...spec, env: [{ name: "MODE", value: "two" }] },
          intent: "update",
          secretValues: { DB_PASSWORD: value },
        });
      const [right, wrong] = await Promise.all([previewOf(FIRST), previewOf(GUESS)]);
      expect(right.diff).toBe(wrong.diff);
      expect(right.diff).toContain("secret DB_PASSWORD changed");

      // A new value: a new revision, a new Secret, and a rollout (the pod template's annotation).
      const changed = await owner.client.apps.update.mutate({
        project,
        name: "web",
        spec: { ...spec, env: [{ name: "MODE", value: "two" }] },
        expectedRevision: 3,
        secretValues: { DB_PASSWORD: SECOND },
      });
      expect(changed.revision).toBe(4);
      expect(valueInCluster()).toBe(SECOND);
      const secondVersion = podAnnotation();
      expect(secondVersion).toMatch(/^v2-[0-9a-f]{8}$/);
      expect(secondVersion).not.toBe(firstVersion);
      const afterChange = (await editor.client.apps.secrets.query({ project, name: "web" }))[0]!;
      expect(afterChange.fingerprint).not.toBe(stored!.fingerprint);
      expect(afterChange.setBy).toEqual({ email: owner.email });
      const audit = await owner.client.audit.list.query({ project });
      expect(audit.items[0]).toMatchObject({
        action: "app.update",
        details: { revision: 4, secrets: "secrets changed: DB_PASSWORD" },
      });

      const revisions = await viewer.client.apps.revisions.query({ project, name: "web" });
      expect(revisions.items[0]).toMatchObject({ revision: 4, summary: ["secret DB_PASSWORD changed"] });
      expect(revisions.items[0]!.diff).toContain("~ secret DB_PASSWORD changed");
      expect(revisions.items.find((item) => item.revision === 3)?.summary).toEqual([]);

      // Rollback re-applies the values its revision ran with.
      await editor.client.apps.rollback.mutate({ project, name: "web", revision: 1 });
      expect(valueInCluster()).toBe(FIRST);
      expect(podAnnotation()).toBe(firstVersion);
      expect((await editor.client.apps.secrets.query({ project, name: "web" }))[0]!.fingerprint).toBe(
        stored!.fingerprint,
      );
      expect((await owner.client.audit.list.query({ project })).items[0]).toMatchObject({
        action: "app.rollback",
        details: { secrets: "secrets changed: DB_PASSWORD" },
      });
      await editor.client.apps.redeploy.mutate({ project, name: "web" });
      expect(valueInCluster()).toBe(FIRST);

      // Everything a viewer can read, once more, with the app in its final state.
      for (const client of [viewer.client, editor.client, owner.client] as ApiClient[]) {
        await client.apps.get.query({ project, name: "web" });
        await client.apps.list.query({ project });
        await client.apps.status.query({ project, name: "web" });
        await client.apps.revisions.query({ project, name: "web" });
        await client.apps.secrets.query({ project, name: "web" });
        await client.projects.get.query({ name: project });
        await client.projects.usage.query({ name: project });
        await client.projects.volumes.query({ name: project });
        await client.members.list.query({ project }).catch(() => undefined);
        await client.audit.list.query({ project }).catch(() => undefined);
      }
      expect(answers.length).toBeGreaterThan(40);
      expect(leaked(answers)).toEqual([]);

      const db = harness.db.kysely;
      const tables = await Promise.all([
        db.selectFrom("app_revisions").selectAll().execute(),
        db.selectFrom("audit_events").selectAll().execute(),
        db.selectFrom("app_secret_versions").selectAll().execute(),
      ]);
      expect(tables[0].length).toBeGreaterThanOrEqual(5);
      expect(tables[2].length).toBe(2);
      expect(leaked(tables.map((rows) => JSON.stringify(rows)))).toEqual([]);
      expect(logLines.length).toBeGreaterThan(0);
      expect(leaked(logLines)).toEqual([]);

      await owner.client.apps.delete.mutate({ project, name: "web" });
      expect(sandbox.store.get("secrets", project, "web-secrets")).toBeUndefined();
      expect(sandbox.store.get("secrets", project, "vendor")).toBeDefined();
    });
  },
  { logger },
);
