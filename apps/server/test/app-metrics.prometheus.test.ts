// apps.metrics and projects.usage against a real Prometheus (Debian's `prometheus` package) holding cAdvisor's series
// for known pods. The series are backfilled with `promtool tsdb create-blocks-from openmetrics` before Prometheus
// starts, and the server's clock is pinned inside them, so every query reads the same fixed samples however busy the
// machine is: no scrape timing can move a rate.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@babyhelm/api/testing";
import type { Db } from "@babyhelm/db";
import { testBackends } from "@babyhelm/db/testing";
import { startHarness, type ApiClient, type Harness } from "./support/harness.js";

const PROMETHEUS = "/usr/bin/prometheus";
const PROMTOOL = "/usr/bin/promtool";
const present = existsSync(PROMETHEUS) && existsSync(PROMTOOL);
if (!present) {
  console.warn(
    `Prometheus tests skipped: ${PROMETHEUS} or ${PROMTOOL} is absent (apt-get install prometheus)`,
  );
}

const MIB = 1024 * 1024;
/** The server's pinned clock, on a minute; the samples run from two hours before it to ten minutes after. */
const NOW_S = Math.floor(Date.now() / 60_000) * 60;
const SAMPLES_FROM_S = NOW_S - 2 * 3600;
const SAMPLES_UNTIL_S = NOW_S + 10 * 60;
const SAMPLE_STEP_S = 15;

interface Series {
  namespace: string;
  pod: string;
  container: string;
  /** Cores: the counter grows by this many CPU-seconds per second. */
  cpu: number;
  memory: number;
}

/** The two pods of app "web" in `namespace`, and series the queries must leave out. */
function seriesFor(namespace: string): Series[] {
  return [
    { namespace, pod: "web-5f6d7c8b9-abcde", container: "web", cpu: 0.25, memory: 100 * MIB },
    { namespace, pod: "web-5f6d7c8b9-fghij", container: "web", cpu: 0.5, memory: 200 * MIB },
    // The pod's own cgroup (container="") and the pause container double-count the same usage.
    { namespace, pod: "web-5f6d7c8b9-abcde", container: "", cpu: 0.75, memory: 999 * MIB },
    { namespace, pod: "web-5f6d7c8b9-abcde", container: "POD", cpu: 0.01, memory: 1 * MIB },
    // Another app whose name starts with "web-", and the same pod name in another namespace.
    { namespace, pod: "web-api-7d8f9c6b5-zzzzz", container: "web-api", cpu: 2, memory: 4096 * MIB },
    {
      namespace: `${namespace}-other`,
      pod: "web-5f6d7c8b9-abcde",
      container: "web",
      cpu: 3,
      memory: 50 * MIB,
    },
  ];
}

/** cAdvisor's two series in OpenMetrics text, as promtool backfills it: CPU counters that grow linearly (so rate()
 * has an exact value) and constant memory gauges. */
function openMetrics(series: readonly Series[]): string {
  const labels = (s: Series) =>
    `container="${s.container}",id="/kubepods/${s.pod}/${s.container}",image="nginx:1.27",name="${s.container}",namespace="${s.namespace}",pod="${s.pod}"`;
  const times: number[] = [];
  for (let t = SAMPLES_FROM_S; t <= SAMPLES_UNTIL_S; t += SAMPLE_STEP_S) times.push(t);
  const lines = [
    "# HELP container_cpu_usage_seconds Cumulative cpu time consumed in seconds.",
    "# TYPE container_cpu_usage_seconds counter",
  ];
  for (const s of series) {
    for (const t of times) {
      lines.push(`container_cpu_usage_seconds_total{${labels(s)}} ${s.cpu * (t - SAMPLES_FROM_S)} ${t}`);
    }
  }
  lines.push(
    "# HELP container_memory_working_set_bytes Current working set of the container in bytes.",
    "# TYPE container_memory_working_set_bytes gauge",
  );
  for (const s of series) {
    for (const t of times) lines.push(`container_memory_working_set_bytes{${labels(s)}} ${s.memory} ${t}`);
  }
  lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

describe.skipIf(!present)("metrics from a real Prometheus", () => {
  const namespaces = [`prom-a-${process.pid}`, `prom-b-${process.pid}`];
  let prometheus: ChildProcess;
  let prometheusUrl: string;
  let dir: string;
  let output = "";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "babyhelm-prometheus-"));
    const input = join(dir, "cadvisor.om");
    writeFileSync(input, openMetrics(namespaces.flatMap(seriesFor)));
    await promisify(execFile)(PROMTOOL, [
      "tsdb",
      "create-blocks-from",
      "openmetrics",
      input,
      join(dir, "data"),
    ]);
    writeFileSync(join(dir, "prometheus.yml"), "global: { evaluation_interval: 1m }\n");
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    prometheus.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    // Ready, with the backfilled blocks loaded: every memory series is there at the pinned time.
    await waitFor(
      async () => {
        if (prometheus.exitCode !== null) throw new Error(`prometheus exited: ${output.slice(-2000)}`);
        const query = new URLSearchParams({
          query: "count(container_memory_working_set_bytes)",
          time: `${NOW_S}`,
        });
        const response = await fetch(`${prometheusUrl}/api/v1/query?${query.toString()}`).catch(
          () => undefined,
        );
        const body = (await response?.json().catch(() => undefined)) as
          { data?: { result?: { value: [number, string] }[] } } | undefined;
        return body?.data?.result?.[0]?.value[1] === String(namespaces.length * 6) ? true : undefined;
      },
      { what: "Prometheus to load the backfilled series", timeoutMs: 60_000, intervalMs: 200 },
    );
  }, 90_000);

  afterAll(async () => {
    if (prometheus !== undefined && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus.once("exit", resolve));
      prometheus.kill("SIGTERM");
      await exited;
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  // The queries go to Prometheus, not the database, so one backend suffices.
  for (const [index, backend] of testBackends().slice(0, 1).entries()) {
    describe.skipIf(backend.skipReason !== undefined)(`on ${backend.name}`, () => {
      const project = namespaces[index]!;
      let db: Db;
      let harness: Harness;
      let client: ApiClient;

      beforeAll(async () => {
        db = await backend.open();
        harness = await startHarness(db, {
          env: { PROMETHEUS_URL: prometheusUrl },
          now: () => new Date(NOW_S * 1000),
        });
        client = (await harness.newUser("prom")).client;
        await client.projects.create.mutate({ name: project });
        await client.apps.create.mutate({
          project,
          name: "web",
          spec: { image: "nginx:1.27", ports: [{ port: 80 }], resources: { requests: { cpu: "250m" } } },
        });
      });
      afterAll(async () => {
        await harness?.stop();
        await db?.close();
      });

      it("charts each pod's CPU rate and memory, and their total, from cAdvisor's series", async () => {
        const metrics = await client.apps.metrics.query({ project, name: "web", range: "1h" });
        expect(metrics).toMatchObject({
          source: "prometheus",
          available: true,
          range: "1h",
          stepSeconds: 60,
          requests: { cpu: 0.25 },
        });
        expect(metrics.series.pods.map((series) => series.pod)).toEqual([
          "web-5f6d7c8b9-abcde",
          "web-5f6d7c8b9-fghij",
        ]);
        // One point a minute from an hour before the pinned clock to it, each inside the samples.
        const times = Array.from({ length: 61 }, (_, minute) => NOW_S - 3600 + minute * 60);
        const expected = [
          { cpu: 0.25, memory: 100 * MIB },
          { cpu: 0.5, memory: 200 * MIB },
        ];
        for (const [podIndex, series] of metrics.series.pods.entries()) {
          expect(series.cpu.map(([t]) => t)).toEqual(times);
          for (const [, value] of series.cpu) expect(value).toBeCloseTo(expected[podIndex]!.cpu, 6);
          expect(series.memory.map(([t]) => t)).toEqual(times);
          for (const [, value] of series.memory) expect(value).toBe(expected[podIndex]!.memory);
        }
        expect(metrics.series.total.cpu.map(([t]) => t)).toEqual(times);
        for (const [, value] of metrics.series.total.cpu) expect(value).toBeCloseTo(0.75, 6);
        for (const [, value] of metrics.series.total.memory) expect(value).toBe(300 * MIB);
      });

      it("gives each app's current usage for the project overview", async () => {
        const usage = await client.projects.usage.query({ name: project });
        expect(usage).toMatchObject({ source: "prometheus", available: true });
        expect(usage.apps).toEqual([
          expect.objectContaining({ name: "web", cpu: expect.closeTo(0.75, 6), memory: 300 * MIB }),
        ]);
      });
    });
  }
});
