// apps.metrics and projects.usage against a real Prometheus (Debian's `prometheus` package) scraping an exporter
// that serves cAdvisor's series for known pods: CPU counters that grow linearly, so rate() has an exact value.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Db } from "@babyhelm/db";
import { testBackends } from "@babyhelm/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "./cluster/helpers.js";
import { type ApiClient, type Harness, startHarness } from "./support/harness.js";

const PROMETHEUS = "/usr/bin/prometheus";
const present = existsSync(PROMETHEUS);
if (!present) console.warn(`Prometheus tests skipped: ${PROMETHEUS} is absent (apt-get install prometheus)`);

const MIB = 1024 * 1024;
/** History the exporter hands over on the first scrape, every 15 s, with explicit timestamps as cAdvisor's have. */
const HISTORY_MS = 10 * 60_000;
const HISTORY_STEP_MS = 15_000;

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

/** cAdvisor's text format; the first scrape carries the history, later ones the current values. */
function startExporter(series: readonly Series[]): Promise<{ server: Server; url: string }> {
  const origin = Date.now() - HISTORY_MS;
  let last = 0;
  const server = createServer((_req, res) => {
    const now = Date.now();
    const times: number[] = [];
    if (last === 0) for (let t = origin; t < now; t += HISTORY_STEP_MS) times.push(t);
    times.push(now);
    const lines = [
      "# HELP container_cpu_usage_seconds_total Cumulative cpu time consumed in seconds.",
      "# TYPE container_cpu_usage_seconds_total counter",
    ];
    const labels = (s: Series) =>
      `container="${s.container}",id="/kubepods/${s.pod}/${s.container}",image="nginx:1.27",name="${s.container}",namespace="${s.namespace}",pod="${s.pod}"`;
    for (const s of series) {
      for (const t of times) {
        if (t > last)
          lines.push(`container_cpu_usage_seconds_total{${labels(s)}} ${(s.cpu * (t - origin)) / 1000} ${t}`);
      }
    }
    lines.push(
      "# HELP container_memory_working_set_bytes Current working set of the container in bytes",
      "# TYPE container_memory_working_set_bytes gauge",
    );
    for (const s of series) {
      for (const t of times)
        if (t > last) lines.push(`container_memory_working_set_bytes{${labels(s)}} ${s.memory} ${t}`);
    }
    last = now;
    res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" });
    res.end(`${lines.join("\n")}\n`);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({ server, url: `127.0.0.1:${(server.address() as AddressInfo).port}` });
    });
  });
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
  let exporter: { server: Server; url: string };
  let prometheus: ChildProcess;
  let prometheusUrl: string;
  let dir: string;
  let output = "";

  beforeAll(async () => {
    exporter = await startExporter(namespaces.flatMap(seriesFor));
    dir = mkdtempSync(join(tmpdir(), "babyhelm-prometheus-"));
    writeFileSync(
      join(dir, "prometheus.yml"),
      [
        "global: { scrape_interval: 1s, scrape_timeout: 1s }",
        "scrape_configs:",
        "  - job_name: cadvisor",
        `    static_configs: [{ targets: ["${exporter.url}"] }]`,
      ].join("\n"),
    );
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
    // Ready, and the exporter scraped: the memory series are queryable.
    await waitFor(
      async () => {
        if (prometheus.exitCode !== null) throw new Error(`prometheus exited: ${output.slice(-2000)}`);
        const response = await fetch(
          `${prometheusUrl}/api/v1/query?query=${encodeURIComponent("count(container_memory_working_set_bytes)")}`,
        ).catch(() => undefined);
        const body = (await response?.json().catch(() => undefined)) as
          { data?: { result?: { value: [number, string] }[] } } | undefined;
        return body?.data?.result?.[0]?.value[1] === String(namespaces.length * 6) ? true : undefined;
      },
      { what: "Prometheus to scrape the exporter", timeoutMs: 30_000, intervalMs: 200 },
    );
  }, 45_000);

  afterAll(async () => {
    if (prometheus !== undefined && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus.once("exit", resolve));
      prometheus.kill("SIGTERM");
      await exited;
    }
    await new Promise((resolve) => exporter?.server.close(resolve));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  // The queries go to Prometheus, not the database, so one backend suffices; it runs while the exporter's history
  // is fresh (a later suite would query a window that has drifted past it).
  for (const [index, backend] of testBackends().slice(0, 1).entries()) {
    describe.skipIf(backend.skipReason !== undefined)(`on ${backend.name}`, () => {
      const project = namespaces[index]!;
      let db: Db;
      let harness: Harness;
      let client: ApiClient;

      beforeAll(async () => {
        db = await backend.open();
        harness = await startHarness(db, { env: { PROMETHEUS_URL: prometheusUrl } });
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
        // rate(...[5m]) is exact once its whole window lies inside the history.
        const settled = (Date.now() - HISTORY_MS) / 1000 + 5 * 60 + 30;
        const expected = [
          { cpu: 0.25, memory: 100 * MIB },
          { cpu: 0.5, memory: 200 * MIB },
        ];
        for (const [podIndex, series] of metrics.series.pods.entries()) {
          const cpu = series.cpu.filter(([t]) => t >= settled);
          expect(cpu.length).toBeGreaterThanOrEqual(3);
          for (const [, value] of cpu) expect(value).toBeCloseTo(expected[podIndex]!.cpu, 6);
          expect(series.memory.length).toBeGreaterThanOrEqual(9);
          for (const [, value] of series.memory) expect(value).toBe(expected[podIndex]!.memory);
        }
        const totalCpu = metrics.series.total.cpu.filter(([t]) => t >= settled);
        expect(totalCpu.length).toBeGreaterThanOrEqual(3);
        for (const [, value] of totalCpu) expect(value).toBeCloseTo(0.75, 6);
        expect(metrics.series.total.memory.at(-1)?.[1]).toBe(300 * MIB);
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
