import type { Kysely } from "kysely";

/**
 * Sign-in and sign-up counters shared by every server replica on PostgreSQL (PGlite keeps them in memory): one row
 * per (kind, key), such as ("login-ip", "203.0.113.7") or ("login-failures-email", "ada@example.com"). `count` is
 * the attempts of the current window or the failures in a row, `window_started_at` when they began,
 * `last_failure_at` the latest failure, and `expires_at` when the row stops counting and may be swept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("auth_limit_counters")
    .addColumn("kind", "text", (column) => column.notNull())
    .addColumn("key", "text", (column) => column.notNull())
    .addColumn("count", "integer", (column) => column.notNull())
    .addColumn("window_started_at", "timestamptz", (column) => column.notNull())
    .addColumn("last_failure_at", "timestamptz")
    .addColumn("expires_at", "timestamptz", (column) => column.notNull())
    .addPrimaryKeyConstraint("auth_limit_counters_pkey", ["kind", "key"])
    .execute();
  await db.schema
    .createIndex("auth_limit_counters_expires_at_idx")
    .on("auth_limit_counters")
    .column("expires_at")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("auth_limit_counters").execute();
}
