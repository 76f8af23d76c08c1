import { request, type IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@babyhelm/api/runtime";
import { createDb, type Db } from "@babyhelm/db";
import { startSandbox } from "@babyhelm/kube-sandbox";
import { ConfigError, loadConfig } from "../src/config.js";
import { MAX_BATCH_SIZE } from "../src/http/http-server.js";
import { startHarness, type Harness } from "./support/harness.js";

describe("configuration from the environment", () => {
  it("has defaults that start the product on embedded PGlite and, without a kubeconfig, the sandbox", () => {
    const config = loadConfig({ HOME: "/nonexistent" });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: undefined,
      cluster: { mode: "sandbox" },
      platformNamespace: "babyhelm",
      defaultPack: "default@2",
    });
    expect(config.dataDir).toMatch(/\.data$/);
  });

  it("uses a kubeconfig when one is configured, with its context", () => {
    const config = loadConfig({ KUBECONFIG: "/etc/kube/config", KUBE_CONTEXT: "prod" });
    expect(config.cluster).toEqual({
      mode: "kubeconfig",
      kubeconfigPath: "/etc/kube/config",
      context: "prod",
    });
    expect(loadConfig({ BABYHELM_CLUSTER: "in-cluster" }).cluster).toEqual({ mode: "in-cluster" });
  });

  it("names every bad variable with its value and the rule", () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: "http",
        PUBLIC_URL: "babyhelm.example.com",
        DATABASE_URL: "mysql://db/babyhelm",
        BABYHELM_CLUSTER: "minikube",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems).toEqual([
      expect.stringMatching(/^PORT="http": /),
      expect.stringMatching(/^PUBLIC_URL="babyhelm.example.com": must be an http:\/\/ or https:\/\/ URL/),
      expect.stringMatching(/^DATABASE_URL="mysql:\/\/db\/babyhelm": must be a postgres:\/\/ URL/),
      expect.stringMatching(/^BABYHELM_CLUSTER="minikube": must be one of sandbox, kubeconfig, in-cluster/),
    ]);
    // Secrets are not repeated: the message goes to the log.
    expect(() =>
      loadConfig({
        BABYHELM_SECRET_KEY: "too-short-but-secret",
        METRICS_TOKEN: "short",
        DATABASE_URL: "mysql://admin:hunter2@db/babyhelm",
      }),
    ).toThrow(
      new ConfigError([
        'DATABASE_URL="mysql://admin:***@db/babyhelm": must be a postgres:// URL such as postgres://user@host:5432/babyhelm',
        "METRICS_TOKEN=(hidden): must be at least 16 characters (it guards /metrics)",
        "BABYHELM_SECRET_KEY=(hidden): must be at least 32 characters, such as the output of: openssl rand -base64 32",
      ]),
    );
    expect(() => loadConfig({ BABYHELM_CLUSTER: "kubeconfig", HOME: "/nonexistent" })).toThrow(
      /no kubeconfig found/,
    );
  });
});

describe("health endpoints and plumbing", () => {
  let db: Db;
  let harness: Harness;
  beforeAll(async () => {
    db = await createDb({});
    harness = await startHarness(db);
  });
  afterAll(async () => {
    await harness?.stop();
    await db?.close();
  });

  it("answers /healthz, and /readyz with what it checked", async () => {
    expect(await (await fetch(`${harness.url}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${harness.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      checks: { database: { ok: true, backend: "PGlite" }, cluster: { ok: true, mode: "sandbox" } },
    });
  });

  it("is not ready while the cluster is unreachable, and says why", async () => {
    await harness.sandbox.faults.down();
    try {
      const ready = await fetch(`${harness.url}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { checks: { cluster: { ok: boolean; error: string } } };
      expect(body.checks.cluster.ok).toBe(false);
      expect(body.checks.cluster.error).toMatch(/Is the cluster running/);
    } finally {
      await harness.sandbox.faults.up();
    }
  });

  it("tags every response with a request id, keeping a caller's", async () => {
    const own = await fetch(`${harness.url}/healthz`, { headers: { "x-request-id": "ci-run-42" } });
    expect(own.headers.get("x-request-id")).toBe("ci-run-42");
    const generated = await fetch(`${harness.url}/healthz`, {
      headers: { "x-request-id": "bad id with spaces" },
    });
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers unknown paths with a JSON 404 that points at the API", async () => {
    const response = await fetch(`${harness.url}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "Nothing at /nope. The API is at /trpc." });
  });

  it("hides internal errors behind the request id", async () => {
    await db.kysely.schema.alterTable("audit_events").renameTo("audit_events_moved").execute();
    try {
      const user = await harness.newUser("internal").catch((error: unknown) => error);
      expect(String(user)).toMatch(
        /Internal error \(request [0-9a-f-]{36}\); the server log has the details\./,
      );
    } finally {
      await db.kysely.schema.alterTable("audit_events_moved").renameTo("audit_events").execute();
    }
  });
});

/** fetch refuses some methods (TRACE); node:http sends any. */
function rawRequest(
  method: string,
  url: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("HTTP hardening", () => {
  const METRICS_TOKEN = "metrics-token-of-the-operator";
  let db: Db;
  let harness: Harness;
  const logLines: string[] = [];
  beforeAll(async () => {
    db = await createDb({});
    harness = await startHarness(db, {
      env: { METRICS_TOKEN },
      logger: createLogger("info", { write: (line: string) => logLines.push(line) }),
    });
  });
  afterAll(async () => {
    await harness?.stop();
    await db?.close();
  });

  it("answers methods a path does not take with 405 and Allow, TRACE included", async () => {
    for (const [method, path, allow] of [
      ["TRACE", "/", "GET, HEAD"],
      ["TRACE", "/trpc/auth.me", "GET, POST"],
      ["PUT", "/trpc/projects.list", "GET, POST"],
      ["DELETE", "/healthz", "GET, HEAD"],
      ["POST", "/readyz", "GET, HEAD"],
      ["PATCH", "/login", "GET, HEAD"],
    ] as const) {
      const response = await rawRequest(method, `${harness.url}${path}`);
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 405 });
      expect(response.headers.allow).toBe(allow);
      expect(JSON.parse(response.body)).toEqual({
        error: expect.stringContaining(`${method} is not allowed here`),
      });
    }
  });

  it("marks API answers not to be stored or sniffed", async () => {
    const { client } = await harness.newUser("headers");
    await client.projects.list.query({});
    for (const path of ["/trpc/auth.me", "/trpc/projects.list?input=%7B%7D"]) {
      const response = await fetch(`${harness.url}${path}`);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
    expect((await fetch(`${harness.url}/healthz`)).headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("refuses batches larger than the limit", async () => {
    const paths = Array.from({ length: MAX_BATCH_SIZE + 1 }, () => "auth.me").join(",");
    const input = encodeURIComponent(JSON.stringify({}));
    const refused = await fetch(`${harness.url}/trpc/${paths}?batch=1&input=${input}`);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    const allowed = await fetch(
      `${harness.url}/trpc/${Array.from({ length: MAX_BATCH_SIZE }, () => "auth.me").join(",")}?batch=1&input=${input}`,
    );
    expect(allowed.status).toBe(200);
  });

  it("tells anonymous callers what is not ready without addresses, and the metrics token holder the details", async () => {
    await harness.sandbox.faults.down();
    try {
      const anonymous = await fetch(`${harness.url}/readyz`);
      expect(anonymous.status).toBe(503);
      const text = await anonymous.text();
      expect(text).not.toContain("127.0.0.1");
      expect(text).not.toContain("https://");
      expect(JSON.parse(text)).toEqual({
        ready: false,
        checks: {
          database: { ok: true, backend: "PGlite" },
          cluster: { ok: false, mode: "sandbox", error: expect.stringMatching(/Is the cluster running/) },
        },
      });
      const operator = await fetch(`${harness.url}/readyz`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(await operator.json()).toMatchObject({
        checks: { cluster: { ok: false, server: expect.stringMatching(/^https?:\/\/127\.0\.0\.1:/) } },
      });
      expect(logLines.some((line) => line.includes('"msg":"not ready"'))).toBe(true);
    } finally {
      await harness.sandbox.faults.up();
    }
  });

  it("is not ready until the cluster cache has listed every kind once", async () => {
    const sandbox = await startSandbox({ readyDelayMs: 20 });
    // The API server answers, but refuses to list pods for now: the cache cannot sync.
    sandbox.faults.fail({ match: { verb: "list", resource: "pods" }, count: 1_000_000, code: 500 });
    const unsynced = await startHarness(db, { sandbox, cacheSyncWaitMs: 0, env: { METRICS_TOKEN } });
    try {
      const operator = { headers: { authorization: `Bearer ${METRICS_TOKEN}` } };
      const response = await fetch(`${unsynced.url}/readyz`, operator);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        ready: false,
        checks: { cluster: { ok: false, error: expect.stringMatching(/cluster cache is still loading/) } },
      });
      sandbox.faults.clear();
      await expect
        .poll(async () => (await fetch(`${unsynced.url}/readyz`, operator)).status, { timeout: 20_000 })
        .toBe(200);
    } finally {
      await unsynced.stop();
      await sandbox.stop();
    }
  });

  it("logs a failed database write without the values it carried", async () => {
    const secret = "env-secret-value-0815";
    const { client } = await harness.newUser("logs");
    const project = `logs-${process.pid}`;
    await client.projects.create.mutate({ name: project });
    await client.apps.create.mutate({
      project,
      name: "web",
      spec: { image: "nginx:1.27", ports: [{ port: 80 }] },
    });
    await db.kysely.schema.alterTable("app_revisions").renameTo("app_revisions_moved").execute();
    try {
      const update = client.apps.update.mutate({
        project,
        name: "web",
        spec: { image: "nginx:1.27", ports: [{ port: 80 }], env: [{ name: "API_KEY", value: secret }] },
        expectedRevision: 1,
      });
      await expect(update).rejects.toThrow(/Internal error/);
    } finally {
      await db.kysely.schema.alterTable("app_revisions_moved").renameTo("app_revisions").execute();
    }
    const failed = logLines.filter((line) => line.includes('"msg":"procedure failed"'));
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.join("\n")).toContain("app_revisions");
    expect(logLines.join("\n")).not.toContain(secret);
  });
});
