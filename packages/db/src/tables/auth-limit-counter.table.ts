import type { Selectable } from "kysely";

/** A sign-in or sign-up counter shared by the server replicas (see migration 0008). */
export interface AuthLimitCounterTable {
  kind: string;
  key: string;
  count: number;
  window_started_at: Date;
  last_failure_at: Date | null;
  expires_at: Date;
}

export type AuthLimitCounter = Selectable<AuthLimitCounterTable>;
