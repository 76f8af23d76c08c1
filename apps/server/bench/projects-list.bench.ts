// The performance requirement: authenticated `projects.list` on PostgreSQL under 200 concurrent
// connections. Target: p99 under 25 ms, and at least a third of the requests/s of a bare node:http hello-world
// measured in the same run with the same load.
//
// The server runs in this process on a fresh database; autocannon runs in a child process (the server's thread
// is measured, not the client's), the hello-world and the sandbox cluster in others. Each target gets a warm-up
// run, then the measured run. A run with any non-2xx response, socket error or timeout is reported as invalid.
//
// Run: cd apps/server && pnpm exec tsx bench/projects-list.bench.ts
// Knobs (environment): BENCH_CONNECTIONS (200), BENCH_WARMUP_SECONDS (5), BENCH_SECONDS (10), BENCH_PROJECTS (10),
// BENCH_AUTH (api-token | session-token), BENCH_POOL_SIZE (20, what startServer uses), BENCH_POSTGRES_URL,
// BENCH_FAST_PATH and BENCH_CREDENTIAL_CACHE (on | off: the server's query fast path and credential cache, to
// measure without them).
// It exits 0 whether or not the targets are met: it is a report. It exits 1 only when it could not measure.
import { mutate, query, queryUrl, signUp, startBenchServer } from "./support/bench-server.js";
import { machineSummary } from "./support/cpu.js";
import { numberFromEnv, runBench, switchFromEnv } from "./support/settings.js";
import { measureEndpoints, reportThroughput } from "./support/throughput.js";

const SHAPE = {
  connections: numberFromEnv("BENCH_CONNECTIONS", 200),
  warmupSeconds: numberFromEnv("BENCH_WARMUP_SECONDS", 5),
  seconds: numberFromEnv("BENCH_SECONDS", 10),
};
const PROJECTS = numberFromEnv("BENCH_PROJECTS", 10);
const POOL_SIZE = numberFromEnv("BENCH_POOL_SIZE", 20);
const AUTH = process.env.BENCH_AUTH === "session-token" ? "session-token" : "api-token";
const FAST_PATH = switchFromEnv("BENCH_FAST_PATH", true);
const CREDENTIAL_CACHE = switchFromEnv("BENCH_CREDENTIAL_CACHE", true);

async function main(): Promise<void> {
  console.log(
    `projects.list bench: ${SHAPE.connections} connections, ${SHAPE.warmupSeconds} s warm-up + ${SHAPE.seconds} s measured`,
  );
  console.log(`machine at start: ${machineSummary()}`);
  const bench = await startBenchServer({
    databasePrefix: "babyhelm_bench",
    poolSize: POOL_SIZE,
    queryFastPath: FAST_PATH,
    credentialCache: CREDENTIAL_CACHE,
    readyDelayMs: 0,
  });
  try {
    const token = await signUp(bench.url, AUTH);
    for (let index = 1; index <= PROJECTS; index++) {
      await mutate(bench.url, "projects.create", { name: `bench-${String(index).padStart(3, "0")}` }, token);
    }
    const probe = await query(bench.url, "projects.list", {}, token);
    if (probe.items.length !== Math.min(PROJECTS, 20)) {
      throw new Error(`projects.list answered ${probe.items.length} items: ${JSON.stringify(probe)}`);
    }
    console.log(
      `set-up: ${bench.database.serverVersion}, database ${bench.database.name}, pool ${POOL_SIZE}, ` +
        `${PROJECTS} projects, auth by ${AUTH}, ${Buffer.byteLength(JSON.stringify({ result: { data: probe } }))}-byte ` +
        `response, query fast path ${FAST_PATH ? "on" : "off"}, credential cache ${CREDENTIAL_CACHE ? "on" : "off"}`,
    );

    const measured = await measureEndpoints(
      SHAPE,
      [
        {
          label: "projects.list",
          url: queryUrl(bench.url, "projects.list", {}),
          headers: { authorization: `Bearer ${token}` },
          oncePerCall: "select project_members",
        },
      ],
      bench.counter,
      bench.sandboxPid,
    );
    reportThroughput(SHAPE, measured.hello, measured.endpoints, { p99Ms: 25, ratio: 1 / 3 });
    console.log(`machine at end: ${machineSummary()}`);
  } finally {
    await bench.stop();
  }
}

await runBench(main);
