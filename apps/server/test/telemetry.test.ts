// The platform's own metrics at /metrics (prom-client), its optional bearer token, and the sample Grafana dashboard,
// whose every PromQL expression must use only metrics the server exports.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDrift } from "@babyhelm/api/testing";
import type { Db } from "@babyhelm/db";
import { testBackends } from "@babyhelm/db/testing";
import { errorOf, startHarness, uniqueName, type ApiClient, type Harness } from "./support/harness.js";
import { packsWithUpgrade } from "./support/packs.js";

const TOKEN = "metrics-token-for-tests-0123456789";
const DASHBOARD = new URL("../../../deploy/grafana/babyhelm-dashboard.json", import.meta.url);
const PROMTOOL = "/usr/bin/promtool";
const spec = { image: "nginx:1.27", ports: [{ port: 80 }] };

/** `name{labels} value` lines of the exposition, by series. */
function samples(text: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    result.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return result;
}

/** Every series name the exposition can hold: each metric's name, and a histogram's _bucket/_sum/_count. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match as unknown as [string, string, string];
    names.add(name);
    if (type === "histogram" || type === "summary") {
      for (const suffix of ["_bucket", "_sum", "_count"]) names.add(name + suffix);
    }
  }
  return names;
}

interface Panel {
  type: string;
  title: string;
  gridPos?: unknown;
  targets?: { expr?: string; refId?: string }[];
  panels?: Panel[];
}

for (const backend of testBackends()) {
  describe.skipIf(backend.skipReason !== undefined)(`platform telemetry on ${backend.name}`, () => {
    let db: Db;
    let harness: Harness;
    let client: ApiClient;
    let scrape: () => Promise<string>;

    beforeAll(async () => {
      db = await backend.open();
      harness = await startHarness(db, { env: { METRICS_TOKEN: TOKEN }, packs: packsWithUpgrade });
      client = (await harness.newUser("telemetry")).client;
      scrape = async () => {
        const response = await fetch(`${harness.url}/metrics`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
        return response.text();
      };
    });
    afterAll(async () => {
      await harness?.stop();
      await db?.close();
    });

    it("asks for the token when METRICS_TOKEN is set", async () => {
      const anonymous = await fetch(`${harness.url}/metrics`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
      expect(await anonymous.text()).not.toContain("babyhelm_");
      const wrong = await fetch(`${harness.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
      expect(wrong.status).toBe(401);
      expect(await scrape()).toContain("# TYPE babyhelm_trpc_requests_total counter");
    });

    it("counts and times calls per procedure, deploys per operation and outcome, and drift checks", async () => {
      const project = uniqueName("tele");
      await client.projects.create.mutate({ name: project });
      await client.apps.create.mutate({ project, name: "web", spec });
      expect(
        (await errorOf(client.apps.create.mutate({ project, name: "bad", spec: { image: "" } }))).code,
      ).toBe("BAD_REQUEST");
      await client.apps.update.mutate({
        project,
        name: "web",
        spec: { ...spec, replicas: 2 },
        expectedRevision: 1,
      });
      expect(
        (await errorOf(client.apps.update.mutate({ project, name: "web", spec, expectedRevision: 1 }))).code,
      ).toBe("CONFLICT");
      expect((await errorOf(client.projects.get.query({ name: "nope-none" }))).code).toBe("NOT_FOUND");
      await client.apps.delete.mutate({ project, name: "web" });
      expect(await checkDrift(harness.server.services)).toMatchObject({ errors: [] });

      const text = await scrape();
      const values = samples(text);
      const value = (series: string) => values.get(series);
      expect(value('babyhelm_trpc_requests_total{procedure="apps.create",type="mutation",code="OK"}')).toBe(
        1,
      );
      expect(
        value('babyhelm_trpc_requests_total{procedure="apps.create",type="mutation",code="BAD_REQUEST"}'),
      ).toBe(1);
      expect(
        value('babyhelm_trpc_requests_total{procedure="projects.get",type="query",code="NOT_FOUND"}'),
      ).toBe(1);
      expect(
        value('babyhelm_trpc_request_duration_seconds_count{procedure="apps.create",type="mutation"}'),
      ).toBe(2);
      expect(
        value(
          'babyhelm_trpc_request_duration_seconds_bucket{le="+Inf",procedure="apps.update",type="mutation"}',
        ),
      ).toBe(2);
      expect(value('babyhelm_deploys_total{operation="create",outcome="success"}')).toBe(1);
      expect(value('babyhelm_deploys_total{operation="create",outcome="refused"}')).toBe(1);
      expect(value('babyhelm_deploys_total{operation="update",outcome="success"}')).toBe(1);
      expect(value('babyhelm_deploys_total{operation="update",outcome="refused"}')).toBe(1);
      expect(value('babyhelm_deploys_total{operation="delete",outcome="success"}')).toBe(1);
      expect(value('babyhelm_deploy_duration_seconds_count{operation="create",outcome="success"}')).toBe(1);
      expect(
        value('babyhelm_deploy_duration_seconds_sum{operation="create",outcome="success"}'),
      ).toBeGreaterThan(0);
      expect(value('babyhelm_drift_checks_total{outcome="clean"}')).toBe(1);
      expect(value("babyhelm_apps_drifted")).toBe(0);
      expect(value("process_cpu_seconds_total")).toBeGreaterThan(0);
      // The cluster cache holds the project's namespace, and reports every kind it keeps.
      expect(value('babyhelm_cluster_cache_objects{kind="Namespace"}')).toBeGreaterThanOrEqual(1);
      expect(value('babyhelm_cluster_cache_objects{kind="Deployment"}')).toBeDefined();
      expect(value("babyhelm_cluster_cache_stale_seconds")).toBe(0);
      const pool = value('babyhelm_db_pool_connections{backend="postgres"}');
      if (db.backend === "postgres") {
        expect(pool).toBeGreaterThanOrEqual(1);
        expect(value('babyhelm_db_pool_idle_connections{backend="postgres"}')).toBeLessThanOrEqual(pool!);
        expect(value('babyhelm_db_pool_waiting_queries{backend="postgres"}')).toBeGreaterThanOrEqual(0);
      } else {
        // No pool on PGlite: the metric is declared, without a sample.
        expect(text).toContain("# TYPE babyhelm_db_pool_connections gauge");
        expect([...values.keys()].filter((series) => series.startsWith("babyhelm_db_pool"))).toEqual([]);
      }
    });

    it("counts a pack upgrade's preview as a call but not as a deploy", async () => {
      const project = uniqueName("tele");
      await client.projects.create.mutate({ name: project });
      await client.apps.create.mutate({ project, name: "web", pack: "default@2.0.0", spec });
      const before = samples(await scrape());
      await client.apps.upgradePack.mutate({ project, name: "web", to: "default@2.1", preview: true });
      const after = samples(await scrape());
      const calls = 'babyhelm_trpc_requests_total{procedure="apps.upgradePack",type="mutation",code="OK"}';
      expect((after.get(calls) ?? 0) - (before.get(calls) ?? 0)).toBe(1);
      const deploys = [...after.keys()].filter((series) => series.includes('operation="upgrade"'));
      expect(deploys).toEqual([]);
    });

    it("ships a Grafana dashboard whose every query uses metrics the server exports", async () => {
      const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as {
        uid: string;
        title: string;
        schemaVersion: number;
        panels: Panel[];
        templating: { list: { name: string }[] };
      };
      expect(dashboard).toMatchObject({ uid: "babyhelm-platform", title: "BabyHelm" });
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
      expect(dashboard.templating.list.map((variable) => variable.name)).toEqual(["datasource", "job"]);
      const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
      const queries = panels.filter((panel) => panel.type !== "row");
      expect(queries.length).toBeGreaterThanOrEqual(10);
      const exported = exportedNames(await scrape());
      const expressions: string[] = [];
      for (const panel of queries) {
        expect(panel.gridPos, panel.title).toBeDefined();
        expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) {
          const expr = target.expr ?? "";
          expressions.push(expr);
          // Identifiers outside label matchers and strings: metric names, functions, keywords, grouping labels.
          const bare = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\{[^}]*\}/g, "{}");
          const metrics = [...bare.matchAll(/\b(babyhelm|process|nodejs)_[a-z0-9_]+\b/g)].map(
            (match) => match[0],
          );
          expect(metrics.length, `${panel.title}: ${expr}`).toBeGreaterThan(0);
          for (const metric of metrics) expect(exported, `${panel.title}: ${metric}`).toContain(metric);
        }
      }
      // Where Prometheus's own tool is installed, every expression must also parse as PromQL.
      if (existsSync(PROMTOOL)) {
        const dir = mkdtempSync(join(tmpdir(), "babyhelm-promtool-"));
        try {
          const rules = {
            groups: [
              {
                name: "dashboard",
                rules: expressions.map((expr, index) => ({ record: `dashboard:query${index}`, expr })),
              },
            ],
          };
          writeFileSync(join(dir, "rules.yml"), JSON.stringify(rules));
          expect(execFileSync(PROMTOOL, ["check", "rules", join(dir, "rules.yml")]).toString()).toContain(
            `SUCCESS: ${expressions.length} rules found`,
          );
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    });
  });
}
