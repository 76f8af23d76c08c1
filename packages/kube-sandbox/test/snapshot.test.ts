// dataDir persistence: a restarted sandbox finds its objects, token and monotonic resourceVersions again.
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { client, deployment, testSandbox } from "./helpers.js";

const dataDir = await mkdtemp(join(tmpdir(), "kube-sandbox-"));

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("snapshots", () => {
  it("restores objects across a restart, with the same token and increasing resourceVersions", async () => {
    const first = await testSandbox({ dataDir });
    const api = client(first);
    const created = await api("/apis/apps/v1/namespaces/default/deployments", {
      method: "POST",
      body: deployment("keep"),
    });
    expect(created.status).toBe(201);
    const lastVersion = Number(first.store.resourceVersion);
    await first.stop();
    const saved = JSON.parse(await readFile(join(dataDir, "sandbox-state.json"), "utf8"));
    // The state holds the token, the TLS key and every Secret: readable by the owner only.
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    for (const file of await readdir(dataDir))
      expect((await stat(join(dataDir, file))).mode & 0o777).toBe(0o600);
    expect(saved.objects.deployments).toHaveLength(1);

    const second = await testSandbox({ dataDir });
    try {
      expect(second.token).toBe(first.token);
      const again = client(second);
      const restored = await again("/apis/apps/v1/namespaces/default/deployments/keep");
      expect(restored.status).toBe(200);
      expect(restored.body.metadata.uid).toBe(created.body.metadata.uid);
      const next = await again("/api/v1/namespaces/default/configmaps", {
        method: "POST",
        body: { metadata: { name: "after" } },
      });
      expect(Number(next.body.metadata.resourceVersion)).toBeGreaterThan(lastVersion);
    } finally {
      await second.stop();
    }
  });
});
