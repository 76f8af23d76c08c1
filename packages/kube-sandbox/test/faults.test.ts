// Fault injection: failures with a Status, dropped connections, latency, server down and up again.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../src/index.js";
import { client, testSandbox } from "./helpers.js";

let sandbox: Sandbox;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  sandbox = await testSandbox();
  api = client(sandbox);
});

afterEach(async () => {
  sandbox.faults.clear();
  await sandbox.faults.up();
});

afterAll(async () => {
  await sandbox.stop();
});

describe("faults", () => {
  it("fails the next N matching requests with a proper Status", async () => {
    sandbox.faults.fail({ count: 2, match: { verb: "list", resource: "configmaps" }, code: 503 });
    const unaffected = await api("/api/v1/namespaces/default/secrets");
    expect(unaffected.status).toBe(200);
    for (let attempt = 0; attempt < 2; attempt++) {
      const failed = await api("/api/v1/namespaces/default/configmaps");
      expect(failed.status).toBe(503);
      expect(failed.body).toMatchObject({
        kind: "Status",
        status: "Failure",
        reason: "ServiceUnavailable",
        code: 503,
      });
    }
    expect((await api("/api/v1/namespaces/default/configmaps")).status).toBe(200);
  });

  it("matches on namespace and name, with a custom reason and message", async () => {
    sandbox.faults.fail({
      match: { verb: "get", namespace: "default", name: "target" },
      code: 429,
      message: "slow down",
    });
    expect((await api("/api/v1/namespaces/default/configmaps/other")).status).toBe(404);
    const failed = await api("/api/v1/namespaces/default/configmaps/target");
    expect(failed.body).toMatchObject({ code: 429, reason: "TooManyRequests", message: "slow down" });
  });

  it("skips matching requests, tells dry runs apart, and lets tests observe the requests", async () => {
    const seen: string[] = [];
    const stop = sandbox.faults.observe((request) =>
      seen.push(
        `${request.verb} ${request.resource ?? "-"} ${request.name ?? "-"}${request.dryRun ? " (dry run)" : ""}`,
      ),
    );
    sandbox.faults.fail({
      skip: 1,
      match: { verb: "create", resource: "configmaps", dryRun: false },
      code: 500,
    });
    const create = (name: string, dryRun: boolean) =>
      api(`/api/v1/namespaces/default/configmaps${dryRun ? "?dryRun=All" : ""}`, {
        method: "POST",
        body: { metadata: { name } },
      });
    expect((await create("first", false)).status).toBe(201);
    expect((await create("second", true)).status).toBe(201);
    expect((await create("second", false)).status).toBe(500);
    expect((await create("third", false)).status).toBe(201);
    stop();
    await api("/api/v1/namespaces/default/configmaps");
    expect(seen).toEqual([
      "create configmaps -",
      "create configmaps - (dry run)",
      "create configmaps -",
      "create configmaps -",
    ]);
  });

  it("hangs a request until the client gives up, and clear() ends it", async () => {
    sandbox.faults.fail({ hang: true, match: { verb: "get", name: "stuck" } });
    const started = Date.now();
    await expect(
      fetch(`${sandbox.url}/api/v1/namespaces/default/configmaps/stuck`, {
        headers: { authorization: `Bearer ${sandbox.token}` },
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    const pending = fetch(`${sandbox.url}/api/v1/namespaces/default/configmaps/stuck`, {
      headers: { authorization: `Bearer ${sandbox.token}` },
    });
    sandbox.faults.fail({ hang: true, match: { verb: "get", name: "stuck" } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    sandbox.faults.clear();
    await expect(pending).rejects.toThrow();
    // Unhung, the same request is served.
    const again = await api("/api/v1/namespaces/default/configmaps/stuck");
    expect(again.status).toBe(404);
  });

  it("drops the connection", async () => {
    sandbox.faults.fail({ drop: true, match: { verb: "create" } });
    await expect(
      api("/api/v1/namespaces/default/configmaps", { method: "POST", body: { metadata: { name: "x" } } }),
    ).rejects.toThrow();
    expect((await api("/api/v1/namespaces/default/configmaps")).status).toBe(200);
  });

  it("adds latency globally and per match", async () => {
    // Only lower bounds are exact; "unaffected" is checked against a delay far above a loaded machine's jitter.
    sandbox.faults.delay(400, { resource: "secrets" });
    let started = Date.now();
    await api("/api/v1/namespaces/default/configmaps");
    expect(Date.now() - started).toBeLessThan(400);
    started = Date.now();
    await api("/api/v1/namespaces/default/secrets");
    expect(Date.now() - started).toBeGreaterThanOrEqual(395);
    sandbox.faults.clear();
    sandbox.faults.delay(100);
    started = Date.now();
    await api("/version");
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it("goes down (connection refused) and comes back on the same port with its state", async () => {
    await api("/api/v1/namespaces/default/configmaps", {
      method: "POST",
      body: { metadata: { name: "survivor" } },
    });
    await sandbox.faults.down();
    await expect(api("/version")).rejects.toThrow();
    await sandbox.faults.up();
    expect((await api("/api/v1/namespaces/default/configmaps/survivor")).status).toBe(200);
  });
});

describe("startSandbox", () => {
  it("rejects a port that is taken", async () => {
    const port = Number(new URL(sandbox.url).port);
    await expect(testSandbox({ port })).rejects.toThrow(/EADDRINUSE/);
  });
});
