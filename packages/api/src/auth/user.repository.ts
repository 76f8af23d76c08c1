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
