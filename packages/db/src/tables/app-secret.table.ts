import type { Selectable } from "kysely";
import type { Json } from "./app.table.js";
import type { CreatedAt } from "./user.table.js";

/** What may be shown about one secret of a version: never its value. */
export interface AppSecretEntry {
  name: string;
  /** The user who last set this value; null once that account is gone. */
  setBy: string | null;
  /** ISO time the value was last set. */
  setAt: string;
  /** First 8 hex chars of an HMAC of the value under a key derived from the server key. */
  fingerprint: string;
}

/** One version of an app's stored secrets (see migration 0008). */
export interface AppSecretVersionTable {
  app_id: string;
  version: number;
  /** The name → value JSON, sealed with the server's secret box. */
  sealed_values: string;
  entries: Json<AppSecretEntry[]>;
  created_at: CreatedAt;
}

export type AppSecretVersion = Selectable<AppSecretVersionTable> & { entries: AppSecretEntry[] };
