// An app's secret env vars: values set by editors and creators, sealed in the database, applied as the Kubernetes
// Secret "<app>-secrets" the app owns, and never read back through the API by anyone. Revisions record which version
// of the values they applied (app_revisions.secrets_version); their spec holds only the server-made `secretsVersion`
// label, which the pack puts on the pod template so that a change of value rolls the pods.
import semver from "semver";
import type { Application, AppSecretEntry, Project, ProjectRole } from "@babyhelm/db";
import type { KubernetesObject, Pack, Renderer } from "@babyhelm/manifest-sdk";
import { findUserEmails } from "../auth/user.repository.js";
import { ClusterError } from "../cluster/cluster-errors.js";
import type { Cluster } from "../cluster/cluster.js";
import { refOf } from "../cluster/object-ref.js";
import { withOwnerLabels } from "../cluster/owned-labels.js";
import type { Services } from "../services.js";
import { FieldError, type FieldIssue } from "../shared/errors.js";
import { findSecretEntries, findSecretVersion, latestSecretVersion } from "./app-secret.repository.js";
import { requireCurrent } from "./app.service.js";

/** Values of an app's stored secrets by name, as editors send them. */
export type SecretValues = Record<string, string>;

/** Put on the Secret too, so that whoever reads the cluster can tell which version it holds. */
export const SECRETS_VERSION_ANNOTATION = "babyhelm.io/secrets-version";

/** What anyone may learn of one secret of an app: never its value. */
export interface AppSecretInfo {
  name: string;
  /** stored: its value is kept sealed by BabyHelm; reference: read from an existing Secret of the namespace. */
  source: "stored" | "reference";
  reference: { secret: string; key: string } | null;
  setBy: { email: string } | null;
  setAt: string | null;
  /** The first 8 hex chars of an HMAC of the value: tells equal values from different ones, reveals neither. */
  fingerprint: string | null;
}

export interface SecretChange {
  name: string;
  change: "added" | "changed" | "removed";
}

/** The secrets a revision applies: which version, its values (to apply, never to store in clear) and what changed. */
export interface SecretPlan {
  /** The spec to render, with `secretsVersion` set by the server (or left out when the app stores no secret). */
  spec: unknown;
  /** The version the revision uses; null when it stores no secret (the Secret is then removed). */
  version: number | null;
  /** A version to record with the revision, when the values changed. */
  newVersion: { version: number; sealedValues: string; entries: AppSecretEntry[] } | undefined;
  values: SecretValues | undefined;
  changes: SecretChange[];
}

export const secretObjectName = (app: string) => `${app}-secrets`;

/** Whether a pack's apps may have stored secrets: its spec has `secrets` (default@2.1.0 and later). */
function packHasSecrets(pack: Pack): boolean {
  const properties = (pack.jsonSchema("application") as { properties?: Record<string, unknown> }).properties;
  return properties !== undefined && Object.hasOwn(properties, "secrets");
}

/**
 * Checks `secretValues` against the spec and the values the app's current revision uses, and works out the version
 * the new revision uses. With `preview`, values are neither opened nor compared: what is given counts as changed, so
 * that a preview (which viewers may run) can never tell whether a guessed value is the stored one.
 */
export async function planSecrets(
  services: Pick<Services, "db" | "secrets" | "renderer" | "now">,
  input: {
    app: Pick<Application, "id"> | undefined;
    currentVersion: number | null;
    packRef: string;
    spec: unknown;
    secretValues: SecretValues | undefined;
    userId: string;
    preview?: boolean;
  },
): Promise<SecretPlan> {
  const given = input.secretValues ?? {};
  const givenNames = Object.keys(given);
  const pack = services.renderer.resolvePack(input.packRef);
  if (!packHasSecrets(pack)) {
    if (givenNames.length > 0) {
      const newer = newestPackWithSecrets(services.renderer, pack);
      throw new FieldError([
        {
          path: "secretValues",
          message: `this pack has no secrets: upgrade to ${newer ?? "a pack version with secrets"}`,
        },
      ]);
    }
    return { spec: input.spec, version: null, newVersion: undefined, values: undefined, changes: [] };
  }

  const stored = storedSecretNames(input.spec);
  const current =
    input.app === undefined || input.currentVersion === null
      ? undefined
      : await findSecretVersion(services.db.kysely, input.app.id, input.currentVersion);
  const currentNames = new Set(current?.entries.map((entry) => entry.name) ?? []);
  const issues: FieldIssue[] = [];
  for (const name of givenNames) {
    if (!stored.includes(name)) {
      issues.push({
        path: `secretValues.${name}`,
        message: `${name} is not a stored secret of this app: add it to spec.secrets (without secretRef) or leave its value out`,
      });
    }
  }
  for (const name of stored) {
    if (!Object.hasOwn(given, name) && !currentNames.has(name))
      issues.push({ path: `secretValues.${name}`, message: `give ${name} a value` });
  }
  if (issues.length > 0) throw new FieldError(issues, "Secret values");

  const currentValues: SecretValues =
    current === undefined || input.preview === true
      ? {}
      : (JSON.parse(services.secrets.open(current.sealed_values)) as SecretValues);
  const changes: SecretChange[] = [
    ...stored.flatMap((name): SecretChange[] => {
      if (!currentNames.has(name)) return [{ name, change: "added" }];
      if (!Object.hasOwn(given, name)) return [];
      if (input.preview !== true && currentValues[name] === given[name]) return [];
      return [{ name, change: "changed" }];
    }),
    ...[...currentNames]
      .filter((name) => !stored.includes(name))
      .map((name): SecretChange => ({ name, change: "removed" })),
  ];
  const specWith = (label: string | undefined) => {
    const { secretsVersion: _ignored, ...rest } = input.spec as Record<string, unknown>;
    return label === undefined ? rest : { ...rest, secretsVersion: label };
  };
  if (stored.length === 0) {
    return { spec: specWith(undefined), version: null, newVersion: undefined, values: undefined, changes };
  }
  if (changes.length === 0 && current !== undefined) {
    return {
      spec: specWith(versionLabel(services, current.version, current.entries)),
      version: current.version,
      newVersion: undefined,
      values: input.preview === true ? undefined : currentValues,
      changes,
    };
  }
  const version =
    (input.app === undefined ? 0 : await latestSecretVersion(services.db.kysely, input.app.id)) + 1;
  if (input.preview === true) {
    return {
      spec: specWith(`v${version}-preview`),
      version,
      newVersion: undefined,
      values: undefined,
      changes,
    };
  }
  const values = Object.fromEntries(stored.map((name) => [name, given[name] ?? currentValues[name] ?? ""]));
  const changed = new Set(changes.map((change) => change.name));
  const setAt = services.now().toISOString();
  const entries = stored.map(
    (name): AppSecretEntry =>
      (!changed.has(name) && current?.entries.find((entry) => entry.name === name)) || {
        name,
        setBy: input.userId,
        setAt,
        fingerprint: services.secrets.fingerprint(values[name] ?? ""),
      },
  );
  return {
    spec: specWith(versionLabel(services, version, entries)),
    version,
    newVersion: { version, sealedValues: services.secrets.seal(JSON.stringify(values)), entries },
    values,
    changes,
  };
}

/** The values of a version, opened, to apply again (a rollback, a redeploy, the undo of a refused change). */
export async function valuesOfVersion(
  services: Pick<Services, "db" | "secrets">,
  appId: string,
  version: number | null,
): Promise<SecretValues | undefined> {
  if (version === null) return undefined;
  const found = await findSecretVersion(services.db.kysely, appId, version);
  if (found === undefined) throw new Error(`app ${appId} has no secret version ${version}`);
  return JSON.parse(services.secrets.open(found.sealed_values)) as SecretValues;
}

/**
 * Applies the app's Secret with `values`, or removes it when the revision stores none. A refusal never carries a
 * value: the cluster's message is cut down to what was refused, since API servers may quote what they were sent.
 */
export async function applyAppSecret(
  cluster: Cluster,
  project: Pick<Project, "name" | "namespace">,
  app: string,
  values: SecretValues | undefined,
  label: string | undefined,
): Promise<void> {
  const object = secretObject(project, app, values ?? {}, label);
  if (values === undefined) {
    await cluster.delete(refOf(object));
    return;
  }
  try {
    await cluster.apply([object]);
  } catch (error) {
    throw withoutValues(error, Object.values(values));
  }
}

/** The Secret "<app>-secrets" as BabyHelm applies it: owned by the app, so deleting the app deletes it. */
export function secretObject(
  project: Pick<Project, "name" | "namespace">,
  app: string,
  values: SecretValues,
  label: string | undefined,
): KubernetesObject {
  const [object] = withOwnerLabels(
    [
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
          name: secretObjectName(app),
          ...(label === undefined ? {} : { annotations: { [SECRETS_VERSION_ANNOTATION]: label } }),
        },
        type: "Opaque",
        data: Object.fromEntries(
          Object.entries(values).map(([name, value]) => [
            name,
            Buffer.from(value, "utf8").toString("base64"),
          ]),
        ),
      },
    ],
    { namespace: project.namespace, project: project.name, app },
  );
  return object!;
}

/** apps.secrets: names and sources for everyone; who set each value, when, and its fingerprint for editors and up. */
export async function listAppSecrets(
  services: Pick<Services, "db">,
  scope: { project: Project; role: ProjectRole },
  name: string,
): Promise<AppSecretInfo[]> {
  const { app, revision } = await requireCurrent(services, scope.project, name);
  const declared = declaredSecrets(revision.spec);
  const mayKnowMore = scope.role !== "viewer";
  const version =
    mayKnowMore && revision.secrets_version !== null
      ? await findSecretVersion(services.db.kysely, app.id, revision.secrets_version)
      : undefined;
  const entries = new Map(version?.entries.map((entry) => [entry.name, entry]));
  const emails = await findUserEmails(
    services.db.kysely,
    [...entries.values()].flatMap((entry) => (entry.setBy === null ? [] : [entry.setBy])),
  );
  return declared.map((secret): AppSecretInfo => {
    const entry = entries.get(secret.name);
    const email = entry?.setBy == null ? undefined : emails.get(entry.setBy);
    return {
      name: secret.name,
      source: secret.reference === undefined ? "stored" : "reference",
      reference: mayKnowMore ? (secret.reference ?? null) : null,
      setBy: email === undefined ? null : { email },
      setAt: entry?.setAt ?? null,
      fingerprint: entry?.fingerprint ?? null,
    };
  });
}

/** "secret DB_PASSWORD changed": what diffs say of a change, never a value. */
export function describeSecretChanges(changes: readonly SecretChange[]): string[] {
  return changes.map((change) => `secret ${change.name} ${change.change}`);
}

/** Which names differ between two versions of an app's secrets, by their fingerprints (no value is opened). */
export async function secretChangesBetween(
  services: Pick<Services, "db">,
  appId: string,
  from: number | null,
  to: number | null,
): Promise<SecretChange[]> {
  if (from === to) return [];
  const entries = await findSecretEntries(
    services.db.kysely,
    appId,
    [from, to].filter((version): version is number => version !== null),
  );
  return compareEntries(
    from === null ? [] : (entries.get(from) ?? []),
    to === null ? [] : (entries.get(to) ?? []),
  );
}

/** For each revision of a list, what it changed of the secrets since the revision before it (when listed too). */
export async function secretChangesAlong(
  services: Pick<Services, "db">,
  appId: string,
  revisions: readonly { revision: number; secrets_version: number | null }[],
): Promise<Map<number, SecretChange[]>> {
  const versions = [
    ...new Set(revisions.flatMap((row) => (row.secrets_version === null ? [] : [row.secrets_version]))),
  ];
  const entries = await findSecretEntries(services.db.kysely, appId, versions);
  const entriesOf = (version: number | null) => (version === null ? [] : (entries.get(version) ?? []));
  const changes = new Map<number, SecretChange[]>();
  for (const row of revisions) {
    const previous = revisions.find((candidate) => candidate.revision === row.revision - 1);
    if (row.revision === 1) changes.set(row.revision, compareEntries([], entriesOf(row.secrets_version)));
    else if (previous !== undefined && previous.secrets_version !== row.secrets_version)
      changes.set(
        row.revision,
        compareEntries(entriesOf(previous.secrets_version), entriesOf(row.secrets_version)),
      );
  }
  return changes;
}

function compareEntries(before: readonly AppSecretEntry[], after: readonly AppSecretEntry[]): SecretChange[] {
  const earlier = new Map(before.map((entry) => [entry.name, entry.fingerprint]));
  const later = new Set(after.map((entry) => entry.name));
  return [
    ...after.flatMap((entry): SecretChange[] => {
      const was = earlier.get(entry.name);
      if (was === undefined) return [{ name: entry.name, change: "added" }];
      return was === entry.fingerprint ? [] : [{ name: entry.name, change: "changed" }];
    }),
    ...before
      .filter((entry) => !later.has(entry.name))
      .map((entry): SecretChange => ({ name: entry.name, change: "removed" })),
  ];
}

/** `v<version>-<8 hex of an HMAC over the version's fingerprints>`: changes whenever a value does. */
function versionLabel(
  services: Pick<Services, "secrets">,
  version: number,
  entries: readonly AppSecretEntry[],
): string {
  const digest = services.secrets.fingerprint(
    entries.map((entry) => `${entry.name}=${entry.fingerprint}`).join("\n"),
  );
  return `v${version}-${digest}`;
}

interface DeclaredSecret {
  name: string;
  reference?: { secret: string; key: string };
}

/** `spec.secrets` as the pack accepted it (a spec the pack refused never gets this far), or none. */
function declaredSecrets(spec: unknown): DeclaredSecret[] {
  const list = (spec as { secrets?: unknown } | null)?.secrets;
  if (!Array.isArray(list)) return [];
  return list.flatMap((item): DeclaredSecret[] => {
    const { name, secretRef } = (item ?? {}) as {
      name?: unknown;
      secretRef?: { name?: unknown; key?: unknown };
    };
    if (typeof name !== "string") return [];
    if (secretRef === undefined || secretRef === null) return [{ name }];
    return [{ name, reference: { secret: String(secretRef.name), key: String(secretRef.key) } }];
  });
}

/** The names whose values BabyHelm stores: those of `spec.secrets` without a `secretRef`. */
function storedSecretNames(spec: unknown): string[] {
  return [
    ...new Set(
      declaredSecrets(spec)
        .filter((secret) => secret.reference === undefined)
        .map((secret) => secret.name),
    ),
  ];
}

function newestPackWithSecrets(renderer: Renderer, pack: Pack): string | undefined {
  return renderer
    .listPacks()
    .filter((summary) => summary.name === pack.name && semver.gt(summary.version, pack.version))
    .map((summary) => renderer.resolvePack(summary.ref))
    .filter(packHasSecrets)
    .sort((a, b) => semver.rcompare(a.version, b.version))[0]?.ref;
}

/** The same error with every occurrence of a value cut out of its message and causes. */
function withoutValues(error: unknown, values: readonly string[]): unknown {
  if (!(error instanceof Error)) return error;
  // As sent (base64 in `data`) and as given: an API server may quote either.
  const forms = values
    .filter((value) => value.length > 0)
    .flatMap((value) => [value, Buffer.from(value, "utf8").toString("base64")]);
  const cut = (text: string) => forms.reduce((result, form) => result.split(form).join("[secret]"), text);
  if (error instanceof ClusterError) {
    return new ClusterError(error.kind, cut(error.message), {
      ...(error.status === undefined ? {} : { status: error.status }),
      retryable: error.retryable,
      ...(error.causes === undefined
        ? {}
        : { causes: error.causes.map((cause) => ({ ...cause, message: cut(cause.message) })) }),
    });
  }
  return new Error(cut(error.message));
}
