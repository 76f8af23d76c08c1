// A real server for the client's tests: in-memory PGlite, and the sandbox cluster the server starts itself.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb } from "@babyhelm/db";
import { type RunningServer, createLogger, loadConfig, startServer } from "@babyhelm/server";
import { type BabyhelmClient, createBabyhelmClient } from "../src/index.js";

export interface TestServer {
  server: RunningServer;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startTestServer(options: { sandboxReadyDelayMs?: number } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "babyhelm-client-"));
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

/** A client signed in as a newly registered `email`, by a session token. */
export async function registeredClient(url: string, email: string): Promise<BabyhelmClient> {
  const anonymous = createBabyhelmClient({ url });
  const { token } = await anonymous.auth.register.mutate({
    email,
    password: "a long and unusual passphrase",
    mode: "token",
  });
  return createBabyhelmClient({ url, token: token! });
}
