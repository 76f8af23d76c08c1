import type { Kysely } from "kysely";
import type { Database } from "@babyhelm/db";
import type { AuthenticatedUser } from "../auth/session.repository.js";

export interface AuditEntry {
  actor: AuthenticatedUser | null;
  action: string;
  project?: { id: string; name: string };
  app?: string;
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto("audit_events")
    .values({
      actor_id: entry.actor?.id ?? null,
      actor_email: entry.actor?.email ?? null,
      action: entry.action,
      project_id: entry.project?.id ?? null,
      project_name: entry.project?.name ?? null,
      app_name: entry.app ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

/** Who deleted the app `appName` of a project last, and when; undefined when no deletion of it is recorded. */
export function findLastAppDeletion(db: Kysely<Database>, projectId: string, appName: string) {
  return db
    .selectFrom("audit_events")
    .select(["actor_email", "created_at"])
    .where("project_id", "=", projectId)
    .where("action", "=", "app.delete")
    .where("app_name", "=", appName)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}

export function listAuditEvents(
  db: Kysely<Database>,
  projectId: string,
  beforeId: number | undefined,
  limit: number,
) {
  let query = db
    .selectFrom("audit_events")
    .select(["id", "actor_email", "action", "app_name", "details", "created_at"])
    .where("project_id", "=", projectId)
    .orderBy("id", "desc")
    .limit(limit + 1);
  if (beforeId !== undefined) query = query.where("id", "<", beforeId);
  return query.execute();
}
