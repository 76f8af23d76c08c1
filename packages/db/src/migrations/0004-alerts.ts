import { sql, type Kysely } from "kysely";

/**
 * Where a project's alerts go (a Slack-compatible webhook or a Telegram chat), and the last state each app was
 * alerted about, so that a state change is announced once whichever server replica notices it, restarts included.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("alert_targets")
    .addColumn("project_id", "uuid", (column) =>
      column.primaryKey().references("projects.id").onDelete("cascade"),
    )
    .addColumn("type", "text", (column) => column.notNull().check(sql`type in ('slack', 'telegram')`))
    .addColumn("webhook_url", "text")
    .addColumn("bot_token", "text")
    .addColumn("chat_id", "text")
    .addColumn("updated_by", "uuid", (column) => column.references("users.id").onDelete("set null"))
    .addColumn("updated_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      "alert_targets_complete",
      sql`(type = 'slack' and webhook_url is not null) or (type = 'telegram' and bot_token is not null and chat_id is not null)`,
    )
    .execute();

  await db.schema
    .createTable("app_alert_states")
    .addColumn("app_id", "uuid", (column) =>
      column.primaryKey().references("applications.id").onDelete("cascade"),
    )
    .addColumn("notified_state", "text", (column) => column.notNull())
    .addColumn("notified_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("app_alert_states").execute();
  await db.schema.dropTable("alert_targets").execute();
}
