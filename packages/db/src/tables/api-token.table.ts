import type { Generated, Selectable } from "kysely";
import type { CreatedAt, NullableTimestamp } from "./user.table.js";

export interface ApiTokenTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  /** Lowercase hex SHA-256 of the token; the token itself is shown once and never stored. */
  token_hash: string;
  /** The token's first characters, so a user can tell tokens apart. */
  prefix: string;
  expires_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  created_at: CreatedAt;
}

export type ApiToken = Selectable<ApiTokenTable>;
