// `apps.get` and `apps.list` as a project grows, against `projects.list` measured in the same run with the same load
// (20 connections, PostgreSQL). The issue's targets, for a project of BENCH_APPS_LARGE (200) apps: each at least half
// of projects.list's requests/s, and losing at most 20 % of its requests/s from BENCH_APPS_SMALL (10) apps to 200.
//
// One run: the user is a member of BENCH_PROJECTS projects, one of which holds the apps. With 10 ready apps it
// measures projects.list, apps.get (the first app) and apps.list (the default page, 20 apps, as the dashboard reads
// it); then it creates the other 190 apps through apps.create, waits until all are ready, and measures the three again,
// and apps.list with a 10-app page (the same apps as before), which tells the namespace's growth apart from the page's.
// Ratios are taken against the projects.list of the same phase, the nearest in time on a machine whose load moves.
// Both reads answer from the cluster cache (packages/api/src/cluster/state), so each measured run also counts the
// requests that reached the API server: in steady state there should be none.
//
// The server runs in this process on a fresh PostgreSQL database; autocannon and the sandbox cluster in processes
// of their own (the sandbox counts the API requests it receives, see support/api-server-requests.ts).
//
// Run: cd apps/server && pnpm exec tsx --conditions=development bench/apps-scale.bench.ts
// Knobs (environment): BENCH_CONNECTIONS (20), BENCH_WARMUP_SECONDS (5), BENCH_SECONDS (10), BENCH_APPS_SMALL (10),
// BENCH_APPS_LARGE (200), BENCH_PROJECTS (10), BENCH_CREATE_CONCURRENCY (10), BENCH_POOL_SIZE (20),
// BENCH_POSTGRES_URL; BENCH_CPU_PROFILE=<folder> profiles the server's thread during each measured run and writes
// <folder>/<procedure>-<apps>-apps.cpuprofile (open in Chrome's DevTools, or summarise with
// `pnpm exec tsx --conditions=development bench/support/profile-summary.ts <file>`).
// It exits 0 whether or not the targets are met: it is a report. It exits 1 only when it could not measure.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describeCounts, totalOf } from "./support/api-server-requests.js";
import { appName, createApps, startAppsBenchServer, waitUntilReady } from "./support/apps-fixture.js";
import { createBenchProject, mutate, query, queryUrl, signUp } from "./support/bench-server.js";
import {
  cpuPerRequestUs,
  measureRun,
  POSTGRES_CPU,
  SANDBOX_CPU,
  SERVER_CPU,
  type Run,
} from "./support/closed-loop.js";
import { machineSummary } from "./support/cpu.js";
import { ms, perSecond, row } from "./support/format.js";
import { numberFromEnv, runBench } from "./support/settings.js";

const SHAPE = {
  connections: numberFromEnv("BENCH_CONNECTIONS", 20),
  warmupSeconds: numberFromEnv("BENCH_WARMUP_SECONDS", 5),
  seconds: numberFromEnv("BENCH_SECONDS", 10),
};
const APPS_SMALL = numberFromEnv("BENCH_APPS_SMALL", 10);
const APPS_LARGE = numberFromEnv("BENCH_APPS_LARGE", 200);
const PROJECTS = numberFromEnv("BENCH_PROJECTS", 10);
const CREATE_CONCURRENCY = numberFromEnv("BENCH_CREATE_CONCURRENCY", 10);
const POOL_SIZE = numberFromEnv("BENCH_POOL_SIZE", 20);
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROFILE;
const PROJECT = "bench-apps";
/** Of projects.list's requests/s, at BENCH_APPS_LARGE apps. */
const RATIO_TARGET = 0.5;
/** The most requests/s may drop from BENCH_APPS_SMALL to BENCH_APPS_LARGE apps. */
const LOSS_TARGET = 0.2;
const READY_TIMEOUT_MS = 180_000;

interface Phase {
  apps: number;
  projectsList: Run;
  appsGet: Run;
  appsList: Run;
  /**
   * At the larger size only: apps.list with a page as long as the smaller size's (the same apps), which tells the
   * namespace's growth apart from the default page's (10 items become 20).
   */
  appsListSamePage?: Run;
}

/** The phase's runs in the order they ran. */
function runsOf(phase: Phase): Run[] {
  return [
    phase.projectsList,
    phase.appsGet,
    phase.appsList,
    ...(phase.appsListSamePage === undefined ? [] : [phase.appsListSamePage]),
  ];
}

async function main(): Promise<void> {
  if (APPS_LARGE <= APPS_SMALL) throw new Error("BENCH_APPS_LARGE must be more than BENCH_APPS_SMALL");
  if (CPU_PROFILE_DIR !== undefined) mkdirSync(CPU_PROFILE_DIR, { recursive: true });
  console.log(
    `apps.get / apps.list scale bench: ${APPS_SMALL} then ${APPS_LARGE} apps in one project, ` +
      `${SHAPE.connections} connections, ${SHAPE.warmupSeconds} s warm-up + ${SHAPE.seconds} s measured each`,
  );
  console.log(`machine at start: ${machineSummary()}`);
  const bench = await startAppsBenchServer("babyhelm_bench_apps_scale", {
    poolSize: POOL_SIZE,
    readyDelayMs: 0,
  });
  try {
    const token = await signUp(bench.url, "api-token");
    await createBenchProject(bench, PROJECT, token);
    for (let index = 1; index < PROJECTS; index++) {
      await mutate(
        bench.url,
        "projects.create",
        { name: `bench-other-${String(index).padStart(2, "0")}` },
        token,
      );
    }
    const headers = { authorization: `Bearer ${token}` };
    const targets = {
      projectsList: { label: "projects.list", url: queryUrl(bench.url, "projects.list", {}), headers },
      appsGet: {
        label: "apps.get",
        url: queryUrl(bench.url, "apps.get", { project: PROJECT, name: appName(0) }),
        headers,
      },
      // No limit: the default page, as the dashboard's Applications tab asks for it.
      appsList: { label: "apps.list", url: queryUrl(bench.url, "apps.list", { project: PROJECT }), headers },
      appsListSamePage: {
        label: `apps.list limit ${Math.min(APPS_SMALL, 100)}`,
        url: queryUrl(bench.url, "apps.list", { project: PROJECT, limit: Math.min(APPS_SMALL, 100) }),
        headers,
      },
    };
    const size = (data: unknown) => Buffer.byteLength(JSON.stringify({ result: { data } }));

    const phases: Phase[] = [];
    let made = 0;
    for (const apps of [APPS_SMALL, APPS_LARGE]) {
      const wanted = Array.from({ length: apps - made }, (_, index) => ({
        project: PROJECT,
        name: appName(made + index),
      }));
      const started = performance.now();
      const createMs = await createApps(bench.url, token, wanted, CREATE_CONCURRENCY);
      await waitUntilReady(bench.url, token, PROJECT, apps, READY_TIMEOUT_MS);
      made = apps;
      const listed = await query(bench.url, "apps.list", { project: PROJECT }, token);
      const got = await query(bench.url, "apps.get", { project: PROJECT, name: appName(0) }, token);
      const cache = bench.server.services.clusterState.figures();
      console.log(
        `\n${apps} apps: ${wanted.length} created in ${(createMs / 1000).toFixed(1)} s (${CREATE_CONCURRENCY} at a ` +
          `time), all ready after ${((performance.now() - started) / 1000).toFixed(1)} s; responses: apps.list ` +
          `${size(listed)} bytes (${listed.items.length} items), apps.get ${size(got)} bytes; cluster cache ` +
          `${cache.synced ? "synced" : "NOT synced"}: ${Object.entries(cache.objects)
            .map(([kind, count]) => `${kind} ${count}`)
            .join(", ")}`,
      );
      console.log("running:");
      const profile = (label: string) =>
        CPU_PROFILE_DIR === undefined ? undefined : join(CPU_PROFILE_DIR, `${label}-${apps}-apps.cpuprofile`);
      phases.push({
        apps,
        projectsList: await measureRun(SHAPE, targets.projectsList, bench, profile("projects.list")),
        appsGet: await measureRun(SHAPE, targets.appsGet, bench, profile("apps.get")),
        appsList: await measureRun(SHAPE, targets.appsList, bench, profile("apps.list")),
        ...(apps === APPS_LARGE
          ? {
              appsListSamePage: await measureRun(
                SHAPE,
                targets.appsListSamePage,
                bench,
                profile("apps.list-same-page"),
              ),
            }
          : {}),
      });
    }
    console.log(
      `\nset-up: ${bench.database.serverVersion}, pool ${POOL_SIZE}, ${PROJECTS} projects, auth by api-token, ` +
        `sandbox pods ready at once (readyDelayMs 0), drift checks and metrics sampling off`,
    );
    report(phases);
    console.log(`machine at end: ${machineSummary()}`);
  } finally {
    await bench.stop();
  }
}

function report(phases: Phase[]): void {
  const widths = [30, 9, 8, 8, 8, 16, 11, 9, 9, 9, 24];
  console.log();
  console.log(
    row(
      [
        "",
        "req/s",
        "p50",
        "p99",
        "max",
        "non-2xx/err/t.o.",
        "server CPU",
        "PG CPU",
        "sandbox",
        "SQL",
        "API-server requests",
      ],
      widths,
    ),
  );
  console.log(
    row(["", "", "", "", "", "", "per call", "per call", "per call", "per call", "in the run"], widths),
  );
  const us = (value: number) => (Number.isNaN(value) ? "?" : `${Math.round(value)} µs`);
  for (const phase of phases) {
    for (const run of runsOf(phase)) {
      const { result } = run;
      const sql = totalOf(run.queries) / Math.max(1, result.completed);
      console.log(
        row(
          [
            `${run.label}, ${phase.apps} apps`,
            perSecond(result.requestsPerSecond),
            ms(result.latencyMs.p50),
            ms(result.latencyMs.p99),
            ms(result.latencyMs.max),
            `${result.non2xx}/${result.errors}/${result.timeouts}`,
            us(cpuPerRequestUs(run, SERVER_CPU)),
            us(cpuPerRequestUs(run, POSTGRES_CPU)),
            us(cpuPerRequestUs(run, SANDBOX_CPU)),
            sql.toFixed(2),
            String(totalOf(run.apiRequests)),
          ],
          widths,
        ),
      );
    }
  }

  const [small, large] = phases as [Phase, Phase];
  const invalid = [small, large].flatMap((phase) =>
    runsOf(phase)
      .filter((run) => run.problem !== undefined)
      .map((run) => `${run.label} at ${phase.apps} apps had ${run.problem}`),
  );
  const verdict = (met: boolean, runs: Run[]) =>
    runs.some((run) => run.problem !== undefined) ? "INVALID" : met ? "PASS" : "MISS";
  const rps = (run: Run) => run.result.requestsPerSecond;
  const percent = (value: number) => `${value >= 0 ? "+" : ""}${(value * 100).toFixed(1)} %`;
  const targetWidths = [58, 26, 8];
  console.log();
  console.log(row(["target", "measured", "result"], targetWidths));
  for (const run of [large.appsGet, large.appsList]) {
    const ratio = rps(run) / rps(large.projectsList);
    console.log(
      row(
        [
          `${run.label} / projects.list at ${large.apps} apps >= ${RATIO_TARGET}`,
          ratio.toFixed(3),
          verdict(ratio >= RATIO_TARGET, [run, large.projectsList]),
        ],
        targetWidths,
      ),
    );
  }
  for (const key of ["appsGet", "appsList"] as const) {
    const change = rps(large[key]) / rps(small[key]) - 1;
    console.log(
      row(
        [
          `${large[key].label} req/s, ${small.apps} -> ${large.apps} apps: loses <= ${LOSS_TARGET * 100} %`,
          percent(change),
          verdict(change >= -LOSS_TARGET, [small[key], large[key]]),
        ],
        targetWidths,
      ),
    );
  }
  for (const problem of invalid) console.log(`INVALID RUN: ${problem}; its figures do not count.`);
  console.log(
    `for reference: projects.list changed ${percent(rps(large.projectsList) / rps(small.projectsList) - 1)} between ` +
      `the phases (its own work barely grows with the apps: a change there is mostly the machine's load); ` +
      `at ${small.apps} apps apps.get / projects.list ${(rps(small.appsGet) / rps(small.projectsList)).toFixed(3)}, ` +
      `apps.list / projects.list ${(rps(small.appsList) / rps(small.projectsList)).toFixed(3)}`,
  );
  const samePage = large.appsListSamePage;
  if (samePage !== undefined) {
    console.log(
      `${samePage.label} at ${large.apps} apps (the same items as apps.list at ${small.apps} apps): ` +
        `${perSecond(rps(samePage))} req/s, ${percent(rps(samePage) / rps(small.appsList) - 1)} from ` +
        `${small.apps} apps, ${(rps(samePage) / rps(large.projectsList)).toFixed(3)} of projects.list: what the ` +
        `namespace's growth costs, apart from the default page's growth`,
    );
  }

  console.log();
  console.log("API-server requests during the measured runs (reads are served from the cluster cache):");
  for (const phase of phases) {
    for (const run of runsOf(phase).slice(1)) {
      console.log(`  ${run.label}, ${phase.apps} apps: ${describeCounts(run.apiRequests)}`);
    }
  }
  console.log("where the CPU went during the measured runs (% of one core):");
  for (const phase of phases) {
    for (const run of runsOf(phase)) {
      const shares = run.cpu.shares
        .map((share) => `${share.label} ${share.percentOfCore.toFixed(0)}%`)
        .join(", ");
      console.log(
        `  ${run.label}, ${phase.apps} apps: ${shares}; server event loop ` +
          `${(run.eventLoopUtilization * 100).toFixed(0)}% busy; machine ${run.cpu.machineBusyPercent.toFixed(0)}% ` +
          `busy of ${run.cpu.cores} cores`,
      );
    }
  }
  console.log("SQL queries per call:");
  for (const phase of phases) {
    for (const run of runsOf(phase)) {
      const calls = Math.max(1, run.result.completed);
      const byKind = [...run.queries]
        .sort(([, a], [, b]) => b - a)
        .map(([kind, count]) => `${kind} ${(count / calls).toFixed(2)}`)
        .join(", ");
      console.log(`  ${run.label}, ${phase.apps} apps: ${byKind || "none"}`);
    }
  }
}

await runBench(main);
