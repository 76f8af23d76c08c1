import { createDb, type Db } from "@babyhelm/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { type Harness, startHarness } from "./support/harness.js";

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
      checks: { database: { ok: true, backend: "PGlite in memory" }, cluster: { ok: true, mode: "sandbox" } },
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
