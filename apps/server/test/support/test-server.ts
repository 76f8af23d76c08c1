// A whole server for other packages' tests (`@babyhelm/server/testing`): in-memory PGlite, the sandbox cluster the
// server starts itself, a data folder of its own, and password hashing cheap enough for tests.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@babyhelm/api/testing";
import { createDb } from "@babyhelm/db";
import { loadConfig } from "../../src/config.js";
import { serverPacks } from "../../src/operator-packs.js";
import { startServer, type RunningServer, type StartOptions } from "../../src/server.js";

export interface TestServer {
  server: RunningServer;
  dataDir: string;
  stop(): Promise<void>;
}

/** This package's folder: pack modules named by package are resolved from here, as `npm start` resolves them. */
const SERVER_DIR = new URL("../..", import.meta.url).pathname;

export async function startTestServer(
  options: {
    sandboxReadyDelayMs?: number;
    http?: StartOptions["http"];
    /** BABYHELM_PACKS: pack modules offered beside the built-in packs (such as "@babyhelm-examples/pack-cron"). */
    packModules?: readonly string[];
  } = {},
): Promise<TestServer> {
  const packs =
    options.packModules === undefined ? undefined : await serverPacks(options.packModules, SERVER_DIR);
  const dataDir = mkdtempSync(join(tmpdir(), "babyhelm-test-server-"));
  const db = await createDb({});
  const server = await startServer({
    config: loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      BABYHELM_CLUSTER: "sandbox",
      BABYHELM_DATA_DIR: dataDir,
    }),
    db,
    logger: createLogger("silent"),
    passwordCost: { memoryCost: 1024, timeCost: 1 },
    sandboxReadyDelayMs: options.sandboxReadyDelayMs ?? 20,
    ...(packs === undefined ? {} : { packs }),
    ...(options.http === undefined ? {} : { http: options.http }),
  }).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  return {
    server,
    dataDir,
    stop: async () => {
      await server.stop();
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
