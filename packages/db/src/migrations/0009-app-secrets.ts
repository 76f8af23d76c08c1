import { sql, type Kysely } from "kysely";

/**
 * An app's secret env vars, one row per version: every change of a value (or of the set of names) is a new version,
 * so that a rollback re-applies the values its revision ran with. The values are one sealed JSON object of
 * name → value (AES-256-GCM under the server key, as alert targets are); `entries` holds what may be shown about each
 * name: who set it, when, and a fingerprint (an HMAC of the value, never the value). Revisions record the version they
 * used in `secrets_version`; their spec and manifests never hold a value.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("app_secret_versions")
    .addColumn("app_id", "uuid", (column) =>
      column.notNull().references("applications.id").onDelete("cascade"),
    )
    .addColumn("version", "integer", (column) => column.notNull())
    .addColumn("sealed_values", "text", (column) => column.notNull())
    .addColumn("entries", "jsonb", (column) => column.notNull())
    .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("app_secret_versions_pkey", ["app_id", "version"])
    .execute();
  await db.schema.alterTable("app_revisions").addColumn("secrets_version", "integer").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("app_revisions").dropColumn("secrets_version").execute();
  await db.schema.dropTable("app_secret_versions").execute();
}
