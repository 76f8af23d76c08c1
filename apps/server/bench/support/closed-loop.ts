// One closed-loop load run against the bench server (autocannon in a child process, see load.ts): a warm-up, then the
// measured run, with what the server did meanwhile: CPU per process, event-loop utilisation, SQL queries and the
// requests that reached the API server. Kept apart from throughput.ts, whose runs are judged against reference
// servers, so that the apps benches can judge endpoints against each other.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { difference, type ApiServerRequests, type RequestCounts } from "./api-server-requests.js";
import { cpuShares, snapshotCpu, type CpuGroup } from "./cpu.js";
import { problemsOf, startLoad, type LoadResult } from "./load.js";
import { untilQuiet, type QueryCounter } from "./query-counter.js";
import { sleep } from "./settings.js";

export interface RunShape {
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

export interface Run {
  label: string;
  result: LoadResult;
  /** Set when a response was not a 2xx, or a request failed or timed out: the figures do not count. */
  problem: string | undefined;
  cpu: ReturnType<typeof cpuShares>;
  eventLoopUtilization: number;
  /** SQL queries run during the measured run, by kind. */
  queries: Map<string, number>;
  /** Requests the API server received during the measured run. */
  apiRequests: RequestCounts;
}

export const SERVER_CPU = "server";
export const POSTGRES_CPU = "PostgreSQL";
export const SANDBOX_CPU = "sandbox";

/**
 * A warm-up, then the measured run. With `cpuProfile` (a file name), the server's thread is profiled during the
 * measured run alone (V8's sampling profiler, as `--cpu-prof` does for a whole process), for Chrome's DevTools.
 */
export async function measureRun(
  shape: RunShape,
  target: { label: string; url: string; headers: Record<string, string> },
  bench: { counter: QueryCounter; apiServerRequests: ApiServerRequests; sandboxPid: number },
  cpuProfile?: string,
): Promise<Run> {
  const settings = { connections: shape.connections, headers: target.headers };
  process.stdout.write(`  ${target.label}: warm-up ${shape.warmupSeconds} s`);
  await startLoad(target.url, { ...settings, seconds: shape.warmupSeconds }).result;
  process.stdout.write(`, measuring ${shape.seconds} s`);

  // Calls the warm-up's client gave up on at its end are still being served: let them finish first.
  await untilQuiet(bench.counter);
  bench.counter.take();
  const apiBefore = await bench.apiServerRequests.totals();
  const profiler = cpuProfile === undefined ? undefined : await startProfiler();
  let elu = performance.eventLoopUtilization();
  const load = startLoad(target.url, { ...settings, seconds: shape.seconds });
  const groups: CpuGroup[] = [
    { label: SERVER_CPU, matches: (pid) => pid === process.pid },
    { label: POSTGRES_CPU, matches: (_pid, name) => name === "postgres" },
    { label: SANDBOX_CPU, matches: (pid) => pid === bench.sandboxPid },
    { label: "autocannon", matches: (pid) => pid === load.pid },
  ];
  // CPU is sampled inside the run, away from connection set-up and tear-down.
  const margin = Math.min(1_000, (shape.seconds * 1000) / 10);
  const first = await sleep(margin).then(snapshotCpu);
  const second = await sleep(shape.seconds * 1000 - 2 * margin).then(snapshotCpu);
  const result = await load.result;
  elu = performance.eventLoopUtilization(elu);
  if (profiler !== undefined) await profiler.stop(cpuProfile!);
  await untilQuiet(bench.counter);
  const queries = bench.counter.take();
  const apiRequests = difference(apiBefore, await bench.apiServerRequests.totals());
  process.stdout.write(" ... done\n");
  return {
    label: target.label,
    result,
    problem: problemsOf(result),
    cpu: cpuShares(first, second, groups),
    eventLoopUtilization: elu.utilization,
    queries,
    apiRequests,
  };
}

/** Microseconds of a process group's CPU per request served. */
export function cpuPerRequestUs(run: Run, group: string): number {
  const share = run.cpu.shares.find((candidate) => candidate.label === group);
  return share === undefined ? NaN : (share.percentOfCore * 10_000) / run.result.requestsPerSecond;
}

async function startProfiler(): Promise<{ stop(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return {
    stop: async (file) => {
      const { profile } = await session.post("Profiler.stop");
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
