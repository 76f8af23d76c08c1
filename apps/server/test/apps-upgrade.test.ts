// Pack versions are pinned per app: new versions on the server change nothing until the app's owner upgrades.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@babyhelm/db";
import { testBackends } from "@babyhelm/db/testing";
import { startSandbox, type Sandbox } from "@babyhelm/kube-sandbox";
import { errorOf, makeClient, startHarness, uniqueName, type Harness } from "./support/harness.js";
import { packsBeforeUpgrade, packsWithUpgrade } from "./support/packs.js";

const spec = { image: "nginx:1.27", ports: [{ port: 80 }] };

for (const backend of testBackends()) {
  describe.skipIf(backend.skipReason !== undefined)(`pack pinning and upgrades on ${backend.name}`, () => {
    let db: Db;
    let sandbox: Sandbox;
    let upgraded: Harness | undefined;
    beforeAll(async () => {
      db = await backend.open();
      sandbox = await startSandbox({ readyDelayMs: 20 });
    });
    afterAll(async () => {
      await upgraded?.stop();
      await sandbox?.stop();
      await db?.close();
    });

    function packAnnotation(project: string): string | undefined {
      return sandbox.store.get("deployments", project, "web")?.metadata.annotations?.["example.com/pack"];
    }

    it("keeps an app on its pack version across a server upgrade until its owner upgrades it", async () => {
      const original = await startHarness(db, { sandbox, packs: packsBeforeUpgrade });
      const owner = await original.newUser("pin");
      const project = uniqueName("pin");
      await owner.client.projects.create.mutate({ name: project });
      await owner.client.apps.create.mutate({ project, name: "web", spec });
      await original.stop();

      // The same database and cluster; the new server also ships default@2.1.0, now the newest default@2.
      upgraded = await startHarness(db, { sandbox, packs: packsWithUpgrade });
      const api = makeClient(upgraded.url, { cookies: owner.cookies });
      await api.apps.redeploy.mutate({ project, name: "web" });
      await api.apps.update.mutate({
        project,
        name: "web",
        spec: { ...spec, replicas: 2 },
        expectedRevision: 1,
      });
      expect(packAnnotation(project)).toBeUndefined();
      expect((await api.apps.get.query({ project, name: "web" })).pack).toBe("default@2.0.0");
      const revisions = await api.apps.revisions.query({ project, name: "web" });
      expect(revisions.items.map((item) => item.pack)).toEqual(["default@2.0.0", "default@2.0.0"]);

      const packs = await api.apps.packs.query({ project });
      expect(packs.map((pack) => [pack.ref, pack.default])).toEqual([
        ["classic@1.0.0", false],
        ["default@2.1.0", true],
        ["default@2.0.0", false],
      ]);
      expect(packs[1]!.specSchema).toMatchObject({ type: "object" });

      const preview = await api.apps.upgradePack.mutate({
        project,
        name: "web",
        to: "default@2",
        preview: true,
      });
      expect(preview).toMatchObject({ from: "default@2.0.0", to: "default@2.1.0", revision: null });
      expect(preview.diff).toContain("example.com/pack");
      expect((await api.apps.get.query({ project, name: "web" })).revision).toBe(2);
      expect(packAnnotation(project)).toBeUndefined();

      expect(
        (await api.apps.upgradePack.mutate({ project, name: "web", to: "default@2.1.0" })).revision,
      ).toBe(3);
      expect((await api.apps.get.query({ project, name: "web" })).pack).toBe("default@2.1.0");
      expect(packAnnotation(project)).toBe("2.1.0");
      // New apps get the newest default.
      await api.apps.create.mutate({ project, name: "fresh", spec });
      expect((await api.apps.get.query({ project, name: "fresh" })).pack).toBe("default@2.1.0");

      const backwards = await errorOf(
        api.apps.upgradePack.mutate({ project, name: "web", to: "default@2.0.0" }),
      );
      expect(backwards.code).toBe("BAD_REQUEST");
      expect(backwards.data.issues[0]).toMatchObject({
        path: "to",
        message: expect.stringContaining("not newer"),
      });
      const otherPack = await errorOf(api.apps.upgradePack.mutate({ project, name: "web", to: "classic@1" }));
      expect(otherPack.data.issues[0].message).toMatch(/own pack \(default\)/);
      expect(
        (await errorOf(api.apps.upgradePack.mutate({ project, name: "web", to: "default@9" }))).code,
      ).toBe("BAD_REQUEST");

      // Rolling back to revision 2 returns to the version it was rendered with, as Helm's history would.
      await api.apps.rollback.mutate({ project, name: "web", revision: 2 });
      expect((await api.apps.get.query({ project, name: "web" })).pack).toBe("default@2.0.0");
      expect(packAnnotation(project)).toBeUndefined();
    });
  });
}
