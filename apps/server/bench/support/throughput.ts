// Closed-loop throughput of some GET endpoints of the server in this process, next to reference servers in processes
// of their own (a bare node:http hello-world, and for projects.list a floor doing the same queries with node:http and
// pg), measured in the same run with the same load: requests/s, latency percentiles, where the CPU went, the
// server's event-loop utilisation and the SQL queries per call.
import { cpuShares, snapshotCpu, type CpuGroup } from "./cpu.js";
import { ms, perSecond, row } from "./format.js";
import { problemsOf, startHelloWorld, startLoad, type ChildServer, type LoadResult } from "./load.js";
import { untilQuiet, type QueryCounter } from "./query-counter.js";
import { sleep } from "./settings.js";

export interface LoadShape {
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

export interface Endpoint {
  label: string;
  url: string;
  headers: Record<string, string>;
  /** A query kind that each call runs exactly once ("select project_members"): it counts the calls served. */
  oncePerCall: string;
}

/** A server to measure the endpoints against, started for its run and stopped after it. */
export interface Reference {
  label: string;
  start(): Promise<ChildServer>;
  /** Appended to the server's URL ("trpc/projects.list?input=…"). */
  path: string;
  headers: Record<string, string>;
}

export interface Measurement {
  label: string;
  result: LoadResult;
  cpu: ReturnType<typeof cpuShares>;
}

export interface EndpointMeasurement extends Measurement {
  endpoint: Endpoint;
  queries: Map<string, number>;
  eventLoopUtilization: number;
}

export const SERVER_LABEL = "BabyHelm server (this process)";
const REFERENCE_PROCESS = "its process";
const POSTGRES: CpuGroup = { label: "PostgreSQL", matches: (_pid, name) => name === "postgres" };

export const HELLO_WORLD: Reference = {
  label: "node:http hello-world",
  start: startHelloWorld,
  path: "",
  headers: {},
};

/** Each reference, then each endpoint: a warm-up run, then the measured run with CPU sampled inside it. */
export async function measureEndpoints(
  shape: LoadShape,
  references: Reference[],
  endpoints: Endpoint[],
  counter: QueryCounter,
  sandboxPid: number,
): Promise<{ references: Measurement[]; endpoints: EndpointMeasurement[] }> {
  const sandbox: CpuGroup = { label: "kube sandbox", matches: (pid) => pid === sandboxPid };
  console.log("running:");
  const measuredReferences: Measurement[] = [];
  for (const reference of references) {
    const server = await reference.start();
    try {
      measuredReferences.push(
        await measure(shape, reference.label, server.url + reference.path, reference.headers, [
          { label: REFERENCE_PROCESS, matches: (pid) => pid === server.pid },
          POSTGRES,
        ]),
      );
    } finally {
      await server.stop();
    }
  }

  const measured: EndpointMeasurement[] = [];
  for (const endpoint of endpoints) {
    let queries = new Map<string, number>();
    let elu = performance.eventLoopUtilization();
    const measurement = await measure(
      shape,
      endpoint.label,
      endpoint.url,
      endpoint.headers,
      [{ label: SERVER_LABEL, matches: (pid) => pid === process.pid }, POSTGRES, sandbox],
      {
        before: async () => {
          await untilQuiet(counter);
          counter.take();
          elu = performance.eventLoopUtilization();
        },
        after: async () => {
          elu = performance.eventLoopUtilization(elu);
          // Requests the load generator gave up on at the end are still served: count them too.
          await untilQuiet(counter);
          queries = counter.take();
        },
      },
    );
    measured.push({ ...measurement, endpoint, queries, eventLoopUtilization: elu.utilization });
  }
  return { references: measuredReferences, endpoints: measured };
}

export async function measure(
  shape: LoadShape,
  label: string,
  url: string,
  headers: Record<string, string>,
  groups: CpuGroup[],
  around?: { before(): Promise<void>; after(): Promise<void> },
): Promise<Measurement> {
  const settings = { connections: shape.connections, seconds: shape.warmupSeconds, headers };
  process.stdout.write(`  ${label}: warm-up ${shape.warmupSeconds} s`);
  const warmup = await startLoad(url, settings).result;
  const warmupProblems = problemsOf(warmup);
  if (warmupProblems !== undefined) process.stdout.write(` (warm-up had ${warmupProblems})`);
  process.stdout.write(`, measuring ${shape.seconds} s`);

  await around?.before();
  const load = startLoad(url, { ...settings, seconds: shape.seconds });
  const loadGenerator: CpuGroup = {
    label: "load generator (autocannon)",
    matches: (pid) => pid === load.pid,
  };
  // CPU is sampled inside the run, away from connection set-up and tear-down.
  const margin = Math.min(1_000, (shape.seconds * 1000) / 10);
  const first = await sleep(margin).then(snapshotCpu);
  const second = await sleep(shape.seconds * 1000 - 2 * margin).then(snapshotCpu);
  const result = await load.result;
  await around?.after();
  process.stdout.write(" ... done\n");
  return { label, result, cpu: cpuShares(first, second, [...groups, loadGenerator]) };
}

export interface Targets {
  /** Absent: latency is reported, not judged. */
  p99Ms?: number;
  /** Of the requests/s of the reference labelled `of`. */
  ratio: number;
  of: string;
}

/** The table, the targets (PASS/FAIL, INVALID if any request failed) and where the time went. */
export function reportThroughput(
  shape: LoadShape,
  references: Measurement[],
  endpoints: EndpointMeasurement[],
  targets: Targets,
): void {
  const baseline = references.find((reference) => reference.label === targets.of);
  if (baseline === undefined) throw new Error(`no reference "${targets.of}" was measured`);
  const labelWidth = Math.max(34, ...[...references, ...endpoints].map(({ label }) => label.length));
  const widths = [labelWidth, 10, 9, 9, 9, 9, 24];
  console.log();
  console.log(row(["", "req/s", "p50", "p99", "p99.9", "max", "non-2xx/errors/timeouts"], widths));
  for (const { label, result } of [...references, ...endpoints]) {
    const { latencyMs } = result;
    console.log(
      row(
        [
          label,
          perSecond(result.requestsPerSecond),
          ms(latencyMs.p50),
          ms(latencyMs.p99),
          ms(latencyMs.p99_9),
          ms(latencyMs.max),
          `${result.non2xx}/${result.errors}/${result.timeouts}`,
        ],
        widths,
      ),
    );
  }

  const baselineProblem = problemsOf(baseline.result);
  const targetWidths = [Math.max(46, 18 + labelWidth), 22, 8];
  console.log();
  console.log(row(["target", "measured", "result"], targetWidths));
  for (const endpoint of endpoints) {
    const problem = problemsOf(endpoint.result) ?? baselineProblem;
    const verdict = (met: boolean) => (problem !== undefined ? "INVALID" : met ? "PASS" : "FAIL");
    const ratio = endpoint.result.requestsPerSecond / baseline.result.requestsPerSecond;
    const p99 = endpoint.result.latencyMs.p99;
    if (targets.p99Ms !== undefined) {
      console.log(
        row(
          [`${endpoint.label}: p99 < ${targets.p99Ms} ms`, ms(p99), verdict(p99 < targets.p99Ms)],
          targetWidths,
        ),
      );
    }
    console.log(
      row(
        [
          `${endpoint.label}: req/s >= ${(targets.ratio * 100).toFixed(0)} % of ${baseline.label}`,
          `${ratio.toFixed(3)} (${(ratio * 100).toFixed(1)} %)`,
          verdict(ratio >= targets.ratio),
        ],
        targetWidths,
      ),
    );
  }
  for (const { label, result } of [...references, ...endpoints]) {
    const problem = problemsOf(result);
    if (problem !== undefined) console.log(`INVALID RUN: ${label} had ${problem}; its figures do not count.`);
  }

  console.log();
  console.log("where the CPU went during the measured runs (% of one core):");
  for (const { label, cpu } of [...references, ...endpoints]) {
    const shares = cpu.shares
      .map((share) => {
        const system = Number.isNaN(share.systemPercentOfCore)
          ? ""
          : ` (sys ${share.systemPercentOfCore.toFixed(0)}%)`;
        return `${share.label} ${share.percentOfCore.toFixed(0)}%${system}`;
      })
      .join(", ");
    console.log(
      `  ${label}: ${shares}; machine ${cpu.machineBusyPercent.toFixed(0)}% busy of ${cpu.cores} cores`,
    );
  }
  const cpuPerRequest = ({ cpu, result }: Measurement, groupLabel: string) => {
    const share = cpu.shares.find((candidate) => candidate.label === groupLabel);
    return share === undefined
      ? "?"
      : `${Math.round((share.percentOfCore * 10_000) / result.requestsPerSecond)} µs`;
  };
  console.log("  CPU per request:");
  for (const reference of references) {
    console.log(
      `    ${reference.label}: its process ${cpuPerRequest(reference, REFERENCE_PROCESS)}, ` +
        `PostgreSQL ${cpuPerRequest(reference, POSTGRES.label)}`,
    );
  }
  for (const endpoint of endpoints) {
    console.log(
      `    ${endpoint.label}: server ${cpuPerRequest(endpoint, SERVER_LABEL)}, ` +
        `PostgreSQL ${cpuPerRequest(endpoint, POSTGRES.label)}, sandbox ${cpuPerRequest(endpoint, "kube sandbox")}`,
    );
  }
  for (const endpoint of endpoints) {
    // Counting calls by a query each runs once includes those the client gave up on at the end.
    const calls = endpoint.queries.get(endpoint.endpoint.oncePerCall) ?? 0;
    const total = [...endpoint.queries.values()].reduce((sum, count) => sum + count, 0);
    const byKind = [...endpoint.queries]
      .sort(([, a], [, b]) => b - a)
      .map(([kind, count]) => `${kind} ${(count / calls).toFixed(3)}`)
      .join(", ");
    console.log(
      `  ${endpoint.label}: event loop ${(endpoint.eventLoopUtilization * 100).toFixed(0)}% busy; ` +
        `SQL queries per call ${(total / calls).toFixed(2)} (${byKind})`,
    );
  }
  if (targets.p99Ms !== undefined) {
    // Little's law for a closed loop: every connection waits for its answer before sending again.
    console.log(
      `  with ${shape.connections} connections each waiting for its answer, mean latency = connections / ` +
        `throughput (${endpoints.map((endpoint) => `${endpoint.label} ${ms(endpoint.result.latencyMs.mean)}`).join(", ")} ` +
        `measured): p99 < ${targets.p99Ms} ms needs well over ` +
        `${perSecond((shape.connections * 1000) / targets.p99Ms)} req/s; ${baseline.label}'s own p99 in this run: ` +
        ms(baseline.result.latencyMs.p99),
    );
  }
}
