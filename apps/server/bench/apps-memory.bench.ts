// The server's memory per app, with the cluster cache (packages/api/src/cluster/state) holding BabyHelm's objects:
// the issue asks for the server's memory per 1,000 apps across 50 projects. It reports, it does not judge.
//
// One run: BENCH_MEMORY_PROJECTS (50) projects, then BENCH_MEMORY_APPS_PER_PROJECT (20) apps in each, created through
// apps.create (BENCH_CREATE_CONCURRENCY at a time) as users would. The server's heap (`heapUsed` after several
// forced collections) is read with the projects and no app, once each project has its first app (so that code run
// only by the first create is out of the marginal figure), and with every app, each time once the cache holds every
// object (the Deployments, ReplicaSets and Pods, every Deployment ready as the cache sees it) and the counts have
// stopped moving. The difference is the whole server's heap, of which the cache is expected to be nearly all: app
// rows stay in PostgreSQL, and nothing reads the apps meanwhile (no Events are watched). Events are kept only for the
// namespaces someone looks at: a last reading, after one apps.get per project, has every project's Events too.
//
// The server runs in this process on a fresh PostgreSQL database, the sandbox cluster in a process of its own (its
// memory is not counted). It needs --expose-gc, and runs itself again with it when started without.
//
// Run: cd apps/server && pnpm exec tsx --conditions=development bench/apps-memory.bench.ts
// Knobs (environment): BENCH_MEMORY_PROJECTS (50), BENCH_MEMORY_APPS_PER_PROJECT (20), BENCH_CREATE_CONCURRENCY (10),
// BENCH_POOL_SIZE (20), BENCH_POSTGRES_URL.
// It exits 0 when it measured, 1 when it could not.
import { spawn } from "node:child_process";
import { appName, createApps, startAppsBenchServer, type AppRef } from "./support/apps-fixture.js";
import { createBenchProject, query, signUp, type BenchServer } from "./support/bench-server.js";
import { machineSummary } from "./support/cpu.js";
import { row } from "./support/format.js";
import { numberFromEnv, runBench, sleep } from "./support/settings.js";

const PROJECTS = numberFromEnv("BENCH_MEMORY_PROJECTS", 50);
const APPS_PER_PROJECT = numberFromEnv("BENCH_MEMORY_APPS_PER_PROJECT", 20);
const CREATE_CONCURRENCY = numberFromEnv("BENCH_CREATE_CONCURRENCY", 10);
const POOL_SIZE = numberFromEnv("BENCH_POOL_SIZE", 20);
const HELD_TIMEOUT_MS = 300_000;
/** How long the cache's counts must stay put before the heap is read. */
const SETTLED_MS = 2_000;
const REEXEC_MARK = "BENCH_MEMORY_WITH_GC";

interface Reading {
  label: string;
  apps: number;
  heapUsed: number;
  rss: number;
  external: number;
  objects: Record<string, number>;
}

async function main(): Promise<void> {
  const total = PROJECTS * APPS_PER_PROJECT;
  console.log(
    `server memory bench: ${total} apps across ${PROJECTS} projects (${APPS_PER_PROJECT} each), created ` +
      `${CREATE_CONCURRENCY} at a time`,
  );
  console.log(`machine at start: ${machineSummary()}`);
  const setupStarted = performance.now();
  const bench = await startAppsBenchServer("babyhelm_bench_apps_memory", {
    poolSize: POOL_SIZE,
    readyDelayMs: 0,
  });
  try {
    // A user may create only so many projects (BABYHELM_MAX_PROJECTS_PER_USER): the projects have several owners.
    const perOwner = bench.server.services.config.limits.projectsPerUser;
    const projects = Array.from(
      { length: PROJECTS },
      (_, index) => `mem-${String(index + 1).padStart(3, "0")}`,
    );
    const owners = new Map<string, string>();
    let token = "";
    for (const [index, name] of projects.entries()) {
      if (index % perOwner === 0) {
        // Sign-up emails are made from the clock: two in the same millisecond would be one.
        await sleep(2);
        token = await signUp(bench.url, "api-token");
      }
      await createBenchProject(bench, name, token);
      owners.set(name, token);
    }
    const tokenOf = (app: AppRef) => owners.get(app.project)!;
    const readings: Reading[] = [];
    await untilHeld(bench, PROJECTS, 0);
    readings.push(await read(bench, `${PROJECTS} projects, no app`, 0));

    // The first app of each project, then the others: apps of different projects interleave, as users' would.
    const first: AppRef[] = projects.map((project) => ({ project, name: appName(0) }));
    const rest: AppRef[] = [];
    for (let index = 1; index < APPS_PER_PROJECT; index++) {
      for (const project of projects) rest.push({ project, name: appName(index) });
    }
    const firstMs = await createApps(bench.url, tokenOf, first, CREATE_CONCURRENCY);
    await untilHeld(bench, PROJECTS, first.length);
    readings.push(await read(bench, `1 app in each project`, first.length));
    const restMs = await createApps(bench.url, tokenOf, rest, CREATE_CONCURRENCY);
    await untilHeld(bench, PROJECTS, total);
    readings.push(await read(bench, `${APPS_PER_PROJECT} apps in each project`, total));
    const setupMs = performance.now() - setupStarted;
    // Events are kept only for namespaces someone looks at: one app page per project has every namespace's watched.
    for (const project of projects) {
      await query(bench.url, "apps.get", { project, name: appName(0) }, owners.get(project));
    }
    await untilEventsHeld(bench, PROJECTS);
    readings.push(await read(bench, `same, Events of all watched`, total));

    console.log(
      `\nset-up: ${bench.database.serverVersion}, sandbox pods ready at once (readyDelayMs 0); ${total} apps created ` +
        `through apps.create in ${((firstMs + restMs) / 1000).toFixed(1)} s ` +
        `(${((total * 1000) / (firstMs + restMs)).toFixed(1)}/s); whole set-up, waits and forced collections ` +
        `included, ${(setupMs / 1000).toFixed(1)} s`,
    );
    report(readings);
    console.log(`machine at end: ${machineSummary()}`);
  } finally {
    await bench.stop();
  }
}

/**
 * Waits until the cache holds the projects' namespaces and `apps` apps' Deployments, ReplicaSets and Pods, every
 * Deployment ready, and its counts have not moved for SETTLED_MS (the sandbox may still be writing statuses).
 */
async function untilHeld(bench: BenchServer, projects: number, apps: number): Promise<void> {
  const { clusterState } = bench.server.services;
  const deadline = Date.now() + HELD_TIMEOUT_MS;
  let last = "";
  let sameSince = Date.now();
  for (;;) {
    const { synced, objects } = clusterState.figures();
    const deployments = await clusterState.list("apps/v1", "Deployment");
    const ready = deployments.filter(
      (deployment: any) => (deployment.status?.readyReplicas ?? 0) >= (deployment.spec?.replicas ?? 1),
    ).length;
    const held =
      synced &&
      objects.Namespace === projects &&
      objects.Deployment === apps &&
      objects.ReplicaSet === apps &&
      objects.Pod === apps &&
      ready === apps;
    const key = JSON.stringify(objects);
    if (key !== last) {
      last = key;
      sameSince = Date.now();
    }
    if (held && Date.now() - sameSince >= SETTLED_MS) return;
    if (Date.now() > deadline) {
      throw new Error(`the cache does not hold ${apps} ready apps: ${key}, ${ready} Deployments ready`);
    }
    await sleep(250);
  }
}

/** Waits until every project's Events are watched and listed, and the count has not moved for SETTLED_MS. */
async function untilEventsHeld(bench: BenchServer, projects: number): Promise<void> {
  const { clusterState } = bench.server.services;
  const deadline = Date.now() + HELD_TIMEOUT_MS;
  let last = -1;
  let sameSince = Date.now();
  for (;;) {
    const { eventNamespaces, objects } = clusterState.figures();
    if (objects.Event !== last) {
      last = objects.Event ?? 0;
      sameSince = Date.now();
    }
    if (eventNamespaces === projects && last > 0 && Date.now() - sameSince >= SETTLED_MS) return;
    if (Date.now() > deadline) throw new Error(`Events of ${eventNamespaces} of ${projects} namespaces held`);
    await sleep(250);
  }
}

async function read(bench: BenchServer, label: string, apps: number): Promise<Reading> {
  const gc = globalThis.gc!;
  // Several collections, with turns of the event loop between them: finalizers and weak maps let go of more.
  for (let round = 0; round < 6; round++) {
    gc();
    await sleep(100);
  }
  const memory = process.memoryUsage();
  const { objects } = bench.server.services.clusterState.figures();
  console.log(`  read: ${label}`);
  return { label, apps, heapUsed: memory.heapUsed, rss: memory.rss, external: memory.external, objects };
}

function report(readings: Reading[]): void {
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const widths = [34, 11, 11, 11];
  console.log();
  console.log(row(["server process", "heap used", "rss", "external"], widths));
  for (const reading of readings) {
    console.log(row([reading.label, mb(reading.heapUsed), mb(reading.rss), mb(reading.external)], widths));
  }
  const [none, firsts, all, withEvents] = readings as [Reading, Reading, Reading, Reading];
  const perApp = (from: Reading, to: Reading) => (to.heapUsed - from.heapUsed) / (to.apps - from.apps);
  console.log();
  console.log(
    `heap per app, ${none.apps} -> ${all.apps} apps: ${kb(perApp(none, all))} ` +
      `= ${mb(perApp(none, all) * 1000)} per 1,000 apps`,
  );
  if (all.apps > firsts.apps) {
    console.log(
      `heap per app, ${firsts.apps} -> ${all.apps} apps (code run by the first creates left out): ` +
        `${kb(perApp(firsts, all))} = ${mb(perApp(firsts, all) * 1000)} per 1,000 apps`,
    );
  }
  console.log("objects the cluster cache holds:");
  for (const reading of readings) {
    const counts = Object.entries(reading.objects)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(", ");
    const held = Object.values(reading.objects).reduce((sum, count) => sum + count, 0);
    console.log(`  ${reading.label}: ${held} objects (${counts})`);
  }
  const objectsAdded =
    Object.values(all.objects).reduce((sum, count) => sum + count, 0) -
    Object.values(none.objects).reduce((sum, count) => sum + count, 0);
  console.log(
    `heap per object held, ${none.apps} -> ${all.apps} apps: ${kb((all.heapUsed - none.heapUsed) / objectsAdded)}`,
  );
  const events = (withEvents.objects.Event ?? 0) - (all.objects.Event ?? 0);
  console.log(
    `with every project's Events watched (${events} Events): heap per app ${none.apps} -> ${all.apps} apps ` +
      `${kb(perApp(none, withEvents))} = ${mb(perApp(none, withEvents) * 1000)} per 1,000 apps; ` +
      `${kb((withEvents.heapUsed - all.heapUsed) / Math.max(1, events))} per Event`,
  );
}

if (typeof globalThis.gc === "function") {
  await runBench(main);
} else if (process.env[REEXEC_MARK] === undefined) {
  // The same node options (tsx's loader among them), with --expose-gc, in a process of its own.
  const child = spawn(process.execPath, [...process.execArgv, "--expose-gc", ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, [REEXEC_MARK]: "1" },
  });
  child.once("exit", (code, signal) => process.exit(signal === null ? (code ?? 1) : 1));
} else {
  console.error("bench failed: global.gc is missing even with --expose-gc");
  process.exit(1);
}
