import { sql, type Kysely } from "kysely";
import type { AlertTarget, Database } from "@babyhelm/db";
import { SEALED_PREFIX, type SecretBox } from "../shared/secret-box.js";
import type { AlertTargetInput } from "./alert-target.js";

/** The project's target with its secrets opened; throws SecretKeyMismatch when this server's key cannot. */
export async function findAlertTarget(
  db: Kysely<Database>,
  secrets: SecretBox,
  projectId: string,
): Promise<AlertTarget | undefined> {
  const row = await db
    .selectFrom("alert_targets")
    .selectAll()
    .where("project_id", "=", projectId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    ...row,
    webhook_url: row.webhook_url === null ? null : secrets.open(row.webhook_url),
    bot_token: row.bot_token === null ? null : secrets.open(row.bot_token),
  };
}

export async function saveAlertTarget(
  db: Kysely<Database>,
  secrets: SecretBox,
  projectId: string,
  target: AlertTargetInput,
  userId: string,
): Promise<void> {
  const values = {
    type: target.type,
    webhook_url: target.type === "slack" ? secrets.seal(target.url) : null,
    bot_token: target.type === "telegram" ? secrets.seal(target.botToken) : null,
    chat_id: target.type === "telegram" ? target.chatId : null,
    updated_by: userId,
    updated_at: new Date(),
  };
  await db
    .insertInto("alert_targets")
    .values({ project_id: projectId, ...values })
    .onConflict((conflict) => conflict.column("project_id").doUpdateSet(values))
    .execute();
}

/**
 * Seals the secrets of targets stored before sealing existed; returns how many rows it changed. Each row is changed
 * only if it still holds what was read, so servers starting together (or a creator saving meanwhile) lose nothing.
 */
export async function sealStoredAlertTargets(db: Kysely<Database>, secrets: SecretBox): Promise<number> {
  const plain = await db
    .selectFrom("alert_targets")
    .select(["project_id", "webhook_url", "bot_token"])
    .where((eb) =>
      eb.or([
        eb.and([eb("webhook_url", "is not", null), eb("webhook_url", "not like", `${SEALED_PREFIX}%`)]),
        eb.and([eb("bot_token", "is not", null), eb("bot_token", "not like", `${SEALED_PREFIX}%`)]),
      ]),
    )
    .execute();
  let sealed = 0;
  for (const row of plain) {
    const seal = (value: string | null) =>
      value === null || value.startsWith(SEALED_PREFIX) ? value : secrets.seal(value);
    const result = await db
      .updateTable("alert_targets")
      .set({ webhook_url: seal(row.webhook_url), bot_token: seal(row.bot_token) })
      .where("project_id", "=", row.project_id)
      .where((eb) =>
        eb.and([
          row.webhook_url === null ? eb("webhook_url", "is", null) : eb("webhook_url", "=", row.webhook_url),
          row.bot_token === null ? eb("bot_token", "is", null) : eb("bot_token", "=", row.bot_token),
        ]),
      )
      .executeTakeFirst();
    sealed += Number(result.numUpdatedRows);
  }
  return sealed;
}

export async function deleteAlertTarget(db: Kysely<Database>, projectId: string): Promise<boolean> {
  const result = await db.deleteFrom("alert_targets").where("project_id", "=", projectId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Records `state` as the app's last alerted state unless it already is: true for the one caller (of all server
 * replicas) that changed it, who then sends the alert. The conditional upsert is atomic, so racing replicas cannot
 * both win.
 */
export async function claimAlertState(
  db: Kysely<Database>,
  appId: string,
  state: string,
  at: Date,
): Promise<boolean> {
  const claimed = await db
    .insertInto("app_alert_states")
    .values({ app_id: appId, notified_state: state, notified_at: at })
    .onConflict((conflict) =>
      conflict
        .column("app_id")
        .doUpdateSet({ notified_state: state, notified_at: at })
        .where(sql<boolean>`app_alert_states.notified_state is distinct from ${state}`),
    )
    .returning("app_id")
    .executeTakeFirst();
  return claimed !== undefined;
}

export async function lastAlertedState(db: Kysely<Database>, appId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("app_alert_states")
    .select("notified_state")
    .where("app_id", "=", appId)
    .executeTakeFirst();
  return row?.notified_state;
}
