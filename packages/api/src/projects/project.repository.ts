// The SQL of projects and their members: memberships, creation and deletion, the caller's list, counts and namespaces.
import { sql, type Kysely } from "kysely";
import type { Database, Project, ProjectRole } from "@babyhelm/db";

export async function findMembership(
  db: Kysely<Database>,
  projectName: string,
  userId: string,
): Promise<{ project: Project; role: ProjectRole } | undefined> {
  const row = await db
    .selectFrom("projects")
    .innerJoin("project_members", "project_members.project_id", "projects.id")
    .selectAll("projects")
    .select("project_members.role")
    .where("projects.name", "=", projectName)
    .where("project_members.user_id", "=", userId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const { role, ...project } = row;
  return { project, role };
}

/** Throws a unique violation when the name is taken. */
export function insertProject(
  db: Kysely<Database>,
  values: { name: string; packRef: string; createdBy: string },
): Promise<Project> {
  return db
    .insertInto("projects")
    .values({
      name: values.name,
      namespace: values.name,
      pack_ref: values.packRef,
      created_by: values.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Its members and alert target go with it; the database refuses while it has apps. */
export async function deleteProjectRow(db: Kysely<Database>, projectId: string): Promise<void> {
  await db.deleteFrom("projects").where("id", "=", projectId).execute();
}

export function projectNameTaken(db: Kysely<Database>, name: string): Promise<boolean> {
  return db
    .selectFrom("projects")
    .select("id")
    .where("name", "=", name)
    .executeTakeFirst()
    .then((row) => row !== undefined);
}

/** The caller's projects by name, with role and app count; `after` is the last name of the previous page. */
export function listProjectsOfUser(
  db: Kysely<Database>,
  userId: string,
  after: string | undefined,
  limit: number,
) {
  let query = projectsWithRoleAndAppCount(db)
    .where("project_members.user_id", "=", userId)
    .limit(limit + 1);
  if (after !== undefined) query = query.where("projects.name", ">", after);
  return query.execute();
}

type ProjectsQuery = ReturnType<typeof buildProjectsWithRoleAndAppCount>;
const projectsQueries = new WeakMap<Kysely<Database>, ProjectsQuery>();

/**
 * What every page of the list shares, built once per database handle: kysely's builders are immutable, so each call
 * only adds its user, cursor and limit. Building the joined select with its subquery anew cost each call more than
 * compiling it (bench/projects-list.bench.ts, profiled).
 */
function projectsWithRoleAndAppCount(db: Kysely<Database>): ProjectsQuery {
  let query = projectsQueries.get(db);
  if (query === undefined) {
    query = buildProjectsWithRoleAndAppCount(db);
    projectsQueries.set(db, query);
  }
  return query;
}

function buildProjectsWithRoleAndAppCount(db: Kysely<Database>) {
  return db
    .selectFrom("project_members")
    .innerJoin("projects", "projects.id", "project_members.project_id")
    .select([
      "projects.id",
      "projects.name",
      "projects.namespace",
      "projects.pack_ref",
      "projects.created_at",
      "project_members.role",
      (eb) =>
        eb
          .selectFrom("applications")
          .select(sql<number>`count(*)::int`.as("count"))
          .whereRef("applications.project_id", "=", "projects.id")
          .as("app_count"),
    ])
    .orderBy("projects.name");
}

export function countApps(db: Kysely<Database>, projectId: string): Promise<number> {
  return db
    .selectFrom("applications")
    .select(sql<number>`count(*)::int`.as("count"))
    .where("project_id", "=", projectId)
    .executeTakeFirstOrThrow()
    .then((row) => row.count);
}

/** Projects the user created that still exist, whoever holds them now: what the per-user project limit counts. */
/**
 * How many projects the user created, with the user's row locked until the transaction ends: creates by one user
 * then count one after another, so a burst of parallel creates cannot pass the limit together.
 */
export async function countProjectsCreatedByLocking(db: Kysely<Database>, userId: string): Promise<number> {
  await db.selectFrom("users").select("id").where("id", "=", userId).forUpdate().execute();
  return db
    .selectFrom("projects")
    .select(sql<number>`count(*)::int`.as("count"))
    .where("created_by", "=", userId)
    .executeTakeFirstOrThrow()
    .then((row) => row.count);
}

/** Every project's name and namespace: where a drift check looks for objects left by apps that are gone. */
export function listProjectNamespaces(db: Kysely<Database>) {
  return db.selectFrom("projects").select(["name", "namespace"]).execute();
}
