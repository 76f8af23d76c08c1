import { sql, type Kysely } from "kysely";
import type { Database } from "@babyhelm/db";
import { REVOCATION_CHANNEL, type Revocation } from "./revocation.js";

/** Tells every replica listening on the database; inside a transaction, only once it commits. */
export async function notifyRevocation(db: Kysely<Database>, revocation: Revocation): Promise<void> {
  await sql`select pg_notify(${REVOCATION_CHANNEL}, ${JSON.stringify(revocation)})`.execute(db);
}
