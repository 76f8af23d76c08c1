// A whole server for other packages' tests (`@babyhelm/server/testing`): in-memory PGlite, the sandbox cluster the
// server starts itself, a data folder of its own, and password hashing cheap enough for tests. Replicas: servers
// given one database and one sandbox (`startTestBackend`), each stopped on its own as a replica is.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCluster, createLogger } from "@babyhelm/api/testing";
import { createDb, type Db } from "@babyhelm/db";
import { startSandbox, type Sandbox } from "@babyhelm/kube-sandbox";
import { loadConfig } from "../../src/config.js";
import { startServer, type RunningServer, type StartOptions } from "../../src/server.js";

export interface TestServer {
  server: RunningServer;
  dataDir: string;
  stop(): Promise<void>;
}

/** A database and a sandbox cluster that several test servers share, as replicas share theirs. */
export interface TestBackend {
  db: Db;
  sandbox: Sandbox;
  stop(): Promise<void>;
}

export async function startTestBackend(options: { sandboxReadyDelayMs?: number } = {}): Promise<TestBackend> {
  const sandbox = await startSandbox({ readyDelayMs: options.sandboxReadyDelayMs ?? 20 });
  const db = await createDb({}).catch(async (error: unknown) => {
    await sandbox.stop();
    throw error;
  });
  return {
    db,
    sandbox,
    stop: async () => {
      await db.close();
      await sandbox.stop();
    },
  };
}

export async function startTestServer(
  options: {
    sandboxReadyDelayMs?: number;
    http?: StartOptions["http"];
    /** A replica of others on this database and sandbox, which it leaves open when it stops. */
    backend?: TestBackend;
    /** Default: a free one. */
    port?: number;
    /** More settings, as environment variables. */
    env?: Record<string, string>;
  } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "babyhelm-test-server-"));
  const { backend } = options;
  const db = backend?.db ?? (await createDb({}));
  const server = await startServer({
    config: loadConfig({
      PORT: String(options.port ?? 0),
      HOST: "127.0.0.1",
      BABYHELM_CLUSTER: "sandbox",
      BABYHELM_DATA_DIR: dataDir,
      ...options.env,
    }),
    db,
    ...(backend === undefined
      ? {}
      : { cluster: createCluster({ mode: "sandbox", kubeconfigYaml: backend.sandbox.kubeconfigYaml }) }),
    logger: createLogger("silent"),
    passwordCost: { memoryCost: 1024, timeCost: 1 },
    sandboxReadyDelayMs: options.sandboxReadyDelayMs ?? 20,
    ...(options.http === undefined ? {} : { http: options.http }),
  }).catch(async (error: unknown) => {
    if (backend === undefined) await db.close();
    throw error;
  });
  return {
    server,
    dataDir,
    stop: async () => {
      await server.stop();
      if (backend === undefined) await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
