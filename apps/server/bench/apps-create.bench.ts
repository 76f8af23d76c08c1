// How long `apps.create` takes, and how long until `apps.status` says the app is ready, against the sandbox cluster
// with pods that become Ready at once (`readyDelayMs: 0`). Target: p50 under 50 ms of server time for the create.
//
// Server time is the create procedure's own wall time, as the server measures and logs it (`durationMs` of the
// "procedure ok" line, matched by request id): validation, render, dry run, the rows and the apply, waiting on
// PostgreSQL and the cluster included; HTTP parsing and the client are not. The client's view (the create's round
// trip, and create sent -> first `apps.status` answering ready, polled back to back) is printed next to it.
// The server runs in this process on a fresh PostgreSQL database; the sandbox in a process of its own.
//
// Run: cd apps/server && pnpm exec tsx --conditions=development bench/apps-create.bench.ts
// Knobs (environment): BENCH_APPS (100 per phase), BENCH_CONCURRENCY (10, the second phase's creates in flight),
// BENCH_POOL_SIZE (20), BENCH_POSTGRES_URL. Exits 0 when it measured (target met or not), 1 when it could not.
import { Writable } from "node:stream";
import { createLogger } from "@babyhelm/api/testing";
import { createBenchProject, query, signUp, startBenchServer } from "./support/bench-server.js";
import { cpuShares, machineSummary, snapshotCpu, type CpuGroup } from "./support/cpu.js";
import { ms, row } from "./support/format.js";
import { numberFromEnv, runBench } from "./support/settings.js";
import { percentiles, type Percentiles } from "./support/stats.js";

const APPS = numberFromEnv("BENCH_APPS", 100);
const CONCURRENCY = numberFromEnv("BENCH_CONCURRENCY", 10);
const POOL_SIZE = numberFromEnv("BENCH_POOL_SIZE", 20);
const WARMUP_APPS = 10;
const READY_TIMEOUT_MS = 60_000;
const SERVER_P50_TARGET_MS = 50;
const SPEC = { image: "nginx:1.27", ports: [{ port: 80 }], env: [{ name: "GREETING", value: "hello" }] };

/** The server's own timing of each apps.create, by request id, from its debug log. */
class CreateTimings extends Writable {
  readonly byRequestId = new Map<string, number>();

  constructor() {
    // pino writes strings: kept as they are, not turned into Buffers and back.
    super({ decodeStrings: false });
  }

  override _write(chunk: string | Buffer, _encoding: string, done: () => void): void {
    const line = typeof chunk === "string" ? chunk : chunk.toString("utf8");
    if (line.includes('"procedure":"apps.create"')) {
      const entry = JSON.parse(line) as { requestId?: string; durationMs?: number; msg?: string };
      if (entry.msg === "procedure ok" && entry.requestId !== undefined && entry.durationMs !== undefined) {
        this.byRequestId.set(entry.requestId, entry.durationMs);
      }
    }
    done();
  }
}

interface CreateSample {
  serverMs: number;
  roundTripMs: number;
  readyMs: number;
  statusPolls: number;
  /** apps.status said "failed" before "ready" (see createAndWaitReady). */
  failedOnTheWay: boolean;
}

async function createAndWaitReady(
  url: string,
  token: string,
  project: string,
  name: string,
  timings: CreateTimings,
): Promise<CreateSample> {
  const requestId = `bench-create-${project}-${name}`;
  const sent = performance.now();
  const response = await fetch(`${url}/trpc/apps.create`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${token}`,
      "x-request-id": requestId,
    },
    body: JSON.stringify({ project, name, spec: SPEC }),
  });
  const body = await response.text();
  const answered = performance.now();
  if (!response.ok) throw new Error(`apps.create answered ${response.status}: ${body}`);
  let statusPolls = 0;
  let failedOnTheWay = false;
  for (;;) {
    statusPolls++;
    const status = await query(url, "apps.status", { project, name }, token);
    if (status.state === "ready") break;
    // At readyDelayMs 0 the sandbox's progress deadline is its floor, 100 ms: a sandbox short of CPU can miss it
    // and report the rollout failed until the pod is up. That is counted, not fatal.
    if (status.state === "failed") failedOnTheWay = true;
    if (performance.now() - sent > READY_TIMEOUT_MS) {
      throw new Error(`${name} not ready after ${READY_TIMEOUT_MS} ms: ${status.state}: ${status.message}`);
    }
  }
  const ready = performance.now();
  const serverMs = timings.byRequestId.get(requestId);
  if (serverMs === undefined) throw new Error(`no server timing logged for ${requestId}`);
  return { serverMs, roundTripMs: answered - sent, readyMs: ready - sent, statusPolls, failedOnTheWay };
}

interface Phase {
  label: string;
  samples: CreateSample[];
  wallMs: number;
  /** CPU milliseconds per create (and its status polls), per process group. */
  cpuPerCreate: { label: string; ms: number }[];
}

async function phase(
  label: string,
  creates: number,
  concurrency: number,
  groups: CpuGroup[],
  run: (index: number) => Promise<CreateSample>,
): Promise<Phase> {
  process.stdout.write(`  ${label}: ${creates} apps, ${concurrency} at a time`);
  const samples: CreateSample[] = [];
  let next = 0;
  const cpuBefore = snapshotCpu();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < creates) samples.push(await run(next++));
    }),
  );
  const wallMs = performance.now() - started;
  const { shares } = cpuShares(cpuBefore, snapshotCpu(), groups);
  process.stdout.write(" ... done\n");
  const cpuPerCreate = shares
    .filter((share) => groups.some((group) => group.label === share.label))
    .map((share) => ({ label: share.label, ms: (share.percentOfCore * wallMs) / 100 / creates }));
  return { label, samples, wallMs, cpuPerCreate };
}

async function main(): Promise<void> {
  console.log(`apps.create bench: ${APPS} apps sequentially, then ${APPS} with ${CONCURRENCY} in flight`);
  console.log(`machine at start: ${machineSummary()}`);
  const timings = new CreateTimings();
  const bench = await startBenchServer({
    databasePrefix: "babyhelm_bench_create",
    poolSize: POOL_SIZE,
    credentialCache: true,
    readyDelayMs: 0,
    logger: createLogger("debug", timings),
  });
  try {
    const token = await signUp(bench.url, "api-token");
    for (const project of ["bench-sequential", "bench-concurrent", "bench-warmup"]) {
      await createBenchProject(bench, project, token);
    }
    console.log(
      `set-up: ${bench.database.serverVersion}, pool ${POOL_SIZE}, sandbox with readyDelayMs 0 in its own process`,
    );
    const groups: CpuGroup[] = [
      { label: "this process (server + bench client)", matches: (pid) => pid === process.pid },
      { label: "kube sandbox", matches: (pid) => pid === bench.sandboxPid },
      { label: "PostgreSQL", matches: (_pid, name) => name === "postgres" },
    ];
    console.log("running:");
    // The first creates compile and warm up every code path; they are not counted.
    await phase("warm-up", WARMUP_APPS, 1, groups, (index) =>
      createAndWaitReady(bench.url, token, "bench-warmup", `warm-${index}`, timings),
    );
    const phases = [
      await phase("sequential", APPS, 1, groups, (index) =>
        createAndWaitReady(bench.url, token, "bench-sequential", `app-${index}`, timings),
      ),
      await phase("concurrent", APPS, CONCURRENCY, groups, (index) =>
        createAndWaitReady(bench.url, token, "bench-concurrent", `app-${index}`, timings),
      ),
    ];

    const widths = [44, 9, 9, 9, 9];
    console.log();
    for (const { label, samples, wallMs, cpuPerCreate } of phases) {
      console.log(
        `${label}: ${samples.length} creates in ${(wallMs / 1000).toFixed(1)} s ` +
          `(${((samples.length * 1000) / wallMs).toFixed(1)}/s); CPU per create and its status polls: ` +
          cpuPerCreate.map((share) => `${share.label} ${ms(share.ms)}`).join(", "),
      );
      console.log(row(["", "p50", "p90", "p99", "max"], widths));
      const line = (name: string, stats: Percentiles) => {
        console.log(row([name, ms(stats.p50), ms(stats.p90), ms(stats.p99), ms(stats.max)], widths));
      };
      line("apps.create, server time", percentiles(samples.map((sample) => sample.serverMs)));
      line("apps.create, client round trip", percentiles(samples.map((sample) => sample.roundTripMs)));
      line("create sent -> apps.status ready", percentiles(samples.map((sample) => sample.readyMs)));
      const polls = percentiles(samples.map((sample) => sample.statusPolls));
      const failed = samples.filter((sample) => sample.failedOnTheWay).length;
      console.log(
        `  apps.status polls until ready: p50 ${polls.p50}, max ${polls.max}; ` +
          `reported failed (sandbox progress deadline) before ready: ${failed}`,
      );
      console.log();
    }
    console.log(row(["target", "measured", "result"], [44, 22, 8]));
    for (const { label, samples } of phases) {
      const p50 = percentiles(samples.map((sample) => sample.serverMs)).p50;
      console.log(
        row(
          [
            `${label}: server time p50 < ${SERVER_P50_TARGET_MS} ms`,
            ms(p50),
            p50 < SERVER_P50_TARGET_MS ? "PASS" : "FAIL",
          ],
          [44, 22, 8],
        ),
      );
    }
    const queries = bench.counter.take();
    console.log(
      `SQL queries, all phases: ${[...queries]
        .sort(([, a], [, b]) => b - a)
        .slice(0, 12)
        .map(([kind, count]) => `${kind} ${count}`)
        .join(", ")}`,
    );
    console.log(`machine at end: ${machineSummary()}`);
  } finally {
    await bench.stop();
  }
}

await runBench(main);
