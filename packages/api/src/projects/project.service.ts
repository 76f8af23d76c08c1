import type { Project } from "@babyhelm/db";
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

export async function deleteProject(
  services: Pick<Services, "db" | "cluster">,
  actor: AuthenticatedUser,
  project: Project,
): Promise<{ namespaceRemoved: boolean }> {
  const { db, cluster } = services;
  const apps = await countApps(db.kysely, project.id);
  if (apps > 0) {
    throw new PreconditionError(
      `Project "${project.name}" still has ${apps} application${apps === 1 ? "" : "s"}: delete ${apps === 1 ? "it" : "them"} first.`,
    );
  }
  await cluster.delete(namespaceRef(project.namespace));
  const namespaceRemoved = await cluster.waitUntilGone(
    namespaceRef(project.namespace),
    NAMESPACE_GONE_WAIT_MS,
  );
  await db.kysely.transaction().execute(async (trx) => {
    await deleteProjectRow(trx, project.id);
    await recordAudit(trx, { actor, action: "project.delete", project });
  });
  return { namespaceRemoved };
}
