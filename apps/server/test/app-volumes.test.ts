// Persistent volumes (default@2.1): a claim per volume owned by the app, deleted with it or kept for the project
// (never collected as an orphan), adopted again by a new app of the same name, deleted from the project's list; and
// the storage they take in the project's usage.
import { expect, it } from "vitest";
import { checkDrift } from "@babyhelm/api/testing";
import { errorOf, uniqueName } from "./support/harness.js";
import { onEveryBackend } from "./support/suites.js";

const spec = {
  image: "nginx:1.27",
  ports: [{ port: 80 }],
  volumes: [{ name: "data", mountPath: "/var/lib/data", persistent: { size: "1Gi" } }],
};

async function until<T>(what: string, read: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

onEveryBackend("app volumes", (suite) => {
  it("are kept on request, listed, adopted by a new app of the same name, and deleted", async () => {
    const { harness } = suite;
    const { sandbox } = harness;
    const { client: owner } = await harness.newUser("volumes-owner");
    const { client: viewer, email: viewerEmail } = await harness.newUser("volumes-viewer");
    const project = uniqueName("volumes");
    await owner.projects.create.mutate({ name: project });
    await owner.members.add.mutate({ project, email: viewerEmail, role: "viewer" });
    const claim = () => sandbox.store.get("persistentvolumeclaims", project, "web-data");

    await owner.apps.create.mutate({ project, name: "web", spec });
    const created = claim();
    expect(created?.metadata.labels).toMatchObject({
      "babyhelm.io/project": project,
      "babyhelm.io/app": "web",
      "babyhelm.io/volume": "data",
    });
    expect(created?.spec).toMatchObject({ resources: { requests: { storage: "1Gi" } } });

    // The project's usage counts the claim's storage, against the quota's limit once it has one.
    const usage = await until("the claim in the usage", async () => {
      const read = await viewer.projects.usage.query({ name: project });
      return read.storage.claims === 1 ? read : undefined;
    });
    expect(usage.storage).toMatchObject({
      used: { value: 2 ** 30 },
      hard: null,
      claims: 1,
      claimsHard: null,
    });
    sandbox.store.create("resourcequotas", {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "storage", namespace: project, labels: { "babyhelm.io/project": project } },
      spec: { hard: { "requests.storage": "10Gi", persistentvolumeclaims: "5" } },
    });
    const limited = await until("the storage quota in the usage", async () => {
      const read = await viewer.projects.usage.query({ name: project });
      return read.storage.hard === null ? undefined : read;
    });
    expect(limited.storage).toMatchObject({
      used: { value: 2 ** 30 },
      hard: { quantity: "10Gi", value: 10 * 2 ** 30 },
      claims: 1,
      claimsHard: 5,
    });

    // A claim of a running app is not the project's to delete.
    expect(
      (await errorOf(owner.projects.deleteVolume.mutate({ name: project, volume: "web-data" }))).code,
    ).toBe("NOT_FOUND");

    const deleted = await owner.apps.delete.mutate({ project, name: "web", keepVolumes: true });
    expect(deleted.keptVolumes).toEqual(["web-data"]);
    expect(sandbox.store.get("deployments", project, "web")).toBeUndefined();
    const kept = claim();
    expect(kept?.metadata.uid).toBe(created?.metadata.uid);
    expect(kept?.metadata.labels?.["babyhelm.io/app"]).toBeUndefined();
    expect(kept?.metadata.labels).toMatchObject({
      "babyhelm.io/project": project,
      "babyhelm.io/kept-from": "web",
    });
    const listed = await until("the kept volume in the list", async () => {
      const volumes = await viewer.projects.volumes.query({ name: project });
      return volumes.length === 1 ? volumes : undefined;
    });
    expect(listed).toEqual([
      { name: "web-data", keptFrom: "web", size: "1Gi", storageClass: "standard", phase: "Bound" },
    ]);
    // Not an orphan: it is no app's any more.
    const report = await checkDrift(harness.server.services, { orphanGraceMs: 0 });
    expect(report?.orphansRemoved.filter((object) => object.includes("web-data"))).toEqual([]);
    expect(claim()?.metadata.uid).toBe(created?.metadata.uid);

    // A new app of the same name with a volume of the same name takes the claim back, data and all.
    await owner.apps.create.mutate({ project, name: "web", spec });
    expect(claim()?.metadata.uid).toBe(created?.metadata.uid);
    expect(claim()?.metadata.labels?.["babyhelm.io/app"]).toBe("web");
    await until("the adopted volume off the list", async () =>
      (await viewer.projects.volumes.query({ name: project })).length === 0 ? true : undefined,
    );

    await owner.apps.delete.mutate({ project, name: "web", keepVolumes: true });
    const refused = await errorOf(viewer.projects.deleteVolume.mutate({ name: project, volume: "web-data" }));
    expect(refused.code).toBe("FORBIDDEN");
    expect(await owner.projects.deleteVolume.mutate({ name: project, volume: "web-data" })).toEqual({
      deleted: "web-data",
    });
    expect(claim()).toBeUndefined();
    expect(
      (await errorOf(owner.projects.deleteVolume.mutate({ name: project, volume: "web-data" }))).code,
    ).toBe("NOT_FOUND");
    const audit = await owner.audit.list.query({ project });
    expect(audit.items[0]).toMatchObject({
      action: "project.deleteVolume",
      details: { volume: "web-data", keptFrom: "web" },
    });

    // Without keepVolumes, the claims go with the app.
    await owner.apps.create.mutate({ project, name: "web", spec });
    expect(claim()).toBeDefined();
    expect((await owner.apps.delete.mutate({ project, name: "web" })).keptVolumes).toEqual([]);
    expect(claim()).toBeUndefined();
  });
});
