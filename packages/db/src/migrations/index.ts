import type { Migration, MigrationProvider } from "kysely/migration";
import * as initial from "./0001-initial.js";
import * as appObservedState from "./0002-app-observed-state.js";
import * as podMetricSamples from "./0003-pod-metric-samples.js";
import * as alerts from "./0004-alerts.js";
import * as ingressHosts from "./0005-ingress-hosts.js";
import * as invitations from "./0006-invitations.js";
import * as uniqueTokenNames from "./0007-unique-token-names.js";
import * as authLimitCounters from "./0008-auth-limit-counters.js";
import * as appSecrets from "./0009-app-secrets.js";

/**
 * Every migration, by name in the order they run. A static list rather than a folder scan, so the migrations
 * travel with the bundle and cannot be picked up half-written.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  "0001-initial": initial,
  "0002-app-observed-state": appObservedState,
  "0003-pod-metric-samples": podMetricSamples,
  "0004-alerts": alerts,
  "0005-ingress-hosts": ingressHosts,
  "0006-invitations": invitations,
  "0007-unique-token-names": uniqueTokenNames,
  "0008-auth-limit-counters": authLimitCounters,
  "0009-app-secrets": appSecrets,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...migrations }),
};
