import type { Database } from "@babyhelm/db";
import type { Kysely } from "kysely";

/** Every app with its project's name and its current revision's manifests: all a drift check reads status from. */
export function listAppsWithManifests(db: Kysely<Database>) {
  return db
    .selectFrom("applications")
    .innerJoin("projects", "projects.id", "applications.project_id")
    .innerJoin("app_revisions", (join) =>
      join
        .onRef("app_revisions.app_id", "=", "applications.id")
        .onRef("app_revisions.revision", "=", "applications.current_revision"),
    )
    .selectAll("applications")
    .select(["projects.name as project_name", "app_revisions.manifests"])
    .execute();
}

/** Every project's name and namespace: where a drift check looks for objects left by apps that are gone. */
export function listProjectNamespaces(db: Kysely<Database>) {
  return db.selectFrom("projects").select(["name", "namespace"]).execute();
}
