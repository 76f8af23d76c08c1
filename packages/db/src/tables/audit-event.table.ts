import type { Generated, Selectable } from "kysely";
import type { Json } from "./app.table.js";
import type { CreatedAt } from "./user.table.js";

/**
 * Names rather than foreign keys for project and app: the history of a deleted project or app stays readable
 * by whoever can still see the project (a re-created one of the same name starts a new history via project_id).
 */
export interface AuditEventTable {
  /** bigint identity, read as a number (int8 is parsed as a number on both backends). */
  id: Generated<number>;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  project_id: string | null;
  project_name: string | null;
  app_name: string | null;
  details: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}

export type AuditEvent = Selectable<AuditEventTable>;
