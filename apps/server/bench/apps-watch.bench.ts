// What status streams cost the API server: the issue asks for the API-server requests per minute while 20 clients
// watch one project's status. It reports, it does not judge.
//
// One project of BENCH_WATCH_APPS (10) ready apps; every BENCH_RESTART_SECONDS (10) one of them is restarted
// (apps.restart, the next app each time), so that statuses change. For BENCH_WATCH_SECONDS (60) it counts the
// requests the API server receives, by verb and resource, first with nobody watching (the baseline: the restarts'
// own requests and the cache's watches), then with BENCH_WATCHERS (20) clients, each following one app of the project
// (client i the app i mod BENCH_WATCH_APPS) over `apps.watchStatus` (server-sent events, tRPC's subscription link, as
// the dashboard's app page does). A stream ends once the app's rollout settles (ready, failed, drifted), as it does
// for the dashboard; a client then opens the next BENCH_RESUBSCRIBE_MS (1000) later, so that every client follows its
// app for the whole window and those watching a restarted app see it roll out. The streams read the cluster cache
// (packages/api/src/cluster/state): beyond the restarts' requests the only ones expected are the project
// namespace's Events list and watch, opened once by the first stream.
//
// The server runs in this process on a fresh PostgreSQL database, the sandbox cluster in a process of its own, where
// it counts the requests it receives (support/api-server-requests.ts). Pods become Ready BENCH_READY_DELAY_MS (2000)
// after they start, so that a restart's rollout lasts long enough to be seen.
//
// Run: cd apps/server && pnpm exec tsx --conditions=development bench/apps-watch.bench.ts
// Knobs (environment): BENCH_WATCHERS (20), BENCH_WATCH_SECONDS (60), BENCH_RESTART_SECONDS (10), BENCH_WATCH_APPS
// (10), BENCH_RESUBSCRIBE_MS (1000), BENCH_READY_DELAY_MS (2000), BENCH_POOL_SIZE (20), BENCH_POSTGRES_URL.
// It exits 0 when it measured, 1 when it could not.
import { createTRPCClient, httpSubscriptionLink } from "@trpc/client";
import { EventSource } from "eventsource";
import type { AppRouter } from "@babyhelm/api";
import { describeCounts, totalOf, type RequestCounts } from "./support/api-server-requests.js";
import { appName, createApps, startAppsBenchServer, waitUntilReady } from "./support/apps-fixture.js";
import { createBenchProject, mutate, signUp, type BenchServer } from "./support/bench-server.js";
import { machineSummary } from "./support/cpu.js";
import { numberFromEnv, runBench, sleep } from "./support/settings.js";

const WATCHERS = numberFromEnv("BENCH_WATCHERS", 20);
const WINDOW_SECONDS = numberFromEnv("BENCH_WATCH_SECONDS", 60);
const RESTART_SECONDS = numberFromEnv("BENCH_RESTART_SECONDS", 10);
const APPS = numberFromEnv("BENCH_WATCH_APPS", 10);
const RESUBSCRIBE_MS = numberFromEnv("BENCH_RESUBSCRIBE_MS", 1000);
const READY_DELAY_MS = numberFromEnv("BENCH_READY_DELAY_MS", 2000);
const POOL_SIZE = numberFromEnv("BENCH_POOL_SIZE", 20);
const PROJECT = "bench-watch";
const READY_TIMEOUT_MS = 120_000;

/** What the watchers of one window saw. */
interface WatchTally {
  streams: number;
  statuses: number;
  /** Statuses received, by state. */
  states: Map<string, number>;
  errors: string[];
}

interface Window {
  label: string;
  seconds: number;
  restarts: number;
  requests: RequestCounts;
  sqlQueries: number;
  tally: WatchTally | undefined;
}

async function main(): Promise<void> {
  console.log(
    `status-stream bench: ${WATCHERS} watchers on ${APPS} apps of one project, ${WINDOW_SECONDS} s windows, one ` +
      `restart every ${RESTART_SECONDS} s`,
  );
  console.log(`machine at start: ${machineSummary()}`);
  const bench = await startAppsBenchServer("babyhelm_bench_apps_watch", {
    poolSize: POOL_SIZE,
    readyDelayMs: READY_DELAY_MS,
  });
  try {
    const token = await signUp(bench.url, "api-token");
    await createBenchProject(bench, PROJECT, token);
    const names = Array.from({ length: APPS }, (_, index) => appName(index));
    await createApps(
      bench.url,
      token,
      names.map((name) => ({ project: PROJECT, name })),
      10,
    );
    await waitUntilReady(bench.url, token, PROJECT, APPS, READY_TIMEOUT_MS);
    console.log(
      `set-up: ${bench.database.serverVersion}, ${APPS} ready apps in one project, pods ready ${READY_DELAY_MS} ms ` +
        `after they start, drift checks and metrics sampling off`,
    );
    console.log("running:");
    let nextRestart = 0;
    const restarts = () => restartEvery(bench.url, token, () => names[nextRestart++ % names.length]!);
    const windows = [
      await measureWindow(bench, "no watchers", restarts, undefined),
      await measureWindow(bench, `${WATCHERS} watchers`, restarts, (until) =>
        watchAll(bench.url, token, names, until),
      ),
    ];
    report(windows);
    console.log(`machine at end: ${machineSummary()}`);
  } finally {
    await bench.stop();
  }
}

async function measureWindow(
  bench: BenchServer,
  label: string,
  restarts: () => (until: number) => Promise<number>,
  watchers: ((until: number) => Promise<WatchTally>) | undefined,
): Promise<Window> {
  process.stdout.write(`  ${label}: ${WINDOW_SECONDS} s`);
  const queriesBefore = bench.counter.total;
  const started = performance.now();
  const { value, requests } = await bench.apiServerRequests.during(async () => {
    const until = Date.now() + WINDOW_SECONDS * 1000;
    return Promise.all([restarts()(until), watchers?.(until)]);
  });
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(" ... done\n");
  const [restarted, tally] = value;
  return {
    label,
    seconds,
    restarts: restarted,
    requests,
    sqlQueries: bench.counter.total - queriesBefore,
    tally,
  };
}

/** Restarts an app every RESTART_SECONDS, the first one at once, until `until`; resolves with how many. */
function restartEvery(url: string, token: string, next: () => string) {
  return async (until: number): Promise<number> => {
    let count = 0;
    for (let at = Date.now(); at < until; at += RESTART_SECONDS * 1000) {
      await sleep(at - Date.now());
      await mutate(url, "apps.restart", { project: PROJECT, name: next() }, token);
      count++;
    }
    await sleep(until - Date.now());
    return count;
  };
}

async function watchAll(url: string, token: string, names: string[], until: number): Promise<WatchTally> {
  const client = createTRPCClient<AppRouter>({
    links: [
      httpSubscriptionLink({
        url: `${url}/trpc`,
        EventSource,
        eventSourceOptions: {
          fetch: (input, init) =>
            fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } }),
        },
      }),
    ],
  });
  const tally: WatchTally = { streams: 0, statuses: 0, states: new Map(), errors: [] };
  await Promise.all(
    Array.from({ length: WATCHERS }, async (_, index) => {
      const name = names[index % names.length]!;
      while (Date.now() < until) {
        tally.streams++;
        await new Promise<void>((resolve) => {
          const stop = setTimeout(() => {
            subscription.unsubscribe();
            resolve();
          }, until - Date.now());
          const ended = () => {
            clearTimeout(stop);
            resolve();
          };
          const subscription = client.apps.watchStatus.subscribe(
            { project: PROJECT, name },
            {
              onData: ({ data: status }) => {
                tally.statuses++;
                tally.states.set(status.state, (tally.states.get(status.state) ?? 0) + 1);
              },
              onError: (error) => {
                tally.errors.push(error.message);
                ended();
              },
              onComplete: ended,
            },
          );
        });
        await sleep(Math.min(RESUBSCRIBE_MS, until - Date.now()));
      }
    }),
  );
  return tally;
}

function report(windows: Window[]): void {
  console.log();
  const perMinute = (window: Window) => 60 / window.seconds;
  for (const window of windows) {
    const scale = perMinute(window);
    console.log(
      `${window.label} (${window.seconds.toFixed(1)} s, ${window.restarts} restarts): API-server requests ` +
        `${(totalOf(window.requests) * scale).toFixed(1)} per minute: ${describeCounts(window.requests, scale, 1)}`,
    );
    console.log(`  SQL queries: ${(window.sqlQueries * scale).toFixed(0)} per minute`);
    const tally = window.tally;
    if (tally !== undefined) {
      console.log(
        `  watchers: ${tally.streams} streams opened, ${tally.statuses} statuses received (` +
          [...tally.states].map(([state, count]) => `${state} ${count}`).join(", ") +
          `), ${tally.errors.length} errors${tally.errors.length > 0 ? `: ${tally.errors.slice(0, 3).join("; ")}` : ""}`,
      );
    }
  }
  const [baseline, watched] = windows as [Window, Window];
  const added: RequestCounts = new Map();
  for (const key of new Set([...baseline.requests.keys(), ...watched.requests.keys()])) {
    const change =
      (watched.requests.get(key) ?? 0) * perMinute(watched) -
      (baseline.requests.get(key) ?? 0) * perMinute(baseline);
    if (Math.abs(change) >= 0.05) added.set(key, change);
  }
  console.log(
    `added by ${WATCHERS} watchers: ${(totalOf(watched.requests) * perMinute(watched) - totalOf(baseline.requests) * perMinute(baseline)).toFixed(1)} ` +
      `API-server requests per minute (${describeCounts(added, 1, 1)})`,
  );
}

await runBench(main);
