import { sql, type Kysely } from "kysely";

/**
 * Invitations to register, for servers with BABYHELM_REGISTRATION=invite: a project creator invites an email with
 * a role; the link carries a secret of which only the hash is kept, works once, and expires.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("invitations")
    .addColumn("id", "uuid", (column) => column.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("project_id", "uuid", (column) =>
      column.notNull().references("projects.id").onDelete("cascade"),
    )
    .addColumn("email", "text", (column) => column.notNull())
    .addColumn("role", "text", (column) =>
      column.notNull().check(sql`role in ('creator', 'editor', 'viewer')`),
    )
    .addColumn("token_hash", "text", (column) => column.notNull().unique())
    .addColumn("invited_by", "uuid", (column) => column.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (column) => column.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (column) => column.notNull())
    .execute();
  // One pending invitation per email and project: inviting again replaces the link.
  await db.schema
    .createIndex("invitations_project_email_key")
    .on("invitations")
    .unique()
    .columns(["project_id", sql`lower(email)`])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("invitations").execute();
}
