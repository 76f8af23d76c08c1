import type { Kysely } from "kysely";
import semver from "semver";
import type { Application, Database, Project } from "@babyhelm/db";
import { diffManifests, formatDiff, toYaml, type KubernetesObject } from "@babyhelm/manifest-sdk";
import { findLastAppDeletion, recordAudit } from "../audit/audit.repository.js";
import type { AuthenticatedUser } from "../auth/session.repository.js";
import type { Cluster } from "../cluster/cluster.js";
import { refOf } from "../cluster/object-ref.js";
import { APP_LABEL, APP_OWNED_KINDS, ownerSelector } from "../cluster/owned-labels.js";
import type { Logger } from "../logger.js";
import type { Services } from "../services.js";
import { isUniqueViolation } from "../shared/db-errors.js";
import { ConflictError, conflictOn, DeletedError, FieldError, NotFoundError } from "../shared/errors.js";
import { projectOnto, renderApp, type RenderedApp } from "./app-manifests.js";
import { checkAppPolicy, checkNewAppPack, ingressHostsOf, specPathOf } from "./app-policy.js";
import {
  deleteObjects,
  RESTART_FIELD_MANAGER,
  RESTARTED_AT_ANNOTATION,
  rollOut,
  withRemovalsSpelledOut,
} from "./app-rollout.js";
import {
  advanceRevision,
  clearObservedState,
  deleteAppRow,
  findApp,
  findRevision,
  insertApp,
  insertRevision,
  recordRestart,
  type Revision,
} from "./app.repository.js";
import { claimIngressHosts, hostsHeldByOthers } from "./ingress-host.repository.js";

/** Values of an app's stored secrets by name, as editors send them. */
export type SecretValues = Record<string, string>;

/** Who acts on which project, and where their request logs: what every change besides its own input needs. */
export interface AppScope {
  user: AuthenticatedUser;
  project: Project;
  log: Logger;
}

export async function requireApp(
  { db }: Pick<Services, "db">,
  project: Pick<Project, "id" | "name">,
  name: string,
): Promise<Application> {
  const app = await findApp(db.kysely, project.id, name);
  if (app !== undefined) return app;
  throw await missingAppError({ db }, project, name);
}

/** Throws what a page showing `app` should learn when the app has been deleted (or replaced by a new one). */
export async function requireSameApp(
  { db }: Pick<Services, "db">,
  project: Pick<Project, "id" | "name">,
  app: Pick<Application, "id" | "name">,
): Promise<void> {
  const current = await findApp(db.kysely, project.id, app.name);
  if (current?.id !== app.id) throw await missingAppError({ db }, project, app.name);
}

/** NOT_FOUND for an app that is not there, saying who deleted it and when if a deletion of it is recorded. */
async function missingAppError(
  { db }: Pick<Services, "db">,
  project: Pick<Project, "id" | "name">,
  name: string,
): Promise<NotFoundError> {
  const deletion = await findLastAppDeletion(db.kysely, project.id, name);
  if (deletion === undefined)
    return new NotFoundError(`No app named "${name}" in project "${project.name}".`);
  const at = deletion.created_at.toISOString();
  const by = deletion.actor_email === null ? "" : ` by ${deletion.actor_email}`;
  return new DeletedError(`App "${name}" of project "${project.name}" was deleted${by} at ${at}.`, {
    by: deletion.actor_email,
    at,
  });
}

export async function currentRevision({ db }: Pick<Services, "db">, app: Application): Promise<Revision> {
  const revision = await findRevision(db.kysely, app.id, app.current_revision);
  if (revision === undefined) throw new Error(`app ${app.id} has no revision ${app.current_revision}`);
  return revision;
}

/** The named app and the revision it runs. */
export async function requireCurrent(
  services: Pick<Services, "db">,
  project: Pick<Project, "id" | "name">,
  name: string,
): Promise<{ app: Application; revision: Revision }> {
  const app = await requireApp(services, project, name);
  return { app, revision: await currentRevision(services, app) };
}

export async function createApp(
  services: Pick<Services, "db" | "cluster" | "renderer" | "config">,
  scope: AppScope,
  input: { name: string; pack?: string | undefined; spec: unknown; secretValues?: SecretValues | undefined },
): Promise<{ app: Application; rendered: RenderedApp }> {
  const { user, project, log } = scope;
  const { db, cluster } = services;
  const packRef = input.pack ?? services.config.defaultPack;
  checkNewAppPack(services.config, services.renderer.resolvePack(packRef).ref);
  const rendered = renderApp(services.renderer, project, input.name, packRef, input.spec);
  checkAppPolicy(services.config, rendered.spec, rendered.manifests);
  if ((await findApp(db.kysely, project.id, input.name)) !== undefined)
    throw appNameTaken(input.name, project.name);
  await refuseTakenHosts(db.kysely, rendered, undefined);
  await refuseForeignObjects(cluster, project, input.name, rendered.manifests);
  await cluster.apply(rendered.manifests, { dryRun: true });

  let rolledOut = false;
  try {
    const app = await db.kysely.transaction().execute(async (trx) => {
      const app = await insertApp(trx, {
        projectId: project.id,
        name: input.name,
        packRef: rendered.packRef,
        createdBy: user.id,
      });
      await insertRevision(trx, app.id, 1, user.id, { ...rendered, reason: "create" });
      await holdIngressHosts(trx, app.id, rendered);
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
  services: Pick<Services, "db" | "cluster" | "renderer" | "config">,
  scope: AppScope,
  input: { name: string; spec: unknown; expectedRevision: number; secretValues?: SecretValues | undefined },
): Promise<{ revision: number }> {
  const app = await requireApp(services, scope.project, input.name);
  requireRevision(app, input.expectedRevision);
  const rendered = renderApp(services.renderer, scope.project, app.name, app.pack_ref, input.spec);
  return commitRevision(services, scope, app, input.expectedRevision, rendered, "update");
}

export async function rollbackApp(
  services: Pick<Services, "db" | "cluster" | "config">,
  scope: AppScope,
  input: { name: string; revision: number; expectedRevision?: number | undefined },
): Promise<{ revision: number }> {
  const app = await requireApp(services, scope.project, input.name);
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
  const target = await findRevision(services.db.kysely, app.id, input.revision);
  if (target === undefined) {
    throw new NotFoundError(
      `App "${app.name}" has no revision ${input.revision} (it has 1 to ${app.current_revision}).`,
    );
  }
  const rendered: RenderedApp = {
    packRef: target.pack_ref,
    spec: target.spec as Record<string, unknown>,
    manifests: target.manifests,
  };
  return commitRevision(services, scope, app, expected, rendered, `rollback to ${input.revision}`);
}

export interface PackUpgradePlan {
  from: string;
  to: string;
  changes: ReturnType<typeof diffManifests>;
  diff: string;
}

export async function upgradeAppPack(
  services: Pick<Services, "db" | "cluster" | "renderer" | "config">,
  scope: AppScope,
  input: { name: string; to: string; preview: boolean; expectedRevision?: number | undefined },
): Promise<PackUpgradePlan & { revision: number | null }> {
  const { renderer } = services;
  const { app, revision } = await requireCurrent(services, scope.project, input.name);
  const expected = input.expectedRevision ?? app.current_revision;
  requireRevision(app, expected);
  const current = renderer.resolvePack(app.pack_ref);
  const target = renderer.resolvePack(input.to);
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
  const rendered = renderApp(renderer, scope.project, app.name, target.ref, revision.spec);
  const changes = diffManifests(revision.manifests, rendered.manifests);
  const plan = { from: current.ref, to: target.ref, changes, diff: formatDiff(changes) };
  if (input.preview) return { ...plan, revision: null };
  const committed = await commitRevision(
    services,
    scope,
    app,
    expected,
    rendered,
    `upgrade to ${target.ref}`,
  );
  return { ...plan, revision: committed.revision };
}

/** Re-applies the current revision: repairs what was changed or deleted outside BabyHelm. */
export async function redeployApp(
  services: Pick<Services, "db" | "cluster">,
  scope: AppScope,
  name: string,
): Promise<{ revision: number }> {
  const { app, revision } = await requireCurrent(services, scope.project, name);
  await services.cluster.apply(revision.manifests);
  await services.db.kysely.transaction().execute(async (trx) => {
    await clearObservedState(trx, app.id);
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
export async function restartApp(
  services: Pick<Services, "db" | "cluster" | "now">,
  scope: AppScope,
  name: string,
): Promise<{ restartedAt: string }> {
  const { user, project } = scope;
  const { app, revision } = await requireCurrent(services, project, name);
  const deployment = revision.manifests.find((object) => object.kind === "Deployment");
  if (deployment === undefined) throw new Error(`app ${app.id} has no Deployment`);
  const restartedAt = services.now().toISOString();
  await services.cluster.patch(
    refOf(deployment),
    { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt } } } } },
    { fieldManager: RESTART_FIELD_MANAGER },
  );
  await services.db.kysely.transaction().execute(async (trx) => {
    await recordRestart(trx, app.id, restartedAt);
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
export async function deleteApp(
  services: Pick<Services, "db" | "cluster">,
  scope: AppScope,
  name: string,
  options: { keepVolumes?: boolean } = {},
): Promise<{ deletedObjects: number; keptVolumes: string[] }> {
  const { user, project } = scope;
  const { app, revision } = await requireCurrent(services, project, name);
  await deleteObjects(services.cluster, revision.manifests);
  const leftovers = await ownedObjects(services.cluster, project, name);
  await deleteObjects(services.cluster, leftovers);
  await services.db.kysely.transaction().execute(async (trx) => {
    await deleteAppRow(trx, app.id);
    await recordAudit(trx, {
      actor: user,
      action: "app.delete",
      project,
      app: name,
      details: { revision: app.current_revision },
    });
  });
  void options;
  return { deletedObjects: revision.manifests.length + leftovers.length, keptVolumes: [] };
}

/** Renders a spec and shows what applying it would change in the cluster; writes nothing anywhere. */
export async function previewApp(
  services: Pick<Services, "db" | "cluster" | "renderer" | "config">,
  project: Project,
  input: {
    name?: string | undefined;
    pack?: string | undefined;
    spec: unknown;
    intent?: "create" | "update" | undefined;
    secretValues?: SecretValues | undefined;
  },
) {
  const { cluster } = services;
  const name = input.name ?? stringField(input.spec, "name");
  if (name === undefined)
    throw new FieldError([{ path: "name", message: "name the app (or set spec.name)" }]);
  const existing = await findApp(services.db.kysely, project.id, name);
  // A new app's preview never renders over an existing one: the dry run would merge into that app's live objects
  // and report their leftovers (a probe's missing port) as if the form had asked for them.
  if (input.intent === "create" && existing !== undefined) {
    throw new FieldError([
      { path: "name", message: `An app named ${name} already exists in this project: choose another name` },
    ]);
  }
  if (input.intent === "update" && existing === undefined)
    throw new NotFoundError(`No app named "${name}" in project "${project.name}".`);
  const app = input.name === undefined ? undefined : existing;
  const packRef = input.pack ?? app?.pack_ref ?? services.config.defaultPack;
  if (app === undefined) checkNewAppPack(services.config, services.renderer.resolvePack(packRef).ref);
  const rendered = renderApp(services.renderer, project, name, packRef, input.spec);
  checkAppPolicy(services.config, rendered.spec, rendered.manifests);
  await refuseTakenHosts(services.db.kysely, rendered, app?.id);
  if (input.intent === "create") await refuseForeignObjects(cluster, project, name, rendered.manifests);
  const applied = app === undefined ? [] : (await currentRevision(services, app)).manifests;
  const running = await runningObjects(cluster, [...applied, ...rendered.manifests], applied);
  const changes = diffManifests(running, rendered.manifests);
  let serverCheck: { ok: boolean; message?: string } = { ok: true };
  try {
    await cluster.apply(withRemovalsSpelledOut(rendered.manifests, applied), { dryRun: true });
  } catch (error) {
    serverCheck = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  return {
    pack: rendered.packRef,
    manifests: rendered.manifests,
    /** What the app's current revision applied (none for a new app): an edit's budget counts only the difference. */
    currentManifests: applied,
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
  cluster: Cluster,
  candidates: readonly KubernetesObject[],
  applied: readonly KubernetesObject[],
): Promise<KubernetesObject[]> {
  const shapes = new Map<string, KubernetesObject>();
  for (const object of candidates) {
    const key = JSON.stringify(refOf(object));
    if (!shapes.has(key) || applied.includes(object)) shapes.set(key, object);
  }
  const live = await Promise.all([...shapes.values()].map((shape) => cluster.get(refOf(shape))));
  const running: KubernetesObject[] = [];
  [...shapes.values()].forEach((shape, index) => {
    const object = live[index];
    if (object !== undefined) running.push(projectOnto(object, shape) as KubernetesObject);
  });
  return running;
}

async function ownedObjects(
  cluster: Cluster,
  project: Pick<Project, "name" | "namespace">,
  app: string,
): Promise<KubernetesObject[]> {
  const selector = ownerSelector({ project: project.name, app });
  const lists = await Promise.all(
    APP_OWNED_KINDS.map(({ apiVersion, kind }) =>
      cluster.list(apiVersion, kind, { namespace: project.namespace, labelSelector: selector }),
    ),
  );
  return lists.flat();
}

/** Objects with the app's names that exist without being this app's: applying would take them over. */
async function refuseForeignObjects(
  cluster: Cluster,
  project: Pick<Project, "namespace">,
  name: string,
  manifests: readonly KubernetesObject[],
) {
  const live = await Promise.all(manifests.map((object) => cluster.get(refOf(object))));
  const foreign = live.filter(
    (object): object is KubernetesObject =>
      object !== undefined && object.metadata.labels?.[APP_LABEL] !== name,
  );
  if (foreign.length > 0) {
    const them = foreign.length === 1 ? "it" : "them";
    throw new ConflictError(
      `${foreign.map((object) => `${object.kind} "${object.metadata.name}"`).join(", ")} already exist${foreign.length === 1 ? "s" : ""} in namespace "${project.namespace}" and BabyHelm did not create ${them}: choose another app name, or remove ${them} first.`,
    );
  }
}

/**
 * A new revision as one step: the rows (revision, pointer, audit event) commit only after the cluster took the
 * manifests; a refused apply puts the previous manifests back and rolls the rows back.
 */
async function commitRevision(
  services: Pick<Services, "db" | "cluster" | "config">,
  scope: AppScope,
  app: Application,
  expected: number,
  next: RenderedApp,
  reason: string,
): Promise<{ revision: number }> {
  const { user, project, log } = scope;
  const { db, cluster } = services;
  checkAppPolicy(services.config, next.spec, next.manifests);
  const previous = (await currentRevision(services, app)).manifests;
  await refuseTakenHosts(db.kysely, next, app.id);
  // Objects the new revision adds must not be someone else's, as on create.
  const known = new Set(previous.map((object) => JSON.stringify(refOf(object))));
  await refuseForeignObjects(
    cluster,
    project,
    app.name,
    next.manifests.filter((object) => !known.has(JSON.stringify(refOf(object)))),
  );
  await cluster.apply(withRemovalsSpelledOut(next.manifests, previous), { dryRun: true });
  const revision = expected + 1;
  let rolledOut = false;
  try {
    await db.kysely.transaction().execute(async (trx) => {
      if (!(await advanceRevision(trx, app.id, expected, next.packRef)))
        throw staleRevision(app.name, expected);
      await insertRevision(trx, app.id, revision, user.id, { ...next, reason });
      await holdIngressHosts(trx, app.id, next);
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

/** Early, friendly refusal of hosts other apps serve; holdIngressHosts settles races inside the transaction. */
async function refuseTakenHosts(
  db: Kysely<Database>,
  rendered: RenderedApp,
  appId: string | undefined,
): Promise<void> {
  const taken = await hostsHeldByOthers(db, ingressHostsOf(rendered.manifests), appId);
  if (taken.length > 0) throw hostsTaken(rendered, taken);
}

async function holdIngressHosts(db: Kysely<Database>, appId: string, rendered: RenderedApp): Promise<void> {
  const taken = await claimIngressHosts(db, appId, ingressHostsOf(rendered.manifests));
  if (taken.length > 0) throw hostsTaken(rendered, taken);
}

function hostsTaken(rendered: RenderedApp, hosts: string[]): ConflictError {
  const [first] = hosts as [string];
  return conflictOn(
    specPathOf(rendered.spec, (node) => node === first) ?? "spec",
    "is served by another app on this platform: choose another host",
    `${hosts.join(", ")} ${hosts.length === 1 ? "is" : "are"} already served by another app on this platform: choose another host.`,
  );
}

function requireRevision(app: Application, expected: number): void {
  if (app.current_revision !== expected) throw staleRevision(app.name, expected, app.current_revision);
}

function staleRevision(name: string, expected: number, current?: number): ConflictError {
  return new ConflictError(
    `App "${name}" changed since revision ${expected}${current === undefined ? "" : ` (it is at revision ${current})`}: reload it and make your change again.`,
  );
}

function appNameTaken(name: string, project: string): ConflictError {
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
