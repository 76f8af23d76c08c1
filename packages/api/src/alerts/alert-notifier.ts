// Tells a project's alert target when one of its apps fails, degrades or recovers: once per change of state, whichever
// server replica notices it, in the background so that the request that noticed it neither waits nor fails.
import type { Db } from "@babyhelm/db";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { Telemetry } from "../observability/telemetry.js";
import type { SecretBox } from "../shared/secret-box.js";
import { deliverAlert, type AlertMessage } from "./alert-delivery.js";
import { describeTarget } from "./alert-target.js";
import { claimAlertState, findAlertTarget, lastAlertedState } from "./alert.repository.js";
import { DeliveryError } from "./delivery-failure.js";

const DELIVERY_TIMEOUT_MS = 5_000;
const ALERTED_STATES: ReadonlySet<string> = new Set(["failed", "degraded"]);

export type AlertKind = "failed" | "degraded" | "recovered" | "test";

export interface AlertNotifier {
  /** Called with each observed state (see rememberState); returns at once. `previous` is the last observed one. */
  stateObserved(
    project: { id: string; name: string },
    app: { id: string; name: string },
    previous: string | null,
    status: { state: string; message: string },
  ): void;
  /** Sends a test message now; throws a DeliveryError saying what the receiver answered. */
  sendTest(project: { id: string; name: string }): Promise<{ sent: boolean }>;
  /** Waits for deliveries in flight (at most the delivery timeout): called when the server stops. */
  drain(): Promise<void>;
}

export function createAlertNotifier(deps: {
  db: Db;
  config: Config;
  secrets: SecretBox;
  logger: Logger;
  telemetry: Telemetry;
  now(): Date;
}) {
  const pending = new Set<Promise<void>>();
  const delivery = {
    telegramApiUrl: deps.config.telegramApiUrl,
    timeoutMs: DELIVERY_TIMEOUT_MS,
    allowPrivate: deps.config.alertPrivateWebhooks,
  };

  async function notify(
    project: { id: string; name: string },
    app: { id: string; name: string },
    status: { state: string; message: string },
  ): Promise<void> {
    const { kysely } = deps.db;
    const target = await findAlertTarget(kysely, deps.secrets, project.id);
    if (target === undefined) return;
    let kind: AlertKind;
    if (ALERTED_STATES.has(status.state)) {
      kind = status.state as "failed" | "degraded";
    } else if (status.state === "ready") {
      const last = await lastAlertedState(kysely, app.id);
      if (last === undefined || !ALERTED_STATES.has(last)) return;
      kind = "recovered";
    } else {
      return;
    }
    if (!(await claimAlertState(kysely, app.id, status.state, deps.now()))) return;
    const message = alertMessage(deps.config, kind, project.name, app.name, status.message);
    const log = { project: project.name, app: app.name, alert: kind, target: describeTarget(target) };
    try {
      await deliverAlert(target, message, delivery);
      deps.telemetry.alertDelivered(target.type, "sent");
      deps.logger.info(log, "alert sent");
    } catch (error) {
      deps.telemetry.alertDelivered(target.type, "failed");
      // DeliveryError messages are scrubbed of the URL and token; anything else is reported by its kind only.
      const reason = error instanceof DeliveryError ? error.message : "unexpected error while sending";
      deps.logger.warn({ ...log, reason }, "alert not delivered");
    }
  }

  const notifier: AlertNotifier = {
    stateObserved(project, app, previous, status) {
      if (previous === status.state) return;
      if (!ALERTED_STATES.has(status.state) && status.state !== "ready") return;
      const work = notify(project, app, status).catch((error: unknown) => {
        deps.logger.error(
          {
            project: project.name,
            app: app.name,
            err: error instanceof Error ? error.message : String(error),
          },
          "alert check failed",
        );
      });
      pending.add(work);
      void work.finally(() => pending.delete(work));
    },

    async sendTest(project) {
      const target = await findAlertTarget(deps.db.kysely, deps.secrets, project.id);
      if (target === undefined) return { sent: false };
      const message = alertMessage(deps.config, "test", project.name, undefined, "");
      try {
        await deliverAlert(target, message, delivery);
        deps.telemetry.alertDelivered(target.type, "sent");
      } catch (error) {
        deps.telemetry.alertDelivered(target.type, "failed");
        throw error;
      }
      return { sent: true };
    },

    async drain() {
      await Promise.allSettled([...pending]);
    },
  };
  return notifier;
}

const HEADLINES: Record<AlertKind, (subject: string) => string> = {
  failed: (subject) => `🔴 ${subject} failed`,
  degraded: (subject) => `🟠 ${subject} is degraded`,
  recovered: (subject) => `✅ ${subject} recovered`,
  test: (subject) => `🔔 Test alert from BabyHelm for ${subject}`,
};

export function alertMessage(
  config: Pick<Config, "publicUrl">,
  kind: AlertKind,
  project: string,
  app: string | undefined,
  detail: string,
): AlertMessage {
  const subject = app === undefined ? `project ${project}` : `${project}/${app}`;
  const title = HEADLINES[kind](subject);
  const body =
    kind === "test"
      ? "Alerts for this project's apps (failed, degraded, recovered) will arrive here."
      : detail;
  const path = app === undefined ? `/projects/${project}` : `/projects/${project}/apps/${app}`;
  return {
    title,
    detail: body,
    text: `${title}: ${body}`,
    link: config.publicUrl === undefined ? undefined : new URL(path, config.publicUrl).href,
  };
}
