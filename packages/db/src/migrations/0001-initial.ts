import { sql, type Kysely } from "kysely";

// Migrations take Kysely<unknown>: they must keep working when the Database interface moves on.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "uuid", (column) => column.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("email", "text", (column) => column.notNull())
    .addColumn("password_hash", "text", (column) => column.notNull())
    .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("users_email_lower_key")
    .on("users")
    .unique()
    .column(sql`lower(email)`)
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("user_id", "uuid", (column) => column.notNull().references("users.id").onDelete("cascade"))
    .addColumn("expires_at", "timestamptz", (column) => column.notNull())
    .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn("last_seen_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn("user_agent", "text")
    .execute();
  await db.schema.createIndex("sessions_user_id_idx").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("api_tokens")
    .addColumn("id", "uuid", (column) => column.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (column) => column.notNull().references("users.id").onDelete("cascade"))
    .addColumn("name", "text", (column) => column.notNull())
    .addColumn("token_hash", "text", (column) => column.notNull().unique())
    .addColumn("prefix", "text", (column) => column.notNull())
    .addColumn("expires_at", "timestamptz")
    .addColumn("last_used_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex("api_tokens_user_id_idx").on("api_tokens").column("user_id").execute();

  await db.schema
    .createTable("projects")
    .addColumn("id", "uuid", (column) => column.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("name", "text", (column) => column.notNull().unique())
    .addColumn("namespace", "text", (column) => column.notNull().unique())
    .addColumn("pack_ref", "text", (column) => column.notNull())
    .addColumn("created_by", "uuid", (column) => column.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("project_members")
    .addColumn("project_id", "uuid", (column) =>
      column.notNull().references("projects.id").onDelete("cascade"),
    )
    .addColumn("user_id", "uuid", (column) => column.notNull().references("users.id").onDelete("cascade"))
    .addColumn("role", "text", (column) =>
      column.notNull().check(sql`role in ('creator', 'editor', 'viewer')`),
    )
    .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("project_members_pkey", ["project_id", "user_id"])
    .execute();
  await db.schema
    .createIndex("project_members_user_id_idx")
    .on("project_members")
    .column("user_id")
    .execute();

  await db.schema
    .createTable("applications")
    .addColumn("id", "uuid", (column) => column.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("project_id", "uuid", (column) =>
      column.notNull().references("projects.id").onDelete("restrict"),
    )
    .addColumn("name", "text", (column) => column.notNull())
    .addColumn("pack_ref", "text", (column) => column.notNull())
    .addColumn("current_revision", "integer", (column) => column.notNull())
    .addColumn("restarted_at", "text")
    .addColumn("created_by", "uuid", (column) => column.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("applications_project_id_name_key", ["project_id", "name"])
    .execute();

  await db.schema
    .createTable("app_revisions")
    .addColumn("id", "uuid", (column) => column.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("app_id", "uuid", (column) =>
      column.notNull().references("applications.id").onDelete("cascade"),
    )
    .addColumn("revision", "integer", (column) => column.notNull())
    .addColumn("spec", "jsonb", (column) => column.notNull())
    .addColumn("manifests", "jsonb", (column) => column.notNull())
    .addColumn("pack_ref", "text", (column) => column.notNull())
    .addColumn("author_id", "uuid", (column) => column.references("users.id").onDelete("set null"))
    .addColumn("reason", "text", (column) => column.notNull())
    .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("app_revisions_app_id_revision_key", ["app_id", "revision"])
    .execute();

  await db.schema
    .createTable("audit_events")
    .addColumn("id", "bigint", (column) => column.primaryKey().generatedByDefaultAsIdentity())
    .addColumn("actor_id", "uuid", (column) => column.references("users.id").onDelete("set null"))
    .addColumn("actor_email", "text")
    .addColumn("action", "text", (column) => column.notNull())
    .addColumn("project_id", "uuid")
    .addColumn("project_name", "text")
    .addColumn("app_name", "text")
    .addColumn("details", "jsonb", (column) => column.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("audit_events_project_id_idx")
    .on("audit_events")
    .columns(["project_id", "id desc"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "audit_events",
    "app_revisions",
    "applications",
    "project_members",
    "projects",
    "api_tokens",
    "sessions",
    "users",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
