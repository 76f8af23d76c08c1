import type { Kysely } from "kysely";

/**
 * What the last status read or drift check saw of an app, so that lists show it without asking the cluster and a
 * change of state (drifted, failed, recovered) is noticed once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("applications")
    .addColumn("observed_state", "text")
    .addColumn("observed_message", "text")
    .addColumn("observed_at", "timestamptz")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("applications")
    .dropColumn("observed_state")
    .dropColumn("observed_message")
    .dropColumn("observed_at")
    .execute();
}
