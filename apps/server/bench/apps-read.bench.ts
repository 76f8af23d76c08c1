// `apps.list` and `apps.get` under 200 concurrent connections on PostgreSQL, next to a bare node:http hello-world
// measured in the same run with the same load: requests/s and p50/p99, with the projects.list targets for reference
// (p99 under 25 ms, a third of the hello-world's requests/s). The project has BENCH_APPS apps, all ready.
//
// Both read the cluster on every call: apps.list lists the namespace's Deployments, ReplicaSets and Pods once per
// page; apps.get reads every object of the app, its ReplicaSets, Pods and the namespace's Events, and records the
// observed state. The sandbox cluster runs in a process of its own (its CPU is reported, not counted as the
// server's), the server in this process, autocannon and the hello-world in others.
//
// Run: cd apps/server && pnpm exec tsx bench/apps-read.bench.ts
// Knobs (environment): BENCH_CONNECTIONS (200), BENCH_WARMUP_SECONDS (5), BENCH_SECONDS (10), BENCH_APPS (10),
// BENCH_POOL_SIZE (20), BENCH_POSTGRES_URL, BENCH_CREDENTIAL_CACHE and BENCH_COALESCE_READS (on | off).
// It exits 0 whether or not the targets are met: it is a report. It exits 1 only when it could not measure.
import { mutate, query, queryUrl, signUp, startBenchServer } from "./support/bench-server.js";
import { machineSummary } from "./support/cpu.js";
import { numberFromEnv, runBench, sleep, switchFromEnv } from "./support/settings.js";
import { HELLO_WORLD, measureEndpoints, reportThroughput } from "./support/throughput.js";

const SHAPE = {
  connections: numberFromEnv("BENCH_CONNECTIONS", 200),
  warmupSeconds: numberFromEnv("BENCH_WARMUP_SECONDS", 5),
  seconds: numberFromEnv("BENCH_SECONDS", 10),
};
const APPS = numberFromEnv("BENCH_APPS", 10);
const POOL_SIZE = numberFromEnv("BENCH_POOL_SIZE", 20);
const CREDENTIAL_CACHE = switchFromEnv("BENCH_CREDENTIAL_CACHE", true);
const COALESCE_READS = switchFromEnv("BENCH_COALESCE_READS", true);
const PROJECT = "bench-apps";
const SPEC = { image: "nginx:1.27", ports: [{ port: 80 }], env: [{ name: "GREETING", value: "hello" }] };
const READY_TIMEOUT_MS = 60_000;

async function main(): Promise<void> {
  console.log(
    `apps.list / apps.get bench: ${SHAPE.connections} connections, ${SHAPE.warmupSeconds} s warm-up + ` +
      `${SHAPE.seconds} s measured each`,
  );
  console.log(`machine at start: ${machineSummary()}`);
  const bench = await startBenchServer({
    databasePrefix: "babyhelm_bench_apps",
    poolSize: POOL_SIZE,
    credentialCache: CREDENTIAL_CACHE,
    coalesceReads: COALESCE_READS,
    readyDelayMs: 0,
  });
  try {
    const token = await signUp(bench.url, "api-token");
    await mutate(bench.url, "projects.create", { name: PROJECT }, token);
    const names = Array.from({ length: APPS }, (_, index) => `app-${String(index + 1).padStart(2, "0")}`);
    for (const name of names)
      await mutate(bench.url, "apps.create", { project: PROJECT, name, spec: SPEC }, token);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const page = await query(bench.url, "apps.list", { project: PROJECT, limit: 100 }, token);
      const notReady = page.items.filter((item: any) => item.status?.state !== "ready");
      if (page.items.length === APPS && notReady.length === 0) break;
      if (Date.now() > deadline) throw new Error(`apps not ready: ${JSON.stringify(notReady)}`);
      await sleep(50);
    }
    const listInput = { project: PROJECT };
    const getInput = { project: PROJECT, name: names[0] };
    const listed = await query(bench.url, "apps.list", listInput, token);
    const got = await query(bench.url, "apps.get", getInput, token);
    const size = (data: unknown) => Buffer.byteLength(JSON.stringify({ result: { data } }));
    console.log(
      `set-up: ${bench.database.serverVersion}, pool ${POOL_SIZE}, ${APPS} ready apps in one project, auth by ` +
        `api-token, responses: apps.list ${size(listed)} bytes (${listed.items.length} items), apps.get ` +
        `${size(got)} bytes; credential cache ` +
        `${CREDENTIAL_CACHE ? "on" : "off"}, read coalescing ${COALESCE_READS ? "on" : "off"}`,
    );

    const headers = { authorization: `Bearer ${token}` };
    const measured = await measureEndpoints(
      SHAPE,
      [HELLO_WORLD],
      [
        // The membership check is the one query each call runs exactly once.
        {
          label: "apps.list",
          url: queryUrl(bench.url, "apps.list", listInput),
          headers,
          oncePerCall: "select projects",
        },
        {
          label: "apps.get",
          url: queryUrl(bench.url, "apps.get", getInput),
          headers,
          oncePerCall: "select projects",
        },
      ],
      bench.counter,
      bench.sandboxPid,
    );
    reportThroughput(SHAPE, measured.references, measured.endpoints, {
      p99Ms: 25,
      ratio: 1 / 3,
      of: HELLO_WORLD.label,
    });
    console.log(`machine at end: ${machineSummary()}`);
  } finally {
    await bench.stop();
  }
}

await runBench(main);
