import type { Generated, Selectable } from "kysely";
import type { ProjectRole } from "./project.table.js";
import type { CreatedAt, Timestamp } from "./user.table.js";

export interface InvitationTable {
  id: Generated<string>;
  project_id: string;
  email: string;
  role: ProjectRole;
  /** Lowercase hex SHA-256 of the link's secret; the secret itself is shown once to the inviter. */
  token_hash: string;
  invited_by: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export type Invitation = Selectable<InvitationTable>;
