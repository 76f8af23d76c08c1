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
import { insertSecretVersion } from "./app-secret.repository.js";
import {
  applyAppSecret,
  describeSecretChanges,
  planSecrets,
  secretChangesBetween,
  secretObject,
  valuesOfVersion,
  type SecretChange,
  type SecretPlan,
  type SecretValues,
} from "./app-secrets.service.js";
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
import { withCertIssuer } from "./cert-issuer.js";
import { claimIngressHosts, hostsHeldByOthers } from "./ingress-host.repository.js";
import { isKeptFrom, isVolumeClaim, keepClaims } from "./kept-volumes.js";

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
  services: Pick<Services, "db" | "cluster" | "renderer" | "config" | "secrets" | "now">,
  scope: AppScope,
  input: { name: string; pack?: string | undefined; spec: unknown; secretValues?: SecretValues | undefined },
): Promise<{ app: Application; rendered: RenderedApp }> {
  const { user, project, log } = scope;
  const { db, cluster } = services;
  const packRef = input.pack ?? services.config.defaultPack;
  checkNewAppPack(services.config, services.renderer.resolvePack(packRef).ref);
  const { rendered, secrets } = await renderWithSecrets(
    services,
    scope,
    input.name,
    undefined,
    packRef,
    input,
  );
  checkAppPolicy(services.config, rendered.spec, rendered.manifests);
  if ((await findApp(db.kysely, project.id, input.name)) !== undefined)
    throw appNameTaken(input.name, project.name);
  await refuseTakenHosts(db.kysely, rendered, undefined);
  await refuseForeignObjects(cluster, project, input.name, [
    ...rendered.manifests,
    ...secretObjects(project, input.name, secrets),
  ]);
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
      if (secrets.newVersion !== undefined)
        await insertSecretVersion(trx, { appId: app.id, ...secrets.newVersion });
      await insertRevision(trx, app.id, 1, user.id, {
        ...rendered,
        reason: "create",
        secretsVersion: secrets.version,
      });
      await holdIngressHosts(trx, app.id, rendered);
      await recordAudit(trx, {
        actor: user,
        action: "app.create",
        project,
        app: input.name,
        details: { revision: 1, pack: rendered.packRef, ...secretsAudit(secrets.changes) },
      });
      rolledOut = true;
      if (secrets.values !== undefined)
        await applyAppSecret(cluster, project, input.name, secrets.values, secretsLabel(rendered));
      await rollOut(cluster, rendered.manifests, undefined, log);
      return app;
    });
    return { app, rendered };
  } catch (error) {
    if (rolledOut)
      await deleteObjects(cluster, [
        ...rendered.manifests,
        ...secretObjects(project, input.name, secrets),
      ]).catch((undo: unknown) => {
        logUndo(log, undo);
      });
    if (isUniqueViolation(error)) throw appNameTaken(input.name, project.name);
    throw error;
  }
}

export async function updateApp(
  services: Pick<Services, "db" | "cluster" | "renderer" | "config" | "secrets" | "now">,
  scope: AppScope,
  input: { name: string; spec: unknown; expectedRevision: number; secretValues?: SecretValues | undefined },
): Promise<{ revision: number }> {
  const { app, revision } = await requireCurrent(services, scope.project, input.name);
  requireRevision(app, input.expectedRevision);
  const { rendered, secrets } = await renderWithSecrets(services, scope, app.name, app, app.pack_ref, {
    ...input,
    currentVersion: revision.secrets_version,
  });
  return commitRevision(services, scope, app, input.expectedRevision, rendered, "update", secrets);
}

export async function rollbackApp(
  services: Pick<Services, "db" | "cluster" | "config" | "secrets">,
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
  const current = await currentRevision(services, app);
  return commitRevision(services, scope, app, expected, rendered, `rollback to ${input.revision}`, {
    version: target.secrets_version,
    changes: await secretChangesBetween(services, app.id, current.secrets_version, target.secrets_version),
  });
}

export interface PackUpgradePlan {
  from: string;
  to: string;
  changes: ReturnType<typeof diffManifests>;
  diff: string;
}

export async function upgradeAppPack(
  services: Pick<Services, "db" | "cluster" | "renderer" | "config" | "secrets">,
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
    { version: revision.secrets_version, changes: [] },
  );
  return { ...plan, revision: committed.revision };
}

/** Re-applies the current revision: repairs what was changed or deleted outside BabyHelm. */
export async function redeployApp(
  services: Pick<Services, "db" | "cluster" | "secrets">,
  scope: AppScope,
  name: string,
): Promise<{ revision: number }> {
  const { app, revision } = await requireCurrent(services, scope.project, name);
  const values = await valuesOfVersion(services, app.id, revision.secrets_version);
  if (values !== undefined)
    await applyAppSecret(services.cluster, scope.project, name, values, secretsLabel(revision));
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
 * its rows. If the cluster refuses, the rows stay, so the app can still be seen and deleted again. With
 * `keepVolumes`, its PersistentVolumeClaims are handed to the project first (see kept-volumes.ts) and stay.
 */
export async function deleteApp(
  services: Pick<Services, "db" | "cluster">,
  scope: AppScope,
  name: string,
  options: { keepVolumes?: boolean } = {},
): Promise<{ deletedObjects: number; keptVolumes: string[] }> {
  const { user, project } = scope;
  const { app, revision } = await requireCurrent(services, project, name);
  const keep = options.keepVolumes === true;
  const keptVolumes = keep
    ? await keepClaims(
        services.cluster,
        (await ownedObjects(services.cluster, project, name)).filter(isVolumeClaim),
        name,
      )
    : [];
  const applied = keep ? revision.manifests.filter((object) => !isVolumeClaim(object)) : revision.manifests;
  await deleteObjects(services.cluster, applied);
  const leftovers = await ownedObjects(services.cluster, project, name);
  await deleteObjects(services.cluster, leftovers);
  await services.db.kysely.transaction().execute(async (trx) => {
    await deleteAppRow(trx, app.id);
    await recordAudit(trx, {
      actor: user,
      action: "app.delete",
      project,
      app: name,
      details: { revision: app.current_revision, ...(keep ? { keptVolumes } : {}) },
    });
  });
  return { deletedObjects: applied.length + leftovers.length, keptVolumes };
}

/** Renders a spec and shows what applying it would change in the cluster; writes nothing anywhere. */
export async function previewApp(
  services: Pick<Services, "db" | "cluster" | "renderer" | "config" | "secrets" | "now">,
  scope: Pick<AppScope, "project" | "user">,
  input: {
    name?: string | undefined;
    pack?: string | undefined;
    spec: unknown;
    intent?: "create" | "update" | undefined;
    secretValues?: SecretValues | undefined;
  },
) {
  const { cluster } = services;
  const { project } = scope;
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
  const current = app === undefined ? undefined : await currentRevision(services, app);
  const { rendered, secrets } = await renderWithSecrets(
    services,
    scope,
    name,
    app,
    packRef,
    { ...input, currentVersion: current?.secrets_version ?? null },
    true,
  );
  checkAppPolicy(services.config, rendered.spec, rendered.manifests);
  await refuseTakenHosts(services.db.kysely, rendered, app?.id);
  if (input.intent === "create") await refuseForeignObjects(cluster, project, name, rendered.manifests);
  const applied = current?.manifests ?? [];
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
    /** Which stored secrets the change adds, changes or removes: names only, a value is never shown. */
    secretChanges: secrets.changes,
    diff:
      formatDiff(changes) +
      describeSecretChanges(secrets.changes)
        .map((line) => `~ ${line}\n`)
        .join(""),
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

/**
 * Objects with the app's names that exist without being this app's: applying would take them over. A volume kept
 * from an app of the same name is the exception: the new app adopts it, data and all.
 */
async function refuseForeignObjects(
  cluster: Cluster,
  project: Pick<Project, "name" | "namespace">,
  name: string,
  manifests: readonly KubernetesObject[],
) {
  const live = await Promise.all(manifests.map((object) => cluster.get(refOf(object))));
  const foreign = live.filter(
    (object): object is KubernetesObject =>
      object !== undefined &&
      object.metadata.labels?.[APP_LABEL] !== name &&
      !isKeptFrom(object, project, name),
  );
  if (foreign.length > 0) {
    const them = foreign.length === 1 ? "it" : "them";
    throw new ConflictError(
      `${foreign.map((object) => `${object.kind} "${object.metadata.name}"`).join(", ")} already exist${foreign.length === 1 ? "s" : ""} in namespace "${project.namespace}" and BabyHelm did not create ${them}: choose another app name, or remove ${them} first.`,
    );
  }
}

/** The secrets a new revision uses: its version, and its values when already opened (a render's plan). */
type RevisionSecrets = Pick<SecretPlan, "version" | "changes"> &
  Partial<Pick<SecretPlan, "newVersion" | "values">>;

/**
 * A new revision as one step: the rows (revision, secret version, pointer, audit event) commit only after the
 * cluster took the app's Secret and manifests; a refused apply puts the previous ones back and rolls the rows back.
 */
async function commitRevision(
  services: Pick<Services, "db" | "cluster" | "config" | "secrets">,
  scope: AppScope,
  app: Application,
  expected: number,
  next: RenderedApp,
  reason: string,
  secrets: RevisionSecrets,
): Promise<{ revision: number }> {
  const { user, project, log } = scope;
  const { db, cluster } = services;
  checkAppPolicy(services.config, next.spec, next.manifests);
  const current = await currentRevision(services, app);
  const previous = current.manifests;
  await refuseTakenHosts(db.kysely, next, app.id);
  // Objects the new revision adds must not be someone else's, as on create.
  const known = new Set(previous.map((object) => JSON.stringify(refOf(object))));
  const secretsMove = secrets.version !== current.secrets_version;
  const values = secretsMove
    ? (secrets.values ?? (await valuesOfVersion(services, app.id, secrets.version)))
    : undefined;
  await refuseForeignObjects(cluster, project, app.name, [
    ...next.manifests.filter((object) => !known.has(JSON.stringify(refOf(object)))),
    ...(current.secrets_version === null && values !== undefined
      ? [secretObject(project, app.name, {}, undefined)]
      : []),
  ]);
  await cluster.apply(withRemovalsSpelledOut(next.manifests, previous), { dryRun: true });
  const revision = expected + 1;
  let secretApplied = false;
  let rolledOut = false;
  try {
    await db.kysely.transaction().execute(async (trx) => {
      if (!(await advanceRevision(trx, app.id, expected, next.packRef)))
        throw staleRevision(app.name, expected);
      if (secrets.newVersion !== undefined)
        await insertSecretVersion(trx, { appId: app.id, ...secrets.newVersion });
      await insertRevision(trx, app.id, revision, user.id, {
        ...next,
        reason,
        secretsVersion: secrets.version,
      });
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
        details: { revision, reason, pack: next.packRef, ...secretsAudit(secrets.changes) },
      });
      // The Secret first: the pods the new Deployment starts read it.
      if (secretsMove) {
        secretApplied = true;
        await applyAppSecret(cluster, project, app.name, values, secretsLabel(next));
      }
      await rollOut(cluster, next.manifests, previous, log);
      rolledOut = true;
    });
  } catch (error) {
    if (rolledOut)
      await rollOut(cluster, previous, next.manifests, log).catch((undo: unknown) => {
        logUndo(log, undo);
      });
    if (secretApplied)
      await valuesOfVersion(services, app.id, current.secrets_version)
        .then((before) => applyAppSecret(cluster, project, app.name, before, secretsLabel(current)))
        .catch((undo: unknown) => {
          logUndo(log, undo);
        });
    throw error;
  }
  return { revision };
}

/**
 * Renders the spec (with the platform's ClusterIssuer filled in) once to check it, works out its secrets (which may refuse `secretValues`), and renders it again
 * with the server's `secretsVersion`, which the pack puts on the pod template.
 */
async function renderWithSecrets(
  services: Pick<Services, "db" | "renderer" | "secrets" | "now" | "config">,
  scope: Pick<AppScope, "project" | "user">,
  name: string,
  app: Application | undefined,
  packRef: string,
  input: { spec: unknown; secretValues?: SecretValues | undefined; currentVersion?: number | null },
  preview = false,
): Promise<{ rendered: RenderedApp; secrets: SecretPlan }> {
  const spec = withCertIssuer(input.spec, services.config);
  const checked = renderApp(services.renderer, scope.project, name, packRef, spec);
  const secrets = await planSecrets(services, {
    app,
    currentVersion: input.currentVersion ?? null,
    packRef: checked.packRef,
    spec: checked.spec,
    secretValues: input.secretValues,
    userId: scope.user.id,
    preview,
  });
  return {
    rendered: renderApp(services.renderer, scope.project, name, checked.packRef, secrets.spec),
    secrets,
  };
}

/** The Secret a plan applies, for the checks and undos that need its name (never its values). */
function secretObjects(
  project: Pick<Project, "name" | "namespace">,
  app: string,
  secrets: Pick<SecretPlan, "values">,
): KubernetesObject[] {
  return secrets.values === undefined ? [] : [secretObject(project, app, {}, undefined)];
}

function secretsLabel(revision: { spec: unknown }): string | undefined {
  const label = (revision.spec as { secretsVersion?: unknown } | null)?.secretsVersion;
  return typeof label === "string" ? label : undefined;
}

/** "secrets changed: DB_PASSWORD" in an audit event's details: names only. */
function secretsAudit(changes: readonly SecretChange[]): { secrets?: string } {
  return changes.length === 0
    ? {}
    : { secrets: `secrets changed: ${changes.map((change) => change.name).join(", ")}` };
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
