import { sql, type Kysely } from "kysely";
import type { Application, AppRevision, Database } from "@babyhelm/db";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";

/** jsonb reads back as `unknown`: the manifests column holds what insertRevision wrote, typed here once. */
interface WithManifests {
  manifests: KubernetesObject[];
}

export type Revision = Omit<AppRevision, "manifests"> & WithManifests;

export function findApp(
  db: Kysely<Database>,
  projectId: string,
  name: string,
): Promise<Application | undefined> {
  return db
    .selectFrom("applications")
    .selectAll()
    .where("project_id", "=", projectId)
    .where("name", "=", name)
    .executeTakeFirst();
}

export function insertApp(
  db: Kysely<Database>,
  values: { projectId: string; name: string; packRef: string; createdBy: string },
): Promise<Application> {
  return db
    .insertInto("applications")
    .values({
      project_id: values.projectId,
      name: values.name,
      pack_ref: values.packRef,
      current_revision: 1,
      created_by: values.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A project's app names, by name: what deleting the project deletes first. */
export async function listAppNames(db: Kysely<Database>, projectId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("applications")
    .select("name")
    .where("project_id", "=", projectId)
    .orderBy("name")
    .execute();
  return rows.map((row) => row.name);
}

/** Its revisions, samples and alert state go with it (the foreign keys cascade). */
export async function deleteAppRow(db: Kysely<Database>, appId: string): Promise<void> {
  await db.deleteFrom("applications").where("id", "=", appId).execute();
}

export function findRevision(
  db: Kysely<Database>,
  appId: string,
  revision: number,
): Promise<Revision | undefined> {
  return db
    .selectFrom("app_revisions")
    .selectAll()
    .where("app_id", "=", appId)
    .where("revision", "=", revision)
    .$narrowType<WithManifests>()
    .executeTakeFirst();
}

/** Applications joined with their current revision. */
function withCurrentRevision(db: Kysely<Database>) {
  return db
    .selectFrom("applications")
    .innerJoin("app_revisions", (join) =>
      join
        .onRef("app_revisions.app_id", "=", "applications.id")
        .onRef("app_revisions.revision", "=", "applications.current_revision"),
    );
}

/**
 * A page of a project's apps with the workload (Deployment or CronJob) of each one's current revision: all a list shows needs of the
 * manifests, picked out by PostgreSQL rather than parsed whole for every row. The page is cut before the join, so
 * that a call costs the same in a project of 10 apps as in one of 200.
 */
export function listApps(db: Kysely<Database>, projectId: string, after: string | undefined, limit: number) {
  let page = db
    .selectFrom("applications")
    .selectAll()
    .where("project_id", "=", projectId)
    .orderBy("name")
    .limit(limit + 1);
  if (after !== undefined) page = page.where("name", ">", after);
  return db
    .selectFrom(page.as("applications"))
    .innerJoin("app_revisions", (join) =>
      join
        .onRef("app_revisions.app_id", "=", "applications.id")
        .onRef("app_revisions.revision", "=", "applications.current_revision"),
    )
    .selectAll("applications")
    .select(
      sql<KubernetesObject | null>`jsonb_path_query_first(app_revisions.manifests, '$[*] ? (@.kind == "Deployment" || @.kind == "CronJob")')`.as(
        "workload",
      ),
    )
    .orderBy("applications.name")
    .execute();
}

/**
 * Every app (or one project's, the first `limit` by name) with its project's name and namespace and its current
 * manifests: what the periodic jobs and the project overview read the cluster by.
 */
export function listAppsWithManifests(
  db: Kysely<Database>,
  filter: { projectId?: string; limit?: number } = {},
) {
  let query = withCurrentRevision(db)
    .innerJoin("projects", "projects.id", "applications.project_id")
    .selectAll("applications")
    .select(["projects.name as project_name", "projects.namespace", "app_revisions.manifests"])
    .orderBy("applications.name");
  if (filter.projectId !== undefined) query = query.where("applications.project_id", "=", filter.projectId);
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  return query.$narrowType<WithManifests>().execute();
}

/** Newest first, with the author's email; `before` is the revision number the previous page ended with. */
export function listRevisions(
  db: Kysely<Database>,
  appId: string,
  before: number | undefined,
  limit: number,
) {
  let query = db
    .selectFrom("app_revisions")
    .leftJoin("users", "users.id", "app_revisions.author_id")
    .select([
      "app_revisions.revision",
      "app_revisions.spec",
      "app_revisions.manifests",
      "app_revisions.pack_ref",
      "app_revisions.reason",
      "app_revisions.secrets_version",
      "app_revisions.created_at",
      "users.email as author",
    ])
    .where("app_revisions.app_id", "=", appId)
    .orderBy("app_revisions.revision", "desc")
    .limit(limit + 1);
  if (before !== undefined) query = query.where("app_revisions.revision", "<", before);
  return query.$narrowType<WithManifests>().execute();
}

export interface NewRevision {
  spec: unknown;
  manifests: KubernetesObject[];
  packRef: string;
  reason: string;
  /** The version of the app's stored secrets the revision applies; null: none. */
  secretsVersion: number | null;
}

export async function insertRevision(
  db: Kysely<Database>,
  appId: string,
  revision: number,
  authorId: string,
  values: NewRevision,
): Promise<void> {
  await db
    .insertInto("app_revisions")
    .values({
      app_id: appId,
      revision,
      spec: JSON.stringify(values.spec),
      manifests: JSON.stringify(values.manifests),
      pack_ref: values.packRef,
      author_id: authorId,
      reason: values.reason,
      secrets_version: values.secretsVersion,
    })
    .execute();
}

/**
 * Moves the app from `expected` to `expected + 1`, only if nobody else moved it first: the row lock makes a
 * concurrent writer wait, then find the revision changed. False when it was changed.
 */
export async function advanceRevision(
  db: Kysely<Database>,
  appId: string,
  expected: number,
  packRef: string,
): Promise<boolean> {
  const result = await db
    .updateTable("applications")
    .set({ current_revision: expected + 1, pack_ref: packRef, updated_at: new Date(), observed_state: null })
    .where("id", "=", appId)
    .where("current_revision", "=", expected)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Remembers what a status read saw, over the app row as the caller read it; writes only when it changed. */
export async function recordObservedState(
  db: Kysely<Database>,
  app: Pick<Application, "id" | "observed_state" | "observed_message">,
  state: string,
  message: string,
  at: Date,
): Promise<void> {
  // An app page read while nothing changes writes nothing.
  if (app.observed_state === state && app.observed_message === message) return;
  await db
    .updateTable("applications")
    .set({ observed_state: state, observed_message: message, observed_at: at })
    .where("id", "=", app.id)
    .execute();
}

/** A redeploy starts the status over: the next read says what the re-applied objects are doing. */
export async function clearObservedState(db: Kysely<Database>, appId: string): Promise<void> {
  await db.updateTable("applications").set({ observed_state: null }).where("id", "=", appId).execute();
}

export async function recordRestart(db: Kysely<Database>, appId: string, restartedAt: string): Promise<void> {
  await db.updateTable("applications").set({ restarted_at: restartedAt }).where("id", "=", appId).execute();
}

export async function countDriftedApps(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom("applications")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("observed_state", "=", "drifted")
    .executeTakeFirst();
  return row?.count ?? 0;
}
