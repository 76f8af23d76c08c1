import type { Application } from "@babyhelm/db";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { recordAudit } from "../../audit/audit.repository.js";
import { refKey, refOf } from "../../cluster/object-ref.js";
import { PROJECT_LABEL } from "../../cluster/owned-labels.js";
import type { Services } from "../../services.js";
import { recordObservedState } from "../app.repository.js";
import { readAppStatus, summarizeAppStatus, type AppStatus } from "./app-status.js";

/** What remembering an app's observed state uses: its row, the clock, alerts and the log (drift is logged). */
export type ObservedStateServices = Pick<Services, "db" | "now" | "alerts" | "logger">;

/** The full status of one app, remembered as the app's observed state (and audited when it turns drifted). */
export async function observeAppStatus(
  services: ObservedStateServices & Pick<Services, "cluster">,
  project: { id: string; name: string },
  app: Application,
  manifests: readonly KubernetesObject[],
): Promise<AppStatus> {
  const status = await readAppStatus(services.cluster, manifests);
  await rememberState(services, project, app, status);
  return status;
}

export async function rememberState(
  services: ObservedStateServices,
  project: { id: string; name: string },
  app: Application,
  status: Pick<AppStatus, "state" | "message" | "drift">,
): Promise<void> {
  const previous = await recordObservedState(
    services.db.kysely,
    app.id,
    status.state,
    status.message,
    services.now(),
  );
  services.alerts.stateObserved(project, app, previous, status);
  if (previous !== status.state && status.state === "drifted") {
    services.logger.warn({ project: project.name, app: app.name, drift: status.drift }, "app drifted");
    await recordAudit(services.db.kysely, {
      actor: null,
      action: "app.drifted",
      project,
      app: app.name,
      details: { missing: status.drift.missing, changed: status.drift.changed },
    });
  }
}

export interface AppSummaryStatus {
  state: AppStatus["state"];
  message: string;
  replicas: AppStatus["replicas"];
  progress: AppStatus["progress"];
}

/**
 * Statuses for a page of apps from three list calls for the whole namespace (Deployments, ReplicaSets, Pods), not a
 * dozen per app. Only the Deployment is compared here; other objects' drift comes from the last full check.
 */
export async function summarizeApps(
  { cluster }: Pick<Services, "cluster">,
  namespace: string,
  project: string,
  apps: readonly { app: Application; deployment: KubernetesObject | undefined }[],
): Promise<Map<string, AppSummaryStatus>> {
  const [deployments, replicaSets, pods] = await Promise.all([
    cluster.list("apps/v1", "Deployment", {
      namespace,
      labelSelector: `${PROJECT_LABEL}=${project}`,
    }),
    cluster.list("apps/v1", "ReplicaSet", { namespace }),
    cluster.list("v1", "Pod", { namespace }),
  ]);
  const live = new Map(deployments.map((object) => [refKey(refOf(object)), object]));
  const result = new Map<string, AppSummaryStatus>();
  for (const { app, deployment } of apps) {
    if (deployment === undefined) continue;
    const status = summarizeAppStatus({
      expected: [deployment],
      live: new Map([[refKey(refOf(deployment)), live.get(refKey(refOf(deployment)))]]),
      replicaSets,
      pods,
      events: [],
    });
    const drifted = app.observed_state === "drifted" && status.state !== "drifted";
    result.set(app.name, {
      state: drifted ? "drifted" : status.state,
      message: drifted ? (app.observed_message ?? status.message) : status.message,
      replicas: status.replicas,
      progress: status.progress,
    });
  }
  return result;
}
