import { sql, type Kysely } from "kysely";

/**
 * Ingress hosts are claimed platform-wide: one row per host, owned by the app whose current revision serves it. The
 * primary key is the claim, taken in the same transaction as the revision, so that two projects can never route the
 * same host (the cluster would send one project's traffic to the other's pods).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("ingress_hosts")
    .addColumn("host", "text", (column) => column.primaryKey())
    .addColumn("app_id", "uuid", (column) =>
      column.notNull().references("applications.id").onDelete("cascade"),
    )
    .addColumn("claimed_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("ingress_hosts_app_id_idx").on("ingress_hosts").column("app_id").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("ingress_hosts").execute();
}
