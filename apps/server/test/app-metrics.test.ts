// apps.metrics and projects.usage from the server's own samples of metrics.k8s.io (here the sandbox's synthetic
// metrics-server), the sampler's retention, and sources that are missing or unreachable.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createCluster,
  NO_METRICS_API,
  readAppMetrics,
  readProjectUsage,
  sampleMetrics,
  waitFor,
  type Cluster,
  type Services,
} from "@babyhelm/api/testing";
import type { Db } from "@babyhelm/db";
import { testBackends } from "@babyhelm/db/testing";
import { startHarness, uniqueName, type ApiClient, type Harness } from "./support/harness.js";

const MIB = 1024 * 1024;
const spec = {
  image: "nginx:1.27",
  ports: [{ port: 80 }],
  replicas: 2,
  resources: { requests: { cpu: "200m", memory: "128Mi" }, limits: { memory: "256Mi" } },
};

for (const backend of testBackends()) {
  describe.skipIf(backend.skipReason !== undefined)(`app metrics on ${backend.name}`, () => {
    let db: Db;
    let harness: Harness;
    let services: Services;
    let client: ApiClient;
    let cluster: Cluster;
    let project: string;
    let appId: string;
    let pods: string[];

    beforeAll(async () => {
      db = await backend.open();
      // The timer would not fire during the test: it calls the sampler itself.
      harness = await startHarness(db, { env: { METRICS_SAMPLE_SECONDS: "3600" } });
      services = harness.server.services;
      cluster = createCluster({ mode: "sandbox", kubeconfigYaml: harness.sandbox.kubeconfigYaml });
      client = (await harness.newUser("metrics")).client;
      project = uniqueName("metrics");
      await client.projects.create.mutate({ name: project });
      await client.apps.create.mutate({ project, name: "web", spec });
      pods = await waitFor(
        async () => {
          const metrics = await cluster.podMetrics(project, "app.kubernetes.io/instance=web");
          return metrics.length === 2 ? metrics.map((pod) => pod.pod).sort() : undefined;
        },
        { what: "metrics of two running pods" },
      );
      appId = (
        await db.kysely
          .selectFrom("applications")
          .select("id")
          .where("name", "=", "web")
          .executeTakeFirstOrThrow()
      ).id;
    });
    afterEach(() => {
      harness.sandbox.faults.clear();
    });
    afterAll(async () => {
      await harness?.stop();
      await db?.close();
    });

    async function samplesOf(at: Date) {
      return db.kysely
        .selectFrom("pod_metric_samples")
        .selectAll()
        .where("app_id", "=", appId)
        .where("at", "=", at)
        .orderBy("pod")
        .execute();
    }

    it("samples each pod's CPU and memory and charts them per pod and in total, with requests and limits", async () => {
      const now = Date.now();
      const times = [now - 10 * 60_000, now - 5 * 60_000, now].map((ms) => new Date(ms));
      for (const at of times) {
        const direct = await cluster.podMetrics(project, "app.kubernetes.io/instance=web");
        const report = await sampleMetrics(services, { at });
        expect(report).toMatchObject({ samples: 2, unavailable: [], errors: [] });
        const rows = await samplesOf(at);
        expect(rows.map((row) => row.pod)).toEqual(pods);
        for (const row of rows) {
          const measured = direct.find((pod) => pod.pod === row.pod)!.containers[0]!;
          // The sandbox's figures drift by a few percent per 15 s scrape at most.
          expect(row.cpu_cores / measured.cpuCores).toBeCloseTo(1, 1);
          expect(row.memory_bytes / measured.memoryBytes).toBeCloseTo(1, 1);
          // 10-40 % of the 200m request (±15 %), 30-60 % of the 128Mi one.
          expect(row.cpu_cores).toBeGreaterThan(0.017);
          expect(row.cpu_cores).toBeLessThan(0.093);
          expect(row.memory_bytes).toBeGreaterThan(0.29 * 128 * MIB);
          expect(row.memory_bytes).toBeLessThan(0.62 * 128 * MIB);
        }
      }

      const metrics = await client.apps.metrics.query({ project, name: "web", range: "1h" });
      expect(metrics).toMatchObject({
        source: "sandbox",
        available: true,
        range: "1h",
        stepSeconds: 60,
        requests: { cpu: 0.2, memory: 128 * MIB },
        limits: { memory: 256 * MIB },
      });
      expect(metrics.reason).toBeUndefined();
      expect(metrics.series.pods.map((series) => series.pod)).toEqual(pods);
      for (const series of metrics.series.pods) {
        const stored = await db.kysely
          .selectFrom("pod_metric_samples")
          .selectAll()
          .where("app_id", "=", appId)
          .where("pod", "=", series.pod)
          .orderBy("at")
          .execute();
        expect(series.cpu).toEqual(
          stored.map((row) => [
            Math.floor(row.at.getTime() / 60_000) * 60,
            expect.closeTo(row.cpu_cores, 12),
          ]),
        );
        expect(series.memory.map(([, value]) => value)).toEqual(
          stored.map((row) => expect.closeTo(row.memory_bytes, 3)),
        );
      }
      expect(metrics.series.total.cpu).toHaveLength(3);
      for (const [index, [t, total]] of metrics.series.total.cpu.entries()) {
        expect(t).toBe(metrics.series.pods[0]!.cpu[index]![0]);
        expect(total).toBeCloseTo(
          metrics.series.pods[0]!.cpu[index]![1] + metrics.series.pods[1]!.cpu[index]![1],
          12,
        );
      }
    });

    it("averages samples over the range's step", async () => {
      const step = 300;
      const bucket = Math.floor(Date.now() / 1000 / step) * step - 2 * step;
      await db.kysely
        .insertInto("pod_metric_samples")
        .values([
          {
            app_id: appId,
            pod: "web-x-1",
            at: new Date((bucket + 10) * 1000),
            cpu_cores: 0.1,
            memory_bytes: 100,
          },
          {
            app_id: appId,
            pod: "web-x-1",
            at: new Date((bucket + 250) * 1000),
            cpu_cores: 0.3,
            memory_bytes: 300,
          },
          {
            app_id: appId,
            pod: "web-x-1",
            at: new Date((bucket + step + 5) * 1000),
            cpu_cores: 0.5,
            memory_bytes: 50,
          },
        ])
        .execute();
      const metrics = await client.apps.metrics.query({ project, name: "web", range: "6h" });
      expect(metrics.stepSeconds).toBe(step);
      const series = metrics.series.pods.find((pod) => pod.pod === "web-x-1");
      expect(series?.cpu).toEqual([
        [bucket, expect.closeTo(0.2, 12)],
        [bucket + step, expect.closeTo(0.5, 12)],
      ]);
      expect(series?.memory).toEqual([
        [bucket, 200],
        [bucket + step, 50],
      ]);
      await db.kysely.deleteFrom("pod_metric_samples").where("pod", "=", "web-x-1").execute();
    });

    it("keeps 24 hours of samples, and one replica samples at a time", async () => {
      const old = new Date(Date.now() - 25 * 3600_000);
      expect(await sampleMetrics(services, { at: old })).toMatchObject({ samples: 2 });
      expect(await samplesOf(old)).toHaveLength(2);
      const report = await sampleMetrics(services);
      expect(report?.deleted).toBe(2);
      expect(await samplesOf(old)).toEqual([]);
      const { count } = await db.kysely
        .selectFrom("pod_metric_samples")
        .select((eb) => eb.fn.countAll<number>().as("count"))
        .where("at", "<", new Date(Date.now() - 24 * 3600_000))
        .executeTakeFirstOrThrow();
      expect(count).toBe(0);

      // A replica whose timer fires just after another's sample skips its turn; two at once: one runs.
      expect(await sampleMetrics(services, { minIntervalMs: 30_000 })).toBeUndefined();
      const [first, second] = await Promise.all([sampleMetrics(services), sampleMetrics(services)]);
      expect([first, second].filter((report) => report === undefined)).toHaveLength(1);
    });

    it("gives the project's quota and each app's current usage", async () => {
      const usage = await client.projects.usage.query({ name: project });
      const direct = await cluster.podMetrics(project, "app.kubernetes.io/instance=web");
      const sum = (pick: (container: { cpuCores: number; memoryBytes: number }) => number) =>
        direct.reduce((total, pod) => total + pick(pod.containers[0]!), 0);
      expect(usage).toMatchObject({ namespace: project, source: "sandbox", available: true });
      expect(usage.apps).toEqual([
        {
          name: "web",
          pods: 2,
          cpu: expect.any(Number),
          memory: expect.any(Number),
          requests: { cpu: 0.2, memory: 128 * MIB },
          limits: { memory: 256 * MIB },
        },
      ]);
      expect(usage.apps[0]!.cpu! / sum((container) => container.cpuCores)).toBeCloseTo(1, 1);
      expect(usage.apps[0]!.memory! / sum((container) => container.memoryBytes)).toBeCloseTo(1, 1);
      // The sandbox's quota controller keeps status.used; the cache may take a moment to see its latest write.
      await expect
        .poll(async () => (await client.projects.usage.query({ name: project })).quotas, { timeout: 10_000 })
        .toEqual([
          {
            name: "babyhelm-quota",
            usedFrom: "cluster",
            hard: expect.objectContaining({
              "requests.cpu": { quantity: "4", value: 4 },
              "requests.memory": { quantity: "8Gi", value: 8 * 1024 * MIB },
              pods: { quantity: "50", value: 50 },
            }),
            used: expect.objectContaining({
              "requests.cpu": { quantity: "400m", value: 0.4 },
              "requests.memory": { quantity: "256Mi", value: 256 * MIB },
              // The containers set no memory limit: the LimitRange's default (256Mi) counts, as on a cluster.
              "limits.memory": { quantity: "512Mi", value: 512 * MIB },
              pods: { quantity: "2", value: 2 },
            }),
          },
        ]);
      // What the LimitRange gives containers that state nothing, for the deploy form's budget.
      expect(usage.containerDefaults).toEqual({
        requests: { cpu: { quantity: "100m", value: 0.1 }, memory: { quantity: "128Mi", value: 128 * MIB } },
        limits: { memory: { quantity: "256Mi", value: 256 * MIB } },
      });
    });

    it("says plainly when the cluster has no metrics API, and still shows the history", async () => {
      harness.sandbox.faults.fail({
        match: { resource: "pods", verb: "list", namespace: project },
        code: 404,
        message: "the server could not find the requested resource",
      });
      const metrics = await client.apps.metrics.query({ project, name: "web", range: "1h" });
      expect(metrics).toMatchObject({ source: "sandbox", available: false, reason: NO_METRICS_API });
      expect(metrics.reason).toBe(
        "No metrics server is installed in the cluster (metrics.k8s.io is missing), so CPU and memory cannot be " +
          "shown. Install metrics-server in the cluster, or set PROMETHEUS_URL to a Prometheus that scrapes the kubelets.",
      );
      expect(metrics.series.pods.length).toBeGreaterThan(0);
    });

    it("says why there is nothing to chart when sampling is off or Prometheus cannot be reached", async () => {
      const app = { id: appId };
      const manifests = (
        await db.kysely
          .selectFrom("app_revisions")
          .select("manifests")
          .where("app_id", "=", appId)
          .executeTakeFirstOrThrow()
      ).manifests as never;
      const off = await readAppMetrics(
        { ...services, config: { ...services.config, metricsSampleIntervalMs: 0 } },
        app,
        manifests,
        "1h",
      );
      expect(off).toMatchObject({ source: "sandbox", available: false });
      expect(off.reason).toMatch(/^This server does not sample CPU and memory \(METRICS_SAMPLE_SECONDS=0\)/);

      const closedPort = await new Promise<number>((resolve) => {
        const server = createServer().listen(0, "127.0.0.1", () => {
          const { port } = server.address() as AddressInfo;
          server.close(() => {
            resolve(port);
          });
        });
      });
      const prometheusUrl = `http://127.0.0.1:${closedPort}`;
      const unreachable = { ...services, config: { ...services.config, prometheusUrl } };
      const viaPrometheus = await readAppMetrics(unreachable, app, manifests, "24h");
      expect(viaPrometheus).toMatchObject({
        source: "prometheus",
        available: false,
        stepSeconds: 900,
        series: { pods: [], total: { cpu: [], memory: [] } },
        requests: { cpu: 0.2 },
      });
      expect(viaPrometheus.reason).toMatch(
        /^Prometheus at http:\/\/127\.0\.0\.1:\d+ could not be reached \(.*ECONNREFUSED.*\)\. Check PROMETHEUS_URL\.$/,
      );
      expect(viaPrometheus.reason).toContain(prometheusUrl);
      const projectRow = await db.kysely
        .selectFrom("projects")
        .select(["id", "namespace"])
        .where("name", "=", project)
        .executeTakeFirstOrThrow();
      const usage = await readProjectUsage(unreachable, projectRow);
      expect(usage).toMatchObject({ source: "prometheus", available: false, reason: viaPrometheus.reason });
      expect(usage.apps).toEqual([
        expect.objectContaining({ name: "web", pods: 2, cpu: null, memory: null }),
      ]);
    });
  });
}
