import type { AppRevision, Application, Project } from "@babyhelm/db";
import { type KubernetesObject, diffManifests, formatDiff, toYaml } from "@babyhelm/manifest-sdk";
import { TRPCError } from "@trpc/server";
import semver from "semver";
import { recordAudit } from "../audit/audit.repository.js";
import type { AuthenticatedUser } from "../auth/session.repository.js";
import { refOf } from "../cluster/object-ref.js";
import { APP_LABEL, APP_OWNED_KINDS, ownerSelector } from "../cluster/owned-labels.js";
import type { Logger } from "../logger.js";
import type { Services } from "../services.js";
import { isUniqueViolation } from "../shared/db-errors.js";
import { FieldError, conflictOn } from "../shared/errors.js";
import { type RenderedApp, projectOnto, renderApp } from "./app-manifests.js";
import { deleteObjects, rollOut } from "./app-rollout.js";
import { advanceRevision, findApp, findRevision, insertRevision } from "./app.repository.js";

/** Who acts on which project: what every app operation needs besides its own input. */
export interface AppScope {
  services: Services;
  user: AuthenticatedUser;
  project: Project;
  log: Logger;
}

export const RESTARTED_AT_ANNOTATION = "kubectl.kubernetes.io/restartedAt";
/** Restarts patch with a field manager of their own, so that BabyHelm's applies neither own nor undo them. */
export const RESTART_FIELD_MANAGER = "babyhelm-restart";

export async function requireApp(scope: AppScope, name: string): Promise<Application> {
  const app = await findApp(scope.services.db.kysely, scope.project.id, name);
  if (app === undefined) {
    throw new TRPCError({
      code: "NOT_FOUND",
      message: `No app named "${name}" in project "${scope.project.name}".`,
    });
  }
  return app;
}

export async function currentRevision(scope: AppScope, app: Application): Promise<AppRevision> {
  const revision = await findRevision(scope.services.db.kysely, app.id, app.current_revision);
  if (revision === undefined) throw new Error(`app ${app.id} has no revision ${app.current_revision}`);
  return revision;
}

export async function currentManifests(scope: AppScope, app: Application): Promise<KubernetesObject[]> {
  return (await currentRevision(scope, app)).manifests as KubernetesObject[];
}

export async function createApp(
  scope: AppScope,
  input: { name: string; pack?: string | undefined; spec: unknown },
): Promise<{ app: Application; rendered: RenderedApp }> {
  const { services, user, project, log } = scope;
  const { db, cluster } = services;
  const rendered = renderApp(
    services,
    project,
    input.name,
    input.pack ?? services.config.defaultPack,
    input.spec,
  );
  if ((await findApp(db.kysely, project.id, input.name)) !== undefined)
    throw appNameTaken(input.name, project.name);
  await refuseForeignObjects(scope, input.name, rendered.manifests);
  await cluster.apply(rendered.manifests, { dryRun: true });

  let rolledOut = false;
  try {
    const app = await db.kysely.transaction().execute(async (trx) => {
      const app = await trx
        .insertInto("applications")
        .values({
          project_id: project.id,
          name: input.name,
          pack_ref: rendered.packRef,
          current_revision: 1,
          created_by: user.id,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await insertRevision(trx, app.id, 1, user.id, { ...rendered, reason: "create" });
      await recordAudit(trx, {
        actor: user,
        action: "app.create",
        project,
        app: input.name,
        details: { revision: 1, pack: rendered.packRef },
      });
      await rollOut(cluster, rendered.manifests, undefined, log);
      rolledOut = true;
      return app;
    });
    return { app, rendered };
  } catch (error) {
    if (rolledOut)
      await deleteObjects(cluster, rendered.manifests).catch((undo: unknown) => {
        logUndo(log, undo);
      });
    if (isUniqueViolation(error)) throw appNameTaken(input.name, project.name);
    throw error;
  }
}

export async function updateApp(
  scope: AppScope,
  input: { name: string; spec: unknown; expectedRevision: number },
): Promise<{ revision: number }> {
  const app = await requireApp(scope, input.name);
  requireRevision(app, input.expectedRevision);
  const rendered = renderApp(scope.services, scope.project, app.name, app.pack_ref, input.spec);
  return commitRevision(scope, app, input.expectedRevision, rendered, "update");
}

export async function rollbackApp(
  scope: AppScope,
  input: { name: string; revision: number; expectedRevision?: number | undefined },
): Promise<{ revision: number }> {
  const app = await requireApp(scope, input.name);
  const expected = input.expectedRevision ?? app.current_revision;
  requireRevision(app, expected);
  if (input.revision === app.current_revision) {
    throw new FieldError([
      {
        path: "revision",
        message: `the app is at revision ${input.revision} already; redeploy to re-apply it`,
      },
    ]);
  }
  const target = await findRevision(scope.services.db.kysely, app.id, input.revision);
  if (target === undefined) {
    throw new TRPCError({
      code: "NOT_FOUND",
      message: `App "${app.name}" has no revision ${input.revision} (it has 1 to ${app.current_revision}).`,
    });
  }
  const rendered: RenderedApp = {
    packRef: target.pack_ref,
    spec: target.spec as Record<string, unknown>,
    manifests: target.manifests as KubernetesObject[],
  };
  return commitRevision(scope, app, expected, rendered, `rollback to ${input.revision}`);
}

export interface PackUpgradePlan {
  from: string;
  to: string;
  changes: ReturnType<typeof diffManifests>;
  diff: string;
}

export async function upgradeAppPack(
  scope: AppScope,
  input: { name: string; to: string; preview: boolean; expectedRevision?: number | undefined },
): Promise<PackUpgradePlan & { revision: number | null }> {
  const { services } = scope;
  const app = await requireApp(scope, input.name);
  const expected = input.expectedRevision ?? app.current_revision;
  requireRevision(app, expected);
  const current = services.renderer.resolvePack(app.pack_ref);
  const target = services.renderer.resolvePack(input.to);
  if (target.name !== current.name) {
    throw new FieldError([
      {
        path: "to",
        message: `an app moves only to a newer version of its own pack (${current.name}), not to ${target.name}`,
      },
    ]);
  }
  if (!semver.gt(target.version, current.version)) {
    throw new FieldError([
      { path: "to", message: `${target.ref} is not newer than the app's ${current.ref}` },
    ]);
  }
  const revision = await findRevision(services.db.kysely, app.id, app.current_revision);
  const rendered = renderApp(services, scope.project, app.name, target.ref, revision?.spec);
  const changes = diffManifests((revision?.manifests ?? []) as KubernetesObject[], rendered.manifests);
  const plan = { from: current.ref, to: target.ref, changes, diff: formatDiff(changes) };
  if (input.preview) return { ...plan, revision: null };
  const committed = await commitRevision(scope, app, expected, rendered, `upgrade to ${target.ref}`);
  return { ...plan, revision: committed.revision };
}

/** Re-applies the current revision: repairs what was changed or deleted outside BabyHelm. */
export async function redeployApp(scope: AppScope, name: string): Promise<{ revision: number }> {
  const app = await requireApp(scope, name);
  const manifests = await currentManifests(scope, app);
  await scope.services.cluster.apply(manifests);
  await scope.services.db.kysely.transaction().execute(async (trx) => {
    await trx.updateTable("applications").set({ observed_state: null }).where("id", "=", app.id).execute();
    await recordAudit(trx, {
      actor: scope.user,
      action: "app.redeploy",
      project: scope.project,
      app: name,
      details: { revision: app.current_revision },
    });
  });
  return { revision: app.current_revision };
}

/** What `kubectl rollout restart` does: a new pod-template annotation, so the Deployment rolls its pods. */
export async function restartApp(scope: AppScope, name: string): Promise<{ restartedAt: string }> {
  const { services, user, project } = scope;
  const app = await requireApp(scope, name);
  const deployment = (await currentManifests(scope, app)).find((object) => object.kind === "Deployment");
  if (deployment === undefined) throw new Error(`app ${app.id} has no Deployment`);
  const restartedAt = services.now().toISOString();
  await services.cluster.patch(
    refOf(deployment),
    { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt } } } } },
    { fieldManager: RESTART_FIELD_MANAGER },
  );
  await services.db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable("applications")
      .set({ restarted_at: restartedAt })
      .where("id", "=", app.id)
      .execute();
    await recordAudit(trx, {
      actor: user,
      action: "app.restart",
      project,
      app: name,
      details: { restartedAt },
    });
  });
  return { restartedAt };
}

/**
 * Every object the app owns goes first (those of its current revision, then anything else labelled with it), then
 * its rows. If the cluster refuses, the rows stay, so the app can still be seen and deleted again.
 */
export async function deleteApp(scope: AppScope, name: string): Promise<{ deletedObjects: number }> {
  const { services, user, project } = scope;
  const app = await requireApp(scope, name);
  const manifests = await currentManifests(scope, app);
  await deleteObjects(services.cluster, manifests);
  const leftovers = await ownedObjects(scope, name);
  await deleteObjects(services.cluster, leftovers);
  await services.db.kysely.transaction().execute(async (trx) => {
    await trx.deleteFrom("applications").where("id", "=", app.id).execute();
    await recordAudit(trx, {
      actor: user,
      action: "app.delete",
      project,
      app: name,
      details: { revision: app.current_revision },
    });
  });
  return { deletedObjects: manifests.length + leftovers.length };
}

/** Renders a spec and shows what applying it would change in the cluster; writes nothing anywhere. */
export async function previewApp(
  scope: AppScope,
  input: { name?: string | undefined; pack?: string | undefined; spec: unknown },
) {
  const { services, project } = scope;
  const app =
    input.name === undefined ? undefined : await findApp(services.db.kysely, project.id, input.name);
  const name = input.name ?? stringField(input.spec, "name");
  if (name === undefined)
    throw new FieldError([{ path: "name", message: "name the app (or set spec.name)" }]);
  const rendered = renderApp(
    services,
    project,
    name,
    input.pack ?? app?.pack_ref ?? services.config.defaultPack,
    input.spec,
  );
  const applied = app === undefined ? [] : await currentManifests(scope, app);
  const running = await runningObjects(scope, [...applied, ...rendered.manifests], applied);
  const changes = diffManifests(running, rendered.manifests);
  let serverCheck: { ok: boolean; message?: string } = { ok: true };
  try {
    await services.cluster.apply(rendered.manifests, { dryRun: true });
  } catch (error) {
    serverCheck = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  return {
    pack: rendered.packRef,
    manifests: rendered.manifests,
    // The SDK's writer, so that what the dashboard shows and copies is what `babyhelm render` prints.
    yaml: toYaml(rendered.manifests),
    changes,
    diff: formatDiff(changes),
    serverCheck,
  };
}

/**
 * The live objects among `candidates`, cut down to what BabyHelm set (the applied manifests) or would set, so the
 * diff against a render shows exactly what an apply would change, drift included.
 */
async function runningObjects(
  scope: AppScope,
  candidates: readonly KubernetesObject[],
  applied: readonly KubernetesObject[],
): Promise<KubernetesObject[]> {
  const shapes = new Map<string, KubernetesObject>();
  for (const object of candidates) {
    const key = JSON.stringify(refOf(object));
    if (!shapes.has(key) || applied.includes(object)) shapes.set(key, object);
  }
  const live = await Promise.all(
    [...shapes.values()].map((shape) => scope.services.cluster.get(refOf(shape))),
  );
  const running: KubernetesObject[] = [];
  [...shapes.values()].forEach((shape, index) => {
    const object = live[index];
    if (object !== undefined) running.push(projectOnto(object, shape) as KubernetesObject);
  });
  return running;
}

async function ownedObjects(scope: AppScope, app: string): Promise<KubernetesObject[]> {
  const selector = ownerSelector({ project: scope.project.name, app });
  const lists = await Promise.all(
    APP_OWNED_KINDS.map(({ apiVersion, kind }) =>
      scope.services.cluster.list(apiVersion, kind, {
        namespace: scope.project.namespace,
        labelSelector: selector,
      }),
    ),
  );
  return lists.flat();
}

/** Objects with the app's names that exist without being this app's: applying would take them over. */
async function refuseForeignObjects(scope: AppScope, name: string, manifests: readonly KubernetesObject[]) {
  const live = await Promise.all(manifests.map((object) => scope.services.cluster.get(refOf(object))));
  const foreign = live.filter(
    (object): object is KubernetesObject =>
      object !== undefined && object.metadata.labels?.[APP_LABEL] !== name,
  );
  if (foreign.length > 0) {
    throw new TRPCError({
      code: "CONFLICT",
      message: `${foreign.map((object) => `${object.kind} "${object.metadata.name}"`).join(", ")} already exist${foreign.length === 1 ? "s" : ""} in namespace "${scope.project.namespace}" and BabyHelm did not create ${foreign.length === 1 ? "it" : "them"}: choose another app name, or remove ${foreign.length === 1 ? "it" : "them"} first.`,
    });
  }
}

/**
 * A new revision as one step: the rows (revision, pointer, audit event) commit only after the cluster took the
 * manifests; a refused apply puts the previous manifests back and rolls the rows back.
 */
async function commitRevision(
  scope: AppScope,
  app: Application,
  expected: number,
  next: RenderedApp,
  reason: string,
): Promise<{ revision: number }> {
  const { services, user, project, log } = scope;
  const { db, cluster } = services;
  const previous = await currentManifests(scope, app);
  await cluster.apply(next.manifests, { dryRun: true });
  const revision = expected + 1;
  let rolledOut = false;
  try {
    await db.kysely.transaction().execute(async (trx) => {
      if (!(await advanceRevision(trx, app.id, expected, next.packRef)))
        throw staleRevision(app.name, expected);
      await insertRevision(trx, app.id, revision, user.id, { ...next, reason });
      await recordAudit(trx, {
        actor: user,
        action: reason.startsWith("rollback")
          ? "app.rollback"
          : reason.startsWith("upgrade")
            ? "app.upgradePack"
            : "app.update",
        project,
        app: app.name,
        details: { revision, reason, pack: next.packRef },
      });
      await rollOut(cluster, next.manifests, previous, log);
      rolledOut = true;
    });
  } catch (error) {
    if (rolledOut)
      await rollOut(cluster, previous, next.manifests, log).catch((undo: unknown) => {
        logUndo(log, undo);
      });
    throw error;
  }
  return { revision };
}

function requireRevision(app: Application, expected: number): void {
  if (app.current_revision !== expected) throw staleRevision(app.name, expected, app.current_revision);
}

function staleRevision(name: string, expected: number, current?: number): TRPCError {
  return new TRPCError({
    code: "CONFLICT",
    message: `App "${name}" changed since revision ${expected}${current === undefined ? "" : ` (it is at revision ${current})`}: reload it and make your change again.`,
  });
}

function appNameTaken(name: string, project: string): TRPCError {
  return conflictOn(
    "name",
    `is taken by another app in "${project}": choose another name`,
    `Project "${project}" already has an app named "${name}": choose another name.`,
  );
}

function stringField(value: unknown, key: string): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === "string" ? field : undefined;
}

function logUndo(log: Logger, error: unknown): void {
  log.error(
    { err: error },
    "could not undo the cluster side of a failed change; the periodic check will find it",
  );
}
