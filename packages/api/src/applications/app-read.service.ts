// What is shown of apps: the list with statuses, one app with its links, its history with diffs, and its status,
// logs and metrics, each read for the app's current manifests.
import type { Project } from "@babyhelm/db";
import {
  diffManifests,
  formatDiff,
  PackNotFoundError,
  type KubernetesObject,
  type PackDescribes,
} from "@babyhelm/manifest-sdk";
import { refOf } from "../cluster/object-ref.js";
import { readAppMetrics, type MetricRange } from "../metrics/app-metrics.js";
import type { Services } from "../services.js";
import { toPage } from "../shared/pagination.js";
import { packOpenToNewApps, suggestedHosts } from "./app-policy.js";
import { describeSecretChanges, secretChangesAlong } from "./app-secrets.service.js";
import { listApps, listRevisions } from "./app.repository.js";
import { requireApp, requireCurrent, requireSameApp } from "./app.service.js";
import { hostsHeldByOthers } from "./ingress-host.repository.js";
import { summarizeRevision } from "./revision-summary.js";
import { appConfiguration } from "./status/app-configuration.js";
import { appLinks } from "./status/app-links.js";
import { streamAppLogs, type LogOptions } from "./status/app-logs.stream.js";
import { observeAppStatus, summarizeApps, type ObservedStateServices } from "./status/app-status.service.js";
import { streamAppStatus } from "./status/app-status.stream.js";
import { findDeployment } from "./status/pod-selector.js";

type ProjectRef = Pick<Project, "id" | "name" | "namespace">;

/**
 * The packs this server has, newest first per name, with the JSON Schema of an app's spec for forms and what the pack
 * says of its fields (`describes`: which holds the image, the env list, the ports…; empty when it says nothing).
 */
export function listPacks({
  renderer,
  config,
}: {
  renderer: Services["renderer"];
  config: Pick<Services["config"], "defaultPack" | "newAppPacks">;
}) {
  const defaultRef = renderer.resolvePack(config.defaultPack).ref;
  return renderer.listPacks().map((pack) => {
    const resolved = renderer.resolvePack(pack.ref);
    return {
      ...pack,
      default: defaultRef === pack.ref,
      /** Whether the operator lets new apps use it (BABYHELM_NEW_APP_PACKS); existing apps keep theirs. */
      openToNewApps: packOpenToNewApps(config, pack.ref),
      describes: describesOf(resolved),
      specSchema: resolved.jsonSchema("application"),
    };
  });
}

/** A page of apps by name, after the name `after`, each with its image and status. */
export async function listAppsWithStatus(
  services: Pick<Services, "db" | "clusterState" | "now">,
  project: ProjectRef,
  after: string | undefined,
  limit: number,
) {
  const rows = await listApps(services.db.kysely, project.id, after, limit);
  const statuses = await summarizeApps(
    services,
    project.namespace,
    rows.slice(0, limit).map((row) => ({ app: row, workload: row.workload ?? undefined })),
  );
  return toPage(
    rows,
    limit,
    (row) => ({
      name: row.name,
      pack: row.pack_ref,
      revision: row.current_revision,
      image: imageOf(row.workload ?? undefined),
      status: statuses.get(row.name) ?? null,
      updatedAt: row.updated_at.toISOString(),
    }),
    (row) => row.name,
  );
}

/** One app as its page shows it: the current revision's spec, the live status, and where people reach it. */
export async function describeApp(
  services: ObservedStateServices & Pick<Services, "cluster" | "clusterState" | "config" | "renderer">,
  project: ProjectRef,
  name: string,
) {
  const { app, revision } = await requireCurrent(services, project, name);
  const { manifests } = revision;
  const describes = describesOfRef(services.renderer, app.pack_ref);
  const [status, live] = await Promise.all([
    observeAppStatus(services, project, app, manifests),
    Promise.all(
      manifests
        .filter((object) => object.kind === "Service")
        .map((object) => services.clusterState.get(refOf(object))),
    ),
  ]);
  return {
    name: app.name,
    project: project.name,
    pack: app.pack_ref,
    revision: app.current_revision,
    spec: revision.spec,
    /** What the app's pack says of its fields, so that a client edits the env list of any pack that has one. */
    describes,
    env: envOf(revision.spec, describes),
    image: imageOf(findDeployment(manifests)),
    links: appLinks(manifests, live, services.config.grafanaDashboardUrl),
    configuration: appConfiguration(manifests),
    status,
    restartedAt: app.restarted_at,
    createdAt: app.created_at.toISOString(),
    updatedAt: app.updated_at.toISOString(),
  };
}

export async function readStatusOfApp(
  services: ObservedStateServices & Pick<Services, "cluster" | "clusterState">,
  project: ProjectRef,
  name: string,
) {
  const { app, revision } = await requireCurrent(services, project, name);
  return observeAppStatus(services, project, app, revision.manifests);
}

/** Looks the app up before the stream starts, so that a wrong name is refused as any other call is. */
export async function watchStatusOfApp(
  services: Pick<Services, "db" | "cluster" | "clusterState" | "now">,
  project: ProjectRef,
  name: string,
  signal: AbortSignal,
  lastEventId?: string,
) {
  const { app, revision } = await requireCurrent(services, project, name);
  return streamAppStatus(
    services,
    revision,
    signal,
    () => requireSameApp(services, project, app),
    lastEventId,
  );
}

/** Looks the app up before the stream starts, so that a wrong name is refused as any other call is. */
export async function watchLogsOfApp(
  services: Pick<Services, "db" | "cluster" | "clusterState">,
  project: ProjectRef,
  name: string,
  options: LogOptions,
  signal: AbortSignal,
) {
  const { revision } = await requireCurrent(services, project, name);
  return streamAppLogs(services, revision.manifests, options, signal);
}

export async function readMetricsOfApp(
  services: Pick<Services, "db" | "cluster" | "config" | "now">,
  project: ProjectRef,
  name: string,
  range: MetricRange,
) {
  const { app, revision } = await requireCurrent(services, project, name);
  return readAppMetrics(services, app, revision.manifests, range);
}

/**
 * A page of revisions, newest first, before the revision `before`, each with what it changed from the revision
 * before it.
 */
export async function listRevisionsWithChanges(
  services: Pick<Services, "db">,
  project: ProjectRef,
  name: string,
  before: number | undefined,
  limit: number,
) {
  const app = await requireApp(services, project, name);
  // One row past the page: the previous revision of the page's last item, to diff against.
  const rows = await listRevisions(services.db.kysely, app.id, before, limit + 1);
  const secretChanges = await secretChangesAlong(services, app.id, rows);
  return toPage(
    rows.slice(0, limit + 1),
    limit,
    (row) => {
      const previous = rows.find((candidate) => candidate.revision === row.revision - 1);
      const changes =
        previous === undefined
          ? row.revision === 1
            ? diffManifests([], row.manifests)
            : undefined
          : diffManifests(previous.manifests, row.manifests);
      // Secrets by name only: which changed is known from their fingerprints, never from a value.
      const secretLines = describeSecretChanges(secretChanges.get(row.revision) ?? []);
      const summary =
        previous === undefined
          ? row.revision === 1
            ? [...summarizeRevision(undefined, row.manifests), ...secretLines]
            : null
          : [...summarizeRevision(previous.manifests, row.manifests), ...secretLines];
      return {
        revision: row.revision,
        current: row.revision === app.current_revision,
        author: row.author,
        at: row.created_at.toISOString(),
        reason: row.reason,
        pack: row.pack_ref,
        spec: row.spec,
        /** What changed in plain words ("image nginx:1.27 → 1.28", "env MODE changed"); null where unknown. */
        summary,
        changes: changes ?? null,
        diff:
          changes === undefined
            ? null
            : formatDiff(changes) + secretLines.map((line) => `~ ${line}\n`).join(""),
      };
    },
    (row) => row.revision,
  );
}

/** The first container's image of a Deployment's pod template, or of a CronJob's Job template. */
function imageOf(workload: KubernetesObject | undefined): string | undefined {
  type PodTemplate = { spec?: { containers?: { image?: string }[] } };
  const { spec } = (workload ?? {}) as {
    spec?: { template?: PodTemplate; jobTemplate?: { spec?: { template?: PodTemplate } } };
  };
  const template = spec?.template ?? spec?.jobTemplate?.spec?.template;
  return template?.spec?.containers?.[0]?.image;
}

function describesOf(pack: { describes?: Readonly<PackDescribes> }): PackDescribes {
  return { ...pack.describes };
}

/** A pack this server no longer has describes nothing: its app still shows, without its env list. */
function describesOfRef(renderer: Services["renderer"], ref: string): PackDescribes {
  try {
    return describesOf(renderer.resolvePack(ref));
  } catch (error) {
    if (error instanceof PackNotFoundError) return {};
    throw error;
  }
}

/** The env vars of a spec, at the field its pack describes as the env list (none when it describes none). */
function envOf(spec: unknown, describes: PackDescribes): { name: string; value: string }[] {
  const list = describes.env === undefined ? undefined : valueAt(spec, describes.env);
  if (!Array.isArray(list)) return [];
  return (list as { name?: unknown; value?: unknown }[]).map((item) => ({
    name: typeof item.name === "string" ? item.name : "",
    value: typeof item.value === "string" ? item.value : JSON.stringify(item.value ?? ""),
  }));
}

/** The value at a dotted path ("container.env") of a spec. */
function valueAt(spec: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (value, key) =>
        value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined,
      spec,
    );
}

/** A free Ingress host under the platform's domain for app `name`, for the deploy form to offer; null without one. */
export async function suggestIngressHost(
  { db, config }: Pick<Services, "db" | "config">,
  project: ProjectRef,
  name: string,
): Promise<{ host: string | null }> {
  const candidates = suggestedHosts(config, project.name, name);
  const taken = new Set(await hostsHeldByOthers(db.kysely, candidates, undefined));
  return { host: candidates.find((host) => !taken.has(host)) ?? null };
}
