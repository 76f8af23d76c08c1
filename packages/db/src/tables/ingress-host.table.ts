import type { ColumnType, Selectable } from "kysely";

/** A host an app's Ingress serves, claimed for the whole platform (see migration 0005). */
export interface IngressHostTable {
  host: string;
  app_id: string;
  claimed_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type IngressHost = Selectable<IngressHostTable>;
