import type { ColumnType, Selectable } from "kysely";
import type { CreatedAt, Timestamp } from "./user.table.js";

/** Lucia's session design: the id is the SHA-256 of the secret token, so a leaked table grants nothing. */
export interface SessionTable {
  /** Lowercase hex SHA-256 of the token the client holds. */
  id: string;
  user_id: string;
  expires_at: Timestamp;
  created_at: CreatedAt;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  user_agent: string | null;
}

export type Session = Selectable<SessionTable>;
