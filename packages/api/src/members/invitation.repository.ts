import { sql, type Kysely } from "kysely";
import type { Database, ProjectRole } from "@babyhelm/db";
import { generateSecret, hashToken } from "../auth/tokens.js";

/** Makes (or replaces) the invitation of `email` to a project; returns the secret for the link, shown once. */
export async function upsertInvitation(
  db: Kysely<Database>,
  values: { projectId: string; email: string; role: ProjectRole; invitedBy: string; expiresAt: Date },
): Promise<string> {
  const token = generateSecret();
  await db
    .insertInto("invitations")
    .values({
      project_id: values.projectId,
      email: values.email,
      role: values.role,
      token_hash: hashToken(token),
      invited_by: values.invitedBy,
      expires_at: values.expiresAt,
    })
    .onConflict((conflict) =>
      conflict.expression(sql`project_id, lower(email)`).doUpdateSet((eb) => ({
        role: eb.ref("excluded.role"),
        token_hash: eb.ref("excluded.token_hash"),
        invited_by: eb.ref("excluded.invited_by"),
        created_at: sql<Date>`now()`,
        expires_at: eb.ref("excluded.expires_at"),
      })),
    )
    .execute();
  return token;
}

/** Takes the invitation of this link, so that it works once; undefined when it is unknown or expired. */
export function takeInvitation(db: Kysely<Database>, token: string, now: Date) {
  return db
    .deleteFrom("invitations")
    .where("token_hash", "=", hashToken(token))
    .where("expires_at", ">", now)
    .returning(["id", "project_id", "email", "role"])
    .executeTakeFirst();
}

/** A project's invitations that still work, newest first. */
export function listInvitations(db: Kysely<Database>, projectId: string, now: Date) {
  return db
    .selectFrom("invitations")
    .select(["email", "role", "created_at", "expires_at"])
    .where("project_id", "=", projectId)
    .where("expires_at", ">", now)
    .orderBy("created_at", "desc")
    .limit(200)
    .execute();
}

export async function deleteInvitation(
  db: Kysely<Database>,
  projectId: string,
  email: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom("invitations")
    .where("project_id", "=", projectId)
    .where(sql<string>`lower(email)`, "=", email.toLowerCase())
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export function projectName(db: Kysely<Database>, projectId: string) {
  return db
    .selectFrom("projects")
    .select(["id", "name"])
    .where("id", "=", projectId)
    .executeTakeFirstOrThrow();
}
