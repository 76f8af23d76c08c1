// The platform's own metrics, in Prometheus format at /metrics: API calls, deploys, drift checks, alerts, metric
// sampling, the cluster cache and the database pool. Each server has its own registry, so that several in one process (tests) do not
// share counters.
import { TRPCError } from "@trpc/server";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Db, PoolStats } from "@babyhelm/db";
import { countDriftedApps } from "../applications/app.repository.js";
import type { ClusterState } from "../cluster/state/cluster-state.js";
import { toTRPCError } from "../shared/errors.js";

export const DEPLOY_OPERATIONS = [
  "create",
  "update",
  "rollback",
  "upgrade",
  "redeploy",
  "restart",
  "delete",
] as const;
export type DeployOperation = (typeof DEPLOY_OPERATIONS)[number];
/** success; refused: the request was wrong or out of date (bad spec, conflict); failed: the server or cluster. */
export type DeployOutcome = "success" | "refused" | "failed";
/** clean, drifted (some app drifted), errors (some app or project could not be read), skipped (another replica). */
export type DriftCheckOutcome = "clean" | "drifted" | "errors" | "skipped";

export interface Telemetry {
  readonly registry: Registry;
  procedureDone(procedure: string, type: string, code: string, seconds: number): void;
  deployDone(operation: DeployOperation, outcome: DeployOutcome, seconds: number): void;
  driftCheckDone(outcome: DriftCheckOutcome): void;
  alertDelivered(type: string, outcome: "sent" | "failed"): void;
  metricsSampled(outcome: "sampled" | "skipped" | "failed", samples: number): void;
}

/** tRPC codes that mean the caller's request was refused, not that the platform failed. */
const REFUSALS: ReadonlySet<string> = new Set([
  "BAD_REQUEST",
  "CONFLICT",
  "NOT_FOUND",
  "FORBIDDEN",
  "UNAUTHORIZED",
  "PRECONDITION_FAILED",
  "UNPROCESSABLE_CONTENT",
  "TOO_MANY_REQUESTS",
  "PAYLOAD_TOO_LARGE",
]);

export function createTelemetry(db: Db, clusterState: ClusterState): Telemetry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const requests = new Counter({
    name: "babyhelm_trpc_requests_total",
    help: "tRPC calls by procedure, type (query, mutation, subscription) and result code (OK or the tRPC error code).",
    labelNames: ["procedure", "type", "code"],
    registers,
  });
  const requestDuration = new Histogram({
    name: "babyhelm_trpc_request_duration_seconds",
    help: "How long tRPC calls take (for subscriptions: until the stream starts).",
    labelNames: ["procedure", "type"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const deploys = new Counter({
    name: "babyhelm_deploys_total",
    help: "Application changes that roll out (create, update, rollback, upgrade, redeploy, restart, delete) by outcome.",
    labelNames: ["operation", "outcome"],
    registers,
  });
  const deployDuration = new Histogram({
    name: "babyhelm_deploy_duration_seconds",
    help: "How long an application change takes to be applied (not the rollout that follows).",
    labelNames: ["operation", "outcome"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });
  const driftChecks = new Counter({
    name: "babyhelm_drift_checks_total",
    help: "Periodic drift checks by outcome (skipped: another replica was running one).",
    labelNames: ["outcome"],
    registers,
  });
  const alerts = new Counter({
    name: "babyhelm_alerts_total",
    help: "Alert deliveries to project webhooks by target type and outcome.",
    labelNames: ["type", "outcome"],
    registers,
  });
  const samplerRuns = new Counter({
    name: "babyhelm_metrics_sampler_runs_total",
    help: "Runs of the CPU/memory sampler (metrics.k8s.io) by outcome (skipped: another replica sampled).",
    labelNames: ["outcome"],
    registers,
  });
  const samples = new Counter({
    name: "babyhelm_metrics_samples_total",
    help: "Pod CPU/memory samples stored by the sampler.",
    registers,
  });

  // Read at scrape time from the database, so that every replica reports the same truth.
  new Gauge({
    name: "babyhelm_apps_drifted",
    help: "Applications whose last status read or drift check found them changed or deleted outside BabyHelm.",
    registers,
    async collect() {
      this.set(await countDriftedApps(db.kysely));
    },
  });
  // The cluster cache, for alerting on a server that has lost its watches or holds more than expected.
  new Gauge({
    name: "babyhelm_cluster_cache_objects",
    help: "Objects the cluster cache holds, by kind (Events: of the namespaces being looked at).",
    labelNames: ["kind"],
    registers,
    collect() {
      for (const [kind, count] of Object.entries(clusterState.figures().objects)) this.set({ kind }, count);
    },
  });
  new Gauge({
    name: "babyhelm_cluster_cache_stale_seconds",
    help: "How long the cluster cache has been unable to reach the API server (0 while its watches are connected).",
    registers,
    collect() {
      const behind = clusterState.staleness();
      this.set(behind === undefined ? 0 : Math.max(0, (Date.now() - behind.since.getTime()) / 1000));
    },
  });
  // Labelled by backend and set only where there is a pool: PGlite (none) shows the metrics with no samples rather
  // than misleading zeros.
  const pool = (name: string, help: string, pick: (stats: PoolStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["backend"],
      registers,
      collect() {
        const stats = db.poolStats();
        if (stats !== undefined) this.set({ backend: db.backend }, pick(stats));
      },
    });
  pool("babyhelm_db_pool_connections", "PostgreSQL connections open in the pool.", (stats) => stats.total);
  pool("babyhelm_db_pool_idle_connections", "PostgreSQL connections open and idle.", (stats) => stats.idle);
  pool(
    "babyhelm_db_pool_waiting_queries",
    "Queries waiting for a PostgreSQL connection (one being opened included).",
    (stats) => stats.waiting,
  );

  return {
    registry,
    procedureDone(procedure, type, code, seconds) {
      requests.inc({ procedure, type, code });
      requestDuration.observe({ procedure, type }, seconds);
    },
    deployDone(operation, outcome, seconds) {
      deploys.inc({ operation, outcome });
      deployDuration.observe({ operation, outcome }, seconds);
    },
    driftCheckDone(outcome) {
      driftChecks.inc({ outcome });
    },
    alertDelivered(type, outcome) {
      alerts.inc({ type, outcome });
    },
    metricsSampled(outcome, count) {
      samplerRuns.inc({ outcome });
      if (count > 0) samples.inc(count);
    },
  };
}

/** How a deploying procedure ended, from its tRPC result. */
export function deployOutcome(result: { ok: true } | { ok: false; error: TRPCError }): DeployOutcome {
  if (result.ok) return "success";
  // What the procedure threw arrives wrapped as an INTERNAL_SERVER_ERROR until the outer middleware unwraps it.
  const thrown =
    result.error.code === "INTERNAL_SERVER_ERROR" ? (result.error.cause ?? result.error) : result.error;
  const error = toTRPCError(thrown);
  return error instanceof TRPCError && REFUSALS.has(error.code) ? "refused" : "failed";
}

/** Runs a deploying procedure's remaining middlewares and resolver, and counts and times it. */
export async function timeDeploy<R extends { ok: true } | { ok: false; error: TRPCError }>(
  telemetry: Telemetry,
  operation: DeployOperation,
  next: () => Promise<R>,
): Promise<R> {
  const started = performance.now();
  const result = await next();
  telemetry.deployDone(operation, deployOutcome(result), (performance.now() - started) / 1000);
  return result;
}

/** A drift check's outcome from its report (undefined: another replica ran it). */
export function driftCheckOutcome(
  report: { drifted: readonly string[]; errors: readonly string[] } | undefined,
): DriftCheckOutcome {
  if (report === undefined) return "skipped";
  if (report.errors.length > 0) return "errors";
  return report.drifted.length > 0 ? "drifted" : "clean";
}
