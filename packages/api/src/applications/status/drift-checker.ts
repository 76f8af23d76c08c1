import { refOf } from "../../cluster/object-ref.js";
import { APP_LABEL, APP_OWNED_KINDS, PROJECT_LABEL } from "../../cluster/owned-labels.js";
import { driftCheckOutcome } from "../../observability/telemetry.js";
import { listProjectNamespaces } from "../../projects/project.repository.js";
import type { Services } from "../../services.js";
import { repeatEvery } from "../../shared/periodic.js";
import { listAppsWithManifests } from "../app.repository.js";
import { readAppStatus } from "./app-status.js";
import { rememberState, type ObservedStateServices } from "./app-status.service.js";

const LOCK_KEY = "babyhelm:drift-check";

export type DriftCheckServices = ObservedStateServices &
  Pick<Services, "cluster" | "clusterState" | "telemetry" | "config">;

export interface DriftReport {
  checked: number;
  drifted: string[];
  /** "project/Kind/name" of objects removed because their app no longer exists. */
  orphansRemoved: string[];
  errors: string[];
}

/**
 * Reads every app's status (noticing drift and remembering each app's state) and removes objects left by apps that
 * no longer exist, once older than the orphan grace (ORPHAN_GRACE_SECONDS: a create in flight has applied its objects
 * before its rows commit). With several server replicas only one runs it at a time: the others return undefined.
 */
export async function checkDrift(
  services: DriftCheckServices,
  options: { orphanGraceMs?: number } = {},
): Promise<DriftReport | undefined> {
  const outcome = await services.db.tryExclusive(LOCK_KEY, () =>
    runCheck(services, options.orphanGraceMs ?? services.config.orphanGraceMs),
  );
  const report = outcome.ran ? outcome.value : undefined;
  services.telemetry.driftCheckDone(driftCheckOutcome(report));
  return report;
}

async function runCheck(services: DriftCheckServices, orphanGraceMs: number): Promise<DriftReport> {
  const { db, cluster, clusterState, logger } = services;
  const report: DriftReport = { checked: 0, drifted: [], orphansRemoved: [], errors: [] };
  // What the cache holds while it cannot reach the API server is no ground for drift, alerts or deletions.
  const behind = clusterState.staleness();
  if (behind !== undefined) {
    report.errors.push(
      `the cluster cache has been out of touch since ${behind.since.toISOString()}: ${behind.error?.message ?? "reconnecting"}`,
    );
    return report;
  }
  const apps = await listAppsWithManifests(db.kysely);
  for (const app of apps) {
    try {
      const status = await readAppStatus(clusterState, app.manifests);
      await rememberState(services, { id: app.project_id, name: app.project_name }, app, status);
      report.checked++;
      if (status.state === "drifted") report.drifted.push(`${app.project_name}/${app.name}`);
    } catch (error) {
      report.errors.push(
        `${app.project_name}/${app.name}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  const projects = await listProjectNamespaces(db.kysely);
  const appsByProject = new Map<string, Set<string>>();
  for (const app of apps) {
    const names = appsByProject.get(app.project_name) ?? new Set();
    names.add(app.name);
    appsByProject.set(app.project_name, names);
  }
  const cutoff = services.now().getTime() - orphanGraceMs;
  for (const project of projects) {
    const known = appsByProject.get(project.name) ?? new Set<string>();
    try {
      const lists = await Promise.all(
        APP_OWNED_KINDS.map(({ apiVersion, kind }) =>
          clusterState.list(apiVersion, kind, {
            namespace: project.namespace,
            labelSelector: `${PROJECT_LABEL}=${project.name},${APP_LABEL}`,
          }),
        ),
      );
      for (const object of lists.flat()) {
        const app = object.metadata.labels?.[APP_LABEL];
        const timestamp = object.metadata.creationTimestamp;
        const created = typeof timestamp === "string" ? Date.parse(timestamp) : Number.NaN;
        if (app === undefined || known.has(app) || !(created <= cutoff)) continue;
        await cluster.delete(refOf(object));
        report.orphansRemoved.push(`${project.name}/${object.kind}/${object.metadata.name}`);
      }
    } catch (error) {
      report.errors.push(`${project.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (report.drifted.length > 0 || report.orphansRemoved.length > 0 || report.errors.length > 0) {
    logger.info(report, "drift check found something");
  } else {
    logger.debug({ checked: report.checked }, "drift check: all apps as applied");
  }
  return report;
}

/**
 * How often the periodic check runs: every `DRIFT_CHECK_INTERVAL_SECONDS`, and at least every half orphan grace, so
 * that an orphan is removed at most grace + min(interval, grace / 2) after it was created (plus one check's own
 * duration), never more than 1.5 × the grace.
 */
export function driftCheckPeriodMs(
  config: Pick<Services["config"], "driftCheckIntervalMs" | "orphanGraceMs">,
) {
  return Math.min(config.driftCheckIntervalMs, Math.max(1000, Math.floor(config.orphanGraceMs / 2)));
}

/** Runs checkDrift every driftCheckPeriodMs until stopped; never two at once in this process. */
export function startDriftChecker(services: DriftCheckServices): { stop(): Promise<void> } {
  return repeatEvery(driftCheckPeriodMs(services.config), async () => {
    await checkDrift(services).catch((error: unknown) => {
      services.logger.error({ err: error }, "drift check failed");
    });
  });
}
