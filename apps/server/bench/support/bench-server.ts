// The server under test, as every bench starts it: in this process (its thread is the one measured), on a fresh
// PostgreSQL database that is dropped at the end, with the sandbox cluster in a process of its own.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCluster, createLogger, CredentialCache, type Logger } from "@babyhelm/api/testing";
import { createDb } from "@babyhelm/db";
import { loadConfig } from "../../src/config.js";
import { startServer, type RunningServer } from "../../src/server.js";
import { ApiServerRequests } from "./api-server-requests.js";
import { QueryCounter, withQueryCounter } from "./query-counter.js";
import { startSandboxProcess } from "./sandbox-process.js";
import { createScratchDatabase, type ScratchDatabase } from "./scratch-database.js";

export interface BenchServerOptions {
  databasePrefix: string;
  poolSize: number;
  /** Validated credentials are remembered for a few seconds (the server's default). */
  credentialCache: boolean;
  /** Identical cluster reads waiting to be sent go out once (the server's default). */
  coalesceReads?: boolean;
  /** How long sandbox pods take to become Ready. */
  readyDelayMs: number;
  logger?: Logger;
}

export interface BenchServer {
  server: RunningServer;
  url: string;
  database: ScratchDatabase;
  /** Every query the server runs, by kind. */
  counter: QueryCounter;
  sandboxPid: number;
  /** Every request the sandbox's API server received, by verb and resource. */
  apiServerRequests: ApiServerRequests;
  stop(): Promise<void>;
}

export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse())
      await cleanup().catch((error: unknown) => {
        console.error(`clean-up: ${String(error)}`);
      });
  };
  try {
    const database = await createScratchDatabase(options.databasePrefix);
    cleanups.push(() => database.drop());
    const dataDir = mkdtempSync(join(tmpdir(), "babyhelm-bench-"));
    cleanups.push(() => {
      rmSync(dataDir, { recursive: true, force: true });
      return Promise.resolve();
    });
    const counter = new QueryCounter();
    const db = withQueryCounter(
      await createDb({ databaseUrl: database.url, poolSize: options.poolSize }),
      counter,
    );
    cleanups.push(() => db.close());
    const sandbox = await startSandboxProcess(options.readyDelayMs);
    cleanups.push(() => sandbox.stop());
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: database.url,
      BABYHELM_DATA_DIR: dataDir,
      BABYHELM_CLUSTER: "sandbox",
      LOG_LEVEL: "warn",
      // Background work (drift checks, metrics sampling) would be measured as the calls' cost.
      DRIFT_CHECK_INTERVAL_SECONDS: "0",
      METRICS_SAMPLE_SECONDS: "0",
      BABYHELM_SECRET_KEY: randomBytes(32).toString("base64url"),
    });
    const server = await startServer({
      config,
      db,
      cluster: createCluster(
        { mode: "sandbox", kubeconfigYaml: sandbox.kubeconfigYaml },
        { coalesceReads: options.coalesceReads ?? true },
      ),
      logger: options.logger ?? createLogger("warn"),
      // No dashboard files: the benches measure the API.
      http: {},
    });
    cleanups.push(() => server.stop());
    // An A/B switch for the bench: a TTL of 0 makes every call look its credential up, as before the cache.
    if (!options.credentialCache) server.services.credentials = new CredentialCache({ ttlMs: 0 });
    const apiServerRequests = new ApiServerRequests(sandbox.requestsUrl);
    return { server, url: server.url, database, counter, sandboxPid: sandbox.pid, apiServerRequests, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Creates a project for a bench's apps and lifts its ResourceQuota far above what the bench deploys: the sandbox
 * enforces quotas like a cluster, and default@2's (20 Services, 50 pods, 4 cores) would refuse the 21st app.
 */
export async function createBenchProject(bench: BenchServer, name: string, token: string): Promise<void> {
  const { namespace } = (await mutate(bench.url, "projects.create", { name }, token)) as {
    namespace: string;
  };
  const { cluster } = bench.server.services;
  const quotas = await cluster.list("v1", "ResourceQuota", { namespace });
  const roomy = (key: string): string =>
    key.endsWith("cpu") ? "100000" : key.endsWith("memory") ? "100000Gi" : "1000000";
  await cluster.apply(
    quotas.map((quota) => {
      const hard = (quota as { spec?: { hard?: Record<string, string> } }).spec?.hard ?? {};
      return {
        apiVersion: "v1",
        kind: "ResourceQuota",
        metadata: { name: quota.metadata.name, namespace },
        spec: { hard: Object.fromEntries(Object.keys(hard).map((key) => [key, roomy(key)])) },
      };
    }),
  );
}

/** A mutation (POST), as the typed client sends it; throws with the server's answer when it is not a 2xx. */
export function mutate(baseUrl: string, procedure: string, input: unknown, token?: string): Promise<any> {
  return send(`${baseUrl}/trpc/${procedure}`, procedure, token, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
}

/** A query (GET with `?input=`), as the typed client's httpLink sends it. */
export function query(baseUrl: string, procedure: string, input: unknown, token?: string): Promise<any> {
  return send(queryUrl(baseUrl, procedure, input), procedure, token, { method: "GET" });
}

export function queryUrl(baseUrl: string, procedure: string, input: unknown): string {
  return `${baseUrl}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`;
}

async function send(
  url: string,
  procedure: string,
  token: string | undefined,
  init: { method: string; headers?: Record<string, string>; body?: string },
) {
  const response = await fetch(url, {
    ...init,
    headers: { ...init.headers, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
  });
  const body: any = await response.json();
  if (!response.ok) throw new Error(`${procedure} answered ${response.status}: ${JSON.stringify(body)}`);
  return body.result.data;
}

/** Registers a user and returns a bearer token: an API token, or the session token of a token-mode login. */
export async function signUp(baseUrl: string, auth: "api-token" | "session-token"): Promise<string> {
  const email = `bench-${Date.now().toString(36)}@example.com`;
  const password = "correct horse battery staple";
  const registered = await mutate(baseUrl, "auth.register", { email, password, mode: "token" });
  if (auth === "session-token") return registered.token;
  return (await mutate(baseUrl, "auth.tokens.create", { name: "bench" }, registered.token)).token;
}
