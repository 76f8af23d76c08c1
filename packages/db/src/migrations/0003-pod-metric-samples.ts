import type { Kysely } from "kysely";

/**
 * CPU and memory of each app's pods, sampled by the server from metrics.k8s.io (metrics-server or the sandbox) so
 * that charts have history where no Prometheus is configured. Kept 24 hours; rows go with their app.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("pod_metric_samples")
    .addColumn("app_id", "uuid", (column) =>
      column.notNull().references("applications.id").onDelete("cascade"),
    )
    .addColumn("pod", "text", (column) => column.notNull())
    .addColumn("at", "timestamptz", (column) => column.notNull())
    .addColumn("cpu_cores", "double precision", (column) => column.notNull())
    .addColumn("memory_bytes", "double precision", (column) => column.notNull())
    .addPrimaryKeyConstraint("pod_metric_samples_pkey", ["app_id", "at", "pod"])
    .execute();
  // Retention deletes by time across all apps.
  await db.schema.createIndex("pod_metric_samples_at_idx").on("pod_metric_samples").column("at").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("pod_metric_samples").execute();
}
