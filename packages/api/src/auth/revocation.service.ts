import type { Kysely } from "kysely";
import type { Database } from "@babyhelm/db";
import type { Services } from "../services.js";
import type { Revocation } from "./revocation.js";
import { notifyRevocation } from "./revocation.repository.js";

/**
 * Ends credentials: `write` deletes them, and on PostgreSQL the notice to every replica's cache goes in the same
 * transaction, so that it is sent exactly when the deletion is committed. This replica's cache forgets at once.
 */
export async function revokeCredentials<T>(
  services: Pick<Services, "db" | "credentials">,
  revocation: Revocation,
  write: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const { db } = services;
  const result =
    db.backend === "postgres"
      ? await db.kysely.transaction().execute(async (trx) => {
          const written = await write(trx);
          await notifyRevocation(trx, revocation);
          return written;
        })
      : await write(db.kysely);
  services.credentials.forget(revocation);
  return result;
}
