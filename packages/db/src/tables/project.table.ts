import type { Generated, Selectable } from "kysely";
import type { CreatedAt } from "./user.table.js";

export const PROJECT_ROLES = ["creator", "editor", "viewer"] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

export interface ProjectTable {
  id: Generated<string>;
  name: string;
  namespace: string;
  /** The exact pack version ("default@2.0.0") that rendered the project's own objects. */
  pack_ref: string;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface ProjectMemberTable {
  project_id: string;
  user_id: string;
  role: ProjectRole;
  created_at: CreatedAt;
}

export type Project = Selectable<ProjectTable>;
export type ProjectMember = Selectable<ProjectMemberTable>;
