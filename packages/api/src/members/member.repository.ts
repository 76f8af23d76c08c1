import { sql, type Kysely } from "kysely";
import type { Database, ProjectRole } from "@babyhelm/db";

export function listMembers(
  db: Kysely<Database>,
  projectId: string,
  afterEmail: string | undefined,
  limit: number,
) {
  let query = db
    .selectFrom("project_members")
    .innerJoin("users", "users.id", "project_members.user_id")
    .select(["users.id as user_id", "users.email", "project_members.role", "project_members.created_at"])
    .where("project_members.project_id", "=", projectId)
    .orderBy(sql`lower(users.email)`)
    .limit(limit + 1);
  if (afterEmail !== undefined) query = query.where(sql<string>`lower(users.email)`, ">", afterEmail);
  return query.execute();
}

export function findMemberByEmail(db: Kysely<Database>, projectId: string, email: string) {
  return db
    .selectFrom("project_members")
    .innerJoin("users", "users.id", "project_members.user_id")
    .select(["users.id as user_id", "users.email", "project_members.role"])
    .where("project_members.project_id", "=", projectId)
    .where(sql<string>`lower(users.email)`, "=", email.toLowerCase())
    .executeTakeFirst();
}

/** Locks the project's creator rows, so that two concurrent demotions cannot both see "another creator remains". */
/** For showing, not for deciding: changes go through countCreatorsForUpdate, which locks the rows. */
export async function countCreators(db: Kysely<Database>, projectId: string): Promise<number> {
  const row = await db
    .selectFrom("project_members")
    .select(sql<number>`count(*)::int`.as("count"))
    .where("project_id", "=", projectId)
    .where("role", "=", "creator")
    .executeTakeFirstOrThrow();
  return row.count;
}

export async function countCreatorsForUpdate(db: Kysely<Database>, projectId: string): Promise<number> {
  const rows = await db
    .selectFrom("project_members")
    .select("user_id")
    .where("project_id", "=", projectId)
    .where("role", "=", "creator")
    .forUpdate()
    .execute();
  return rows.length;
}

export async function setRole(db: Kysely<Database>, projectId: string, userId: string, role: ProjectRole) {
  await db
    .updateTable("project_members")
    .set({ role })
    .where("project_id", "=", projectId)
    .where("user_id", "=", userId)
    .execute();
}

/** Throws a unique violation when the user is a member already. */
export async function addMember(db: Kysely<Database>, projectId: string, userId: string, role: ProjectRole) {
  await db.insertInto("project_members").values({ project_id: projectId, user_id: userId, role }).execute();
}

export async function removeMember(db: Kysely<Database>, projectId: string, userId: string) {
  await db
    .deleteFrom("project_members")
    .where("project_id", "=", projectId)
    .where("user_id", "=", userId)
    .execute();
}
