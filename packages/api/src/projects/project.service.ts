import type { Project } from "@babyhelm/db";
import { listAppNames } from "../applications/app.repository.js";
import { deleteApp, type AppScope } from "../applications/app.service.js";
import { recordAudit } from "../audit/audit.repository.js";
import type { AuthenticatedUser } from "../auth/session.repository.js";
import { PROJECT_LABEL } from "../cluster/owned-labels.js";
import { addMember } from "../members/member.repository.js";
import type { Services } from "../services.js";
import { isUniqueViolation } from "../shared/db-errors.js";
import {
  ConflictError,
  conflictOn,
  FieldError,
  ForbiddenError,
  NotFoundError,
  PreconditionError,
} from "../shared/errors.js";
import { renderProjectObjects } from "./project-objects.js";
import {
  countApps,
  countProjectsCreatedByLocking,
  deleteProjectRow,
  insertProject,
  projectNameTaken,
} from "./project.repository.js";

const NAMESPACE_GONE_WAIT_MS = 5_000;

function namespaceRef(name: string) {
  return { apiVersion: "v1", kind: "Namespace", name };
}

function nameTaken(name: string): ConflictError {
  return conflictOn(
    "name",
    "is taken by another project: choose another name",
    `A project named "${name}" already exists: choose another name.`,
  );
}

/**
 * The rows (project, creator membership, audit event) and the cluster objects (the pack's Namespace and guards) as
 * one step: the rows are written in a transaction that commits only after the cluster accepted every object, and
 * a refused apply removes the namespace again (which takes its content with it).
 */
export async function createProject(
  services: Pick<Services, "db" | "cluster" | "renderer" | "config" | "logger">,
  actor: AuthenticatedUser,
  name: string,
): Promise<Project> {
  const { db, cluster, logger } = services;
  if (name === services.config.platformNamespace) {
    throw new FieldError([{ path: "name", message: `"${name}" is the namespace BabyHelm itself runs in` }]);
  }
  if (services.config.reservedNamespaces.includes(name)) {
    throw new FieldError([
      {
        path: "name",
        message: `"${name}" is reserved for a cluster component's namespace on this platform: choose another name`,
      },
    ]);
  }
  const { objects, packRef } = renderProjectObjects(
    services.renderer,
    name,
    services.config.defaultPack,
    services.config,
  );
  if (await projectNameTaken(db.kysely, name)) throw nameTaken(name);

  const existing = await cluster.get(namespaceRef(name));
  if (existing !== undefined) {
    if (existing.metadata.labels?.[PROJECT_LABEL] !== name) {
      throw conflictOn(
        "name",
        "is the name of a namespace BabyHelm does not manage: choose another name",
        `A namespace named "${name}" already exists in the cluster and BabyHelm does not manage it: choose another name.`,
      );
    }
    if (existing.metadata.deletionTimestamp !== undefined) {
      throw new ConflictError(
        `The namespace "${name}" of a deleted project is still being removed: try again in a few seconds.`,
      );
    }
    // Labelled as ours but without a row: left over by a create whose clean-up could not reach the cluster.
  }

  let applied = false;
  try {
    return await db.kysely.transaction().execute(async (trx) => {
      // Each project is a namespace in the shared cluster: counted under a lock on the user, so exactly.
      const limit = services.config.limits.projectsPerUser;
      if ((await countProjectsCreatedByLocking(trx, actor.id)) >= limit) {
        throw new ForbiddenError(
          `You have created ${limit} projects, the most one user may: delete one you no longer need, or ask an operator to raise BABYHELM_MAX_PROJECTS_PER_USER.`,
          [
            {
              path: "name",
              message: `would be your project number ${limit + 1}, over the limit of ${limit}`,
            },
          ],
        );
      }
      const project = await insertProject(trx, { name, packRef, createdBy: actor.id });
      await addMember(trx, project.id, actor.id, "creator");
      await recordAudit(trx, { actor, action: "project.create", project, details: { pack: packRef } });
      applied = true;
      await cluster.apply(objects);
      return project;
    });
  } catch (error) {
    if (applied) {
      await cluster.delete(namespaceRef(name)).catch((cleanupError: unknown) => {
        logger.error(
          { err: cleanupError, namespace: name },
          "could not remove the namespace of a project whose creation failed; the next create of this name adopts it",
        );
      });
    }
    if (isUniqueViolation(error)) throw nameTaken(name);
    throw error;
  }
}

/**
 * Deletes the project's apps one by one (each as apps.delete does: its objects, then its rows, audited), then the
 * namespace and the project. `confirmedApps` is how many apps the person agreed to delete: a different count (an app
 * deployed meanwhile) refuses before anything is deleted. An app that cannot be deleted stops the work there, and the
 * error says which and how many were deleted: the project and its remaining apps are left as they were, to retry.
 */
export async function deleteProject(
  services: Pick<Services, "db" | "cluster">,
  scope: AppScope,
  confirmedApps: number | undefined,
): Promise<{ namespaceRemoved: boolean; appsDeleted: string[] }> {
  const { db, cluster } = services;
  const { project, user } = scope;
  const apps = await listAppNames(db.kysely, project.id);
  if (apps.length > 0 && confirmedApps === undefined) {
    throw new PreconditionError(
      `Project "${project.name}" has ${plural(apps.length, "app")}: deleting it deletes ${apps.length === 1 ? "it" : "them"} too. Confirm with the number of apps (apps: ${apps.length}), or delete them first.`,
    );
  }
  if (confirmedApps !== undefined && confirmedApps !== apps.length) {
    throw conflictOn(
      "apps",
      `is ${confirmedApps}, but the project has ${apps.length} now`,
      `Project "${project.name}" has ${plural(apps.length, "app")} now, not ${confirmedApps}: someone deployed or deleted one meanwhile. Look at its apps again, then confirm.`,
    );
  }
  const deleted: string[] = [];
  for (const app of apps) {
    try {
      await deleteApp(services, scope, app);
      deleted.push(app);
    } catch (error) {
      if (error instanceof NotFoundError) continue; // deleted meanwhile by someone else: the outcome is the same
      if (error instanceof Error) {
        // The message gains what happened so far; the error keeps its kind (cluster unreachable, conflict…).
        error.message = `Deleted ${deleted.length} of ${plural(apps.length, "app")} of "${project.name}", then could not delete app "${app}": ${error.message} The project and its ${plural(apps.length - deleted.length, "remaining app")} are unchanged: try again.`;
      }
      throw error;
    }
  }
  const added = await countApps(db.kysely, project.id);
  if (added > 0) {
    throw new ConflictError(
      `Deleted ${plural(deleted.length, "app")} of "${project.name}", but ${plural(added, "app")} ${added === 1 ? "was" : "were"} deployed meanwhile: the project was not deleted. Look at its apps, then try again.`,
    );
  }
  await cluster.delete(namespaceRef(project.namespace));
  const namespaceRemoved = await cluster.waitUntilGone(
    namespaceRef(project.namespace),
    NAMESPACE_GONE_WAIT_MS,
  );
  await db.kysely.transaction().execute(async (trx) => {
    await deleteProjectRow(trx, project.id);
    await recordAudit(trx, {
      actor: user,
      action: "project.delete",
      project,
      ...(deleted.length === 0 ? {} : { details: { apps: deleted } }),
    });
  });
  return { namespaceRemoved, appsDeleted: deleted };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
