// Editing apps: the manifest preview's intent (a new app's preview reports a taken name as an issue on `name`, never a
// dry run against the existing app's live objects; an edit's preview is a diff against what runs), and an edit that
// removes a health check, which server-side apply alone would leave half there.
import { beforeAll, expect, it } from "vitest";
import { errorOf, uniqueName, type ApiClient } from "./support/harness.js";
import { onEveryBackend } from "./support/suites.js";

const plain = { image: "nginx:1.27", ports: [{ port: 80 }] };

onEveryBackend("app edits", (suite) => {
  let client: ApiClient;
  let project: string;
  beforeAll(async () => {
    client = (await suite.harness.newUser("preview")).client;
    project = uniqueName("preview");
    await client.projects.create.mutate({ name: project });
    // The app whose name the new one takes has a liveness probe the new spec never mentions.
    await client.apps.create.mutate({
      project,
      name: "web",
      spec: { ...plain, probes: { liveness: { type: "http", path: "/" } } },
    });
  });

  it("refuses a taken name for a new app as an issue on the name, without a dry run over that app", async () => {
    const error = await errorOf(
      client.apps.previewManifests.query({ project, name: "web", spec: plain, intent: "create" }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.data.issues).toEqual([
      { path: "name", message: "An app named web already exists in this project: choose another name" },
    ]);
    expect(error.message).not.toMatch(/livenessProbe/);
  });

  it("previews a free name for a new app as objects to add, accepted by the cluster", async () => {
    const preview = await client.apps.previewManifests.query({
      project,
      name: "api",
      spec: plain,
      intent: "create",
    });
    expect(preview.serverCheck).toEqual({ ok: true });
    expect(preview.changes.every((change) => change.change === "added")).toBe(true);
  });

  it("previews an edit as a diff against what runs, and refuses an edit of an app that does not exist", async () => {
    const preview = await client.apps.previewManifests.query({
      project,
      name: "web",
      spec: { ...plain, probes: { liveness: { type: "http", path: "/" } }, replicas: 2 },
      intent: "update",
    });
    expect(preview.diff).toContain("spec.replicas: 1 -> 2");
    expect(preview.serverCheck).toEqual({ ok: true });
    const missing = await errorOf(
      client.apps.previewManifests.query({ project, name: "nope", spec: plain, intent: "update" }),
    );
    expect(missing.code).toBe("NOT_FOUND");
  });

  it("removes a health check in an edit: previewed as accepted, applied, and gone from the Deployment", async () => {
    const withoutProbe = { ...plain, replicas: 1 };
    const preview = await client.apps.previewManifests.query({
      project,
      name: "web",
      spec: withoutProbe,
      intent: "update",
    });
    expect(preview.serverCheck).toEqual({ ok: true });
    expect(preview.diff).toContain("livenessProbe");
    const { revision } = await client.apps.get.query({ project, name: "web" });
    await client.apps.update.mutate({ project, name: "web", spec: withoutProbe, expectedRevision: revision });
    const container = () =>
      (
        suite.harness.sandbox.store.get("deployments", project, "web")?.spec as {
          template: { spec: { containers: Record<string, unknown>[] } };
        }
      ).template.spec.containers[0];
    expect(container()).not.toHaveProperty("livenessProbe");
    // And back: adding it again works too.
    await client.apps.update.mutate({
      project,
      name: "web",
      spec: { ...withoutProbe, probes: { liveness: { type: "tcp" } } },
      expectedRevision: revision + 1,
    });
    expect(container()?.livenessProbe).toMatchObject({ tcpSocket: { port: 80 } });
  });
});
