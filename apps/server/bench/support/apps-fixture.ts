// What the apps benches (apps-scale, apps-memory, apps-watch) share: the server as they start it, the app they
// deploy, and making many apps through the API, as users would, then waiting until every one is ready.
import { mutate, query, startBenchServer, type BenchServer } from "./bench-server.js";
import { sleep } from "./settings.js";

/** A small app of the default pack: a Deployment of one replica and its Service. */
export const APP_SPEC = {
  image: "nginx:1.27",
  ports: [{ port: 80 }],
  env: [{ name: "GREETING", value: "hello" }],
};

export interface AppRef {
  project: string;
  name: string;
}

/** "app-007": names sort as they were made, so the first page of apps.list is the first apps made. */
export function appName(index: number): string {
  return `app-${String(index + 1).padStart(3, "0")}`;
}

/** The server with its defaults (credential cache, read coalescing) and the sandbox's pods Ready after the delay. */
export function startAppsBenchServer(
  databasePrefix: string,
  options: { poolSize: number; readyDelayMs: number },
): Promise<BenchServer> {
  return startBenchServer({
    databasePrefix,
    poolSize: options.poolSize,
    // The server's defaults, unchanged: these benches measure the cluster cache, not these switches.
    credentialCache: true,
    readyDelayMs: options.readyDelayMs,
  });
}

/**
 * Creates the apps through `apps.create`, `concurrency` at a time, each with `token` or the token it names (a user may
 * own only so many projects); resolves with how long it took (ms).
 */
export async function createApps(
  url: string,
  token: string | ((app: AppRef) => string),
  apps: readonly AppRef[],
  concurrency: number,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, apps.length) }, async () => {
      while (next < apps.length) {
        const app = apps[next++]!;
        const bearer = typeof token === "string" ? token : token(app);
        await mutate(url, "apps.create", { project: app.project, name: app.name, spec: APP_SPEC }, bearer);
      }
    }),
  );
  return performance.now() - started;
}

/**
 * Waits until `apps.list` shows `count` apps in the project, every one ready (the page size is its maximum, so a
 * 200-app project takes two reads). Throws with what is not ready after `timeoutMs`.
 */
export async function waitUntilReady(
  url: string,
  token: string,
  project: string,
  count: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const items: { name: string; status: { state: string } | null }[] = [];
    let cursor: string | null = null;
    do {
      const page = await query(url, "apps.list", { project, limit: 100, cursor }, token);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    const notReady = items.filter((item) => item.status?.state !== "ready");
    if (items.length === count && notReady.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${project}: ${items.length} of ${count} apps listed, not ready: ` +
          notReady
            .slice(0, 5)
            .map((item) => `${item.name} ${item.status?.state ?? "no status"}`)
            .join(", "),
      );
    }
    await sleep(200);
  }
}
