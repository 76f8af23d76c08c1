import { sql, type Kysely } from "kysely";
import type { Database, User } from "@babyhelm/db";

export function findUserByEmail(db: Kysely<Database>, email: string): Promise<User | undefined> {
  return db
    .selectFrom("users")
    .selectAll()
    .where(sql<string>`lower(email)`, "=", email.toLowerCase())
    .executeTakeFirst();
}

export async function findUserEmail(db: Kysely<Database>, userId: string): Promise<string | undefined> {
  const row = await db.selectFrom("users").select("email").where("id", "=", userId).executeTakeFirst();
  return row?.email;
}

/** undefined when the email is taken (whatever its case). */
export async function insertUser(
  db: Kysely<Database>,
  email: string,
  passwordHash: string,
): Promise<User | undefined> {
  return db
    .insertInto("users")
    .values({ email, password_hash: passwordHash })
    .onConflict((conflict) => conflict.expression(sql`lower(email)`).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** The emails of users by id; ids of deleted accounts are absent. */
export async function findUserEmails(
  db: Kysely<Database>,
  userIds: readonly string[],
): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.selectFrom("users").select(["id", "email"]).where("id", "in", userIds).execute();
  return new Map(rows.map((row) => [row.id, row.email]));
}
