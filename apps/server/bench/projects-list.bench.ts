// The performance requirement: authenticated `projects.list` on PostgreSQL under 50 concurrent connections
// must reach at least half the requests/s of a floor measured in the same run with the same load: a bare node:http
// server with a `pg` pool of the same size running the same two queries on every call (the API-token lookup, then
// the user's projects) and writing the same JSON (support/floor-child.ts). The server's credential cache (its
// default) usually saves it the first query; the floor never skips it. A bare hello-world is measured too, as the
// most node:http can do on this machine; latency is reported, not judged.
//
// The server runs in this process on a fresh database; autocannon runs in a child process (the server's thread
// is measured, not the client's), the floor, the hello-world and the sandbox cluster in others. Each gets a warm-up
// run, then the measured run. A run with any non-2xx response, socket error or timeout is reported as invalid.
//
// Run: cd apps/server && pnpm exec tsx --conditions=development bench/projects-list.bench.ts
// Knobs (environment): BENCH_CONNECTIONS (50), BENCH_WARMUP_SECONDS (5), BENCH_SECONDS (10), BENCH_PROJECTS (10),
// BENCH_AUTH (api-token | session-token),
// BENCH_POOL_SIZE (20, what startServer uses), BENCH_POSTGRES_URL, BENCH_CREDENTIAL_CACHE (on | off: to measure
// the server without its credential cache).
// It exits 0 whether or not the target is met: it is a report. It exits 1 only when it could not measure.
import { mutate, query, queryUrl, signUp, startBenchServer } from "./support/bench-server.js";
import { machineSummary } from "./support/cpu.js";
import { startFloor } from "./support/floor.js";
import { numberFromEnv, runBench, switchFromEnv } from "./support/settings.js";
import { HELLO_WORLD, measureEndpoints, reportThroughput, type Reference } from "./support/throughput.js";

const SHAPE = {
  connections: numberFromEnv("BENCH_CONNECTIONS", 50),
  warmupSeconds: numberFromEnv("BENCH_WARMUP_SECONDS", 5),
  seconds: numberFromEnv("BENCH_SECONDS", 10),
};
const PROJECTS = numberFromEnv("BENCH_PROJECTS", 10);
const POOL_SIZE = numberFromEnv("BENCH_POOL_SIZE", 20);
const AUTH = process.env.BENCH_AUTH === "session-token" ? "session-token" : "api-token";
const CREDENTIAL_CACHE = switchFromEnv("BENCH_CREDENTIAL_CACHE", true);
const FLOOR_LABEL = "floor (node:http + pg, 2 queries)";

async function main(): Promise<void> {
  console.log(
    `projects.list bench: ${SHAPE.connections} connections, ${SHAPE.warmupSeconds} s warm-up + ${SHAPE.seconds} s measured`,
  );
  console.log(`machine at start: ${machineSummary()}`);
  const bench = await startBenchServer({
    databasePrefix: "babyhelm_bench",
    poolSize: POOL_SIZE,
    credentialCache: CREDENTIAL_CACHE,
    readyDelayMs: 0,
  });
  try {
    const token = await signUp(bench.url, AUTH);
    for (let index = 1; index <= PROJECTS; index++) {
      await mutate(bench.url, "projects.create", { name: `bench-${String(index).padStart(3, "0")}` }, token);
    }
    const url = queryUrl(bench.url, "projects.list", {});
    const headers = { authorization: `Bearer ${token}` };
    const probe = await query(bench.url, "projects.list", {}, token);
    if (probe.items.length !== Math.min(PROJECTS, 20)) {
      throw new Error(`projects.list answered ${probe.items.length} items: ${JSON.stringify(probe)}`);
    }
    const expected = JSON.stringify({ result: { data: probe } });
    const floor: Reference = {
      label: FLOOR_LABEL,
      start: () => startFloor(bench.database.url, POOL_SIZE),
      path: url.slice(bench.url.length + 1),
      headers,
    };
    await sameAnswer(floor, expected);
    console.log(
      `set-up: ${bench.database.serverVersion}, database ${bench.database.name}, pool ${POOL_SIZE}, ` +
        `${PROJECTS} projects, auth by ${AUTH}, ${Buffer.byteLength(expected)}-byte response, ` +
        `credential cache ${CREDENTIAL_CACHE ? "on" : "off"}`,
    );

    const measured = await measureEndpoints(
      SHAPE,
      [HELLO_WORLD, floor],
      [{ label: "projects.list", url, headers, oncePerCall: "select project_members" }],
      bench.counter,
      bench.sandboxPid,
    );
    reportThroughput(SHAPE, measured.references, measured.endpoints, { ratio: 0.5, of: FLOOR_LABEL });
    console.log(`machine at end: ${machineSummary()}`);
  } finally {
    await bench.stop();
  }
}

/** A floor that answers differently from the server would be measuring something else. */
async function sameAnswer(floor: Reference, expected: string): Promise<void> {
  const server = await floor.start();
  try {
    const response = await fetch(server.url + floor.path, { headers: floor.headers });
    const body = await response.text();
    if (response.status !== 200 || body !== expected) {
      throw new Error(`the floor answered ${response.status} ${body}, the server ${expected}`);
    }
  } finally {
    await server.stop();
  }
}

await runBench(main);
