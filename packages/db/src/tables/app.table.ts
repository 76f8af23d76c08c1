import type { ColumnType, Generated, Selectable } from "kysely";
import type { CreatedAt } from "./user.table.js";

/** jsonb: written as a JSON string (pg would turn a JS array into a PostgreSQL array), read back parsed. */
export type Json<T> = ColumnType<T, string, string>;

export interface ApplicationTable {
  id: Generated<string>;
  project_id: string;
  name: string;
  /** The exact pack version the current revision renders with; pinned until the owner upgrades. */
  pack_ref: string;
  current_revision: number;
  /** When the app was last restarted (shown on its page); the restart itself is the pod template's annotation. */
  restarted_at: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** The state the last status read or drift check saw (deploying, ready, degraded, failed, drifted). */
  observed_state: string | null;
  observed_message: string | null;
  observed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface AppRevisionTable {
  id: Generated<string>;
  app_id: string;
  revision: number;
  spec: Json<unknown>;
  /** Read through the repository as KubernetesObject[] (packages/api's app.repository.ts narrows it). */
  manifests: Json<unknown[]>;
  pack_ref: string;
  author_id: string | null;
  /** What made the revision: create, update, rollback (to N), upgradePack. */
  reason: string;
  /** The version of the app's stored secrets this revision applied (app_secret_versions); null: none. */
  secrets_version: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: CreatedAt;
}

export type Application = Selectable<ApplicationTable>;
export type AppRevision = Selectable<AppRevisionTable>;
