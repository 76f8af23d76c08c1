// Issue 13's figures: requests/s of authenticated `projects.list` through Debian's nginx balancing 1, 2 and 3 server
// replicas round-robin on one PostgreSQL, and 1 replica straight without nginx, all measured in the same run with the
// same closed-loop load (autocannon in a child process, a fixed number of connections). Ratios are against 1 replica
// through nginx. On a machine with two cores the replicas, nginx, PostgreSQL and the load generator share them, so it
// cannot scale linearly: the CPU each process used during each measured window says where the time went.
//
// The replicas are the test's (test/support/replicas.ts): processes started from sources by src/main.ts on a fresh
// database, dropped at the end, with the sandbox cluster as a process of its own.
//
// Run: cd apps/server && pnpm exec tsx --conditions=development bench/replicas-throughput.bench.ts
// Knobs (environment): BENCH_CONNECTIONS (50), BENCH_WARMUP_SECONDS (3), BENCH_SECONDS (10), BENCH_PROJECTS (10),
// BENCH_POSTGRES_URL (where to create the scratch database).
// It exits 0 whether or not it scales: it is a report. It exits 1 only when it could not measure.
import { readFileSync } from "node:fs";
import { ReplicaStack, startNginx, type RunningNginx } from "../test/support/replicas.js";
import { mutate, query, queryUrl, signUp } from "./support/bench-server.js";
import { machineSummary, type CpuGroup } from "./support/cpu.js";
import { ms, perSecond, row } from "./support/format.js";
import { problemsOf, startLoad } from "./support/load.js";
import { createScratchDatabase } from "./support/scratch-database.js";
import { numberFromEnv, runBench } from "./support/settings.js";
import { measure, type Measurement } from "./support/throughput.js";

const SHAPE = {
  connections: numberFromEnv("BENCH_CONNECTIONS", 50),
  warmupSeconds: numberFromEnv("BENCH_WARMUP_SECONDS", 3),
  seconds: numberFromEnv("BENCH_SECONDS", 10),
};
const PROJECTS = numberFromEnv("BENCH_PROJECTS", 10);
const REPLICAS = 3;
const BASELINE = "1 replica through nginx";

async function main(): Promise<void> {
  console.log(
    `replicas throughput: projects.list, ${SHAPE.connections} connections, ` +
      `${SHAPE.warmupSeconds} s warm-up + ${SHAPE.seconds} s measured per row`,
  );
  console.log(`machine at start: ${machineSummary()}`);
  const database = await createScratchDatabase("babyhelm_replicas_bench");
  const stack = new ReplicaStack({
    databaseUrl: database.url,
    replicas: REPLICAS,
    env: {
      LOG_LEVEL: "warn",
      // Background work would be measured as the calls' cost.
      DRIFT_CHECK_INTERVAL_SECONDS: "0",
      METRICS_SAMPLE_SECONDS: "0",
      TRUST_PROXY: "1",
    },
  });
  const proxies: RunningNginx[] = [];
  try {
    await stack.start();
    const token = await signUp(stack.nginxUrl, "api-token");
    for (let index = 1; index <= PROJECTS; index++) {
      await mutate(
        stack.nginxUrl,
        "projects.create",
        { name: `bench-${String(index).padStart(3, "0")}` },
        token,
      );
    }
    const probe = await query(stack.nginxUrl, "projects.list", {}, token);
    if (probe.items.length !== Math.min(PROJECTS, 20)) {
      throw new Error(`projects.list answered ${probe.items.length} items: ${JSON.stringify(probe)}`);
    }
    for (const count of [1, 2]) {
      proxies.push(
        await startNginx(
          stack.directory,
          stack.replicas.slice(0, count).map((replica) => replica.port),
          `nginx-${count}`,
        ),
      );
    }
    proxies.push({ child: stack.nginx!, url: stack.nginxUrl });
    console.log(
      `set-up: database ${database.name} (${database.serverVersion}), ${PROJECTS} projects, auth by API token, ` +
        `replicas ${stack.replicas.map((replica) => `${replica.index}: pid ${replica.child.pid}`).join(", ")}`,
    );

    const headers = { authorization: `Bearer ${token}` };
    const path = queryUrl("", "projects.list", {});
    const groups = (nginx: RunningNginx | undefined): CpuGroup[] => [
      ...(nginx === undefined ? [] : [nginxGroup(nginx.child.pid)]),
      ...stack.replicas.map((replica) => ({
        label: `replica ${replica.index}`,
        matches: (pid: number) => pid === replica.child.pid,
      })),
      postgresGroup(database.name),
      { label: "kube sandbox", matches: (pid: number) => pid === stack.sandbox!.pid },
    ];
    // Each replica's code is compiled (tsx) and optimised (V8) by its first requests: a run through all three first,
    // so that the row measured first does not pay for it.
    process.stdout.write(`warming every replica up through nginx for ${2 * SHAPE.warmupSeconds} s`);
    await startLoad(stack.nginxUrl + path, {
      connections: SHAPE.connections,
      seconds: 2 * SHAPE.warmupSeconds,
      headers,
    }).result;
    console.log(" ... done");
    console.log("running:");
    const runs: Measurement[] = [
      await measure(
        SHAPE,
        "1 replica direct (no nginx)",
        stack.replicas[0]!.url + path,
        headers,
        groups(undefined),
      ),
    ];
    for (const [index, nginx] of proxies.entries()) {
      const label = index === 0 ? BASELINE : `${index + 1} replicas through nginx`;
      runs.push(await measure(SHAPE, label, nginx.url + path, headers, groups(nginx)));
    }
    report(runs);
    console.log(`machine at end: ${machineSummary()}`);
  } finally {
    for (const proxy of proxies.slice(0, -1)) await proxy.child.stop();
    await stack.stop();
    await database.drop();
  }
}

function report(runs: Measurement[]): void {
  const baseline = runs.find((run) => run.label === BASELINE)!;
  const widths = [28, 9, 9, 9, 9, 10, 24];
  console.log();
  console.log(row(["", "req/s", "ratio", "p50", "p99", "max", "non-2xx/errors/timeouts"], widths));
  for (const { label, result } of runs) {
    console.log(
      row(
        [
          label,
          perSecond(result.requestsPerSecond),
          (result.requestsPerSecond / baseline.result.requestsPerSecond).toFixed(2),
          ms(result.latencyMs.p50),
          ms(result.latencyMs.p99),
          ms(result.latencyMs.max),
          `${result.non2xx}/${result.errors}/${result.timeouts}`,
        ],
        widths,
      ),
    );
  }
  for (const { label, result } of runs) {
    const problem = problemsOf(result);
    if (problem !== undefined) console.log(`INVALID RUN: ${label} had ${problem}; its figures do not count.`);
  }
  console.log();
  console.log("where the CPU went during the measured windows (% of one core; µs of CPU per request):");
  for (const { label, cpu, result } of runs) {
    const shares = cpu.shares
      .filter((share) => share.percentOfCore >= 0.5 || share.label.startsWith("replica"))
      .map((share) => {
        const perRequest = Number.isNaN(share.systemPercentOfCore)
          ? ""
          : `, ${Math.round((share.percentOfCore * 10_000) / result.requestsPerSecond)} µs`;
        return `${share.label} ${share.percentOfCore.toFixed(0)}%${perRequest}`;
      })
      .join("; ");
    console.log(
      `  ${label}: ${shares}; machine ${cpu.machineBusyPercent.toFixed(0)}% busy of ${cpu.cores} cores`,
    );
  }
}

/** The nginx master and its workers. */
function nginxGroup(masterPid: number): CpuGroup {
  return { label: "nginx", matches: (pid) => pid === masterPid || parentOf(pid) === masterPid };
}

/** The PostgreSQL backends serving the bench's database (their command line names it), not other users'. */
function postgresGroup(databaseName: string): CpuGroup {
  return {
    label: "PostgreSQL (its backends)",
    matches: (pid, name) => name === "postgres" && commandLine(pid).includes(` ${databaseName} `),
  };
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

await runBench(main);
