import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { diffManifests, formatDiff } from "@babyhelm/manifest-sdk";
import { z } from "zod";
import { refOf } from "../cluster/object-ref.js";
import { appNameSchema } from "../shared/names.js";
import { readAppMetrics } from "../metrics/app-metrics.js";
import { streamAppLogs } from "./status/app-logs.stream.js";
import { type DeployOperation, timeDeploy } from "../observability/telemetry.js";
import { decodeCursor, pageInput, toPage } from "../shared/pagination.js";
import type { Context } from "../context.js";
import { projectProcedure, router } from "../trpc.js";
import { appLinks } from "./status/app-links.js";
import { streamAppStatus } from "./status/app-status.stream.js";
import { observeAppStatus, summarizeApps } from "./status/app-status.service.js";
import { listApps, listRevisions } from "./app.repository.js";
import {
  type AppScope,
  createApp,
  currentManifests,
  currentRevision,
  deleteApp,
  previewApp,
  redeployApp,
  requireApp,
  restartApp,
  rollbackApp,
  updateApp,
  upgradeAppPack,
} from "./app.service.js";

const appRef = z.object({ name: z.string().min(1).max(63) });
const packRef = z.string().trim().min(1).max(100);
const revisionNumber = z.number().int().min(1);

function scopeOf(ctx: Context & { user: AppScope["user"]; project: AppScope["project"] }): AppScope {
  return { services: ctx.services, user: ctx.user, project: ctx.project, log: ctx.log };
}

/** The env vars of a spec, whichever pack it is for (`env` in default@2, `envs` in classic@1). */
function envOf(spec: unknown): { name: string; value: string }[] {
  const record = (spec ?? {}) as { env?: unknown; envs?: unknown };
  const list = Array.isArray(record.env) ? record.env : Array.isArray(record.envs) ? record.envs : [];
  return (list as { name?: unknown; value?: unknown }[]).map((item) => ({
    name: typeof item.name === "string" ? item.name : "",
    value: typeof item.value === "string" ? item.value : JSON.stringify(item.value ?? ""),
  }));
}

const viewer = projectProcedure("viewer");
const editor = projectProcedure("editor");

/** An editor's change that rolls out, counted and timed in the platform's metrics (a pack upgrade's preview is not). */
function deploying(operation: DeployOperation) {
  return editor.use(async ({ ctx, next, getRawInput }) => {
    const input = (await getRawInput()) as { preview?: unknown } | undefined;
    if (operation === "upgrade" && input?.preview === true) return next();
    return timeDeploy(ctx.services.telemetry, operation, next);
  });
}

export const applicationRouter = router({
  /** The packs this server has, newest first per name, with the JSON Schema of an app's spec for forms. */
  packs: viewer.query(({ ctx }) =>
    ctx.services.renderer.listPacks().map((pack) => ({
      ...pack,
      default: ctx.services.renderer.resolvePack(ctx.services.config.defaultPack).ref === pack.ref,
      specSchema: ctx.services.renderer.resolvePack(pack.ref).jsonSchema("application"),
    })),
  ),

  create: deploying("create")
    .input(z.object({ name: appNameSchema, pack: packRef.optional(), spec: z.unknown() }))
    .mutation(async ({ ctx, input }) => {
      const { app } = await createApp(scopeOf(ctx), input);
      return { name: app.name, pack: app.pack_ref, revision: app.current_revision };
    }),

  update: deploying("update")
    .input(appRef.extend({ spec: z.unknown(), expectedRevision: revisionNumber }))
    .mutation(({ ctx, input }) => updateApp(scopeOf(ctx), input)),

  rollback: deploying("rollback")
    .input(appRef.extend({ revision: revisionNumber, expectedRevision: revisionNumber.optional() }))
    .mutation(({ ctx, input }) => rollbackApp(scopeOf(ctx), input)),

  upgradePack: deploying("upgrade")
    .input(
      appRef.extend({
        to: packRef,
        preview: z.boolean().default(false),
        expectedRevision: revisionNumber.optional(),
      }),
    )
    .mutation(({ ctx, input }) => upgradeAppPack(scopeOf(ctx), input)),

  restart: deploying("restart")
    .input(appRef)
    .mutation(({ ctx, input }) => restartApp(scopeOf(ctx), input.name)),
  redeploy: deploying("redeploy")
    .input(appRef)
    .mutation(({ ctx, input }) => redeployApp(scopeOf(ctx), input.name)),
  delete: deploying("delete")
    .input(appRef)
    .mutation(async ({ ctx, input }) => ({
      deleted: input.name,
      ...(await deleteApp(scopeOf(ctx), input.name)),
    })),

  list: viewer.input(z.object(pageInput)).query(async ({ ctx, input }) => {
    const after = decodeCursor(input.cursor, z.string());
    const rows = await listApps(ctx.services.db.kysely, ctx.project.id, after, input.limit);
    const shown = rows.slice(0, input.limit);
    const statuses = await summarizeApps(
      ctx.services,
      ctx.project.namespace,
      ctx.project.name,
      shown.map((row) => ({
        app: row,
        deployment: (row.manifests as KubernetesObject[]).find((object) => object.kind === "Deployment"),
      })),
    );
    return toPage(
      rows,
      input.limit,
      (row) => ({
        name: row.name,
        pack: row.pack_ref,
        revision: row.current_revision,
        image: imageOf(row.manifests as KubernetesObject[]),
        status: statuses.get(row.name) ?? null,
        updatedAt: row.updated_at.toISOString(),
      }),
      (row) => row.name,
    );
  }),

  get: viewer.input(appRef).query(async ({ ctx, input }) => {
    const scope = scopeOf(ctx);
    const app = await requireApp(scope, input.name);
    const revision = await currentRevision(scope, app);
    const manifests = revision.manifests as KubernetesObject[];
    const [status, live] = await Promise.all([
      observeAppStatus(ctx.services, ctx.project, app, manifests),
      Promise.all(
        manifests
          .filter((object) => object.kind === "Service")
          .map((object) => ctx.services.cluster.get(refOf(object))),
      ),
    ]);
    return {
      name: app.name,
      project: ctx.project.name,
      pack: app.pack_ref,
      revision: app.current_revision,
      spec: revision.spec,
      env: envOf(revision.spec),
      image: imageOf(manifests),
      links: appLinks(manifests, live, ctx.services.config.grafanaDashboardUrl),
      status,
      restartedAt: app.restarted_at,
      createdAt: app.created_at.toISOString(),
      updatedAt: app.updated_at.toISOString(),
      yourRole: ctx.role,
    };
  }),

  status: viewer.input(appRef).query(async ({ ctx, input }) => {
    const scope = scopeOf(ctx);
    const app = await requireApp(scope, input.name);
    return observeAppStatus(ctx.services, ctx.project, app, await currentManifests(scope, app));
  }),

  /** Rollout progress over server-sent events, until the app is ready, failed or drifted. */
  watchStatus: viewer.input(appRef).subscription(async function* ({ ctx, input, signal }) {
    const scope = scopeOf(ctx);
    const app = await requireApp(scope, input.name);
    const manifests = await currentManifests(scope, app);
    yield* streamAppStatus(ctx.services, manifests, signal ?? new AbortController().signal);
  }),

  revisions: viewer.input(appRef.extend(pageInput)).query(async ({ ctx, input }) => {
    const app = await requireApp(scopeOf(ctx), input.name);
    const before = decodeCursor(input.cursor, z.number().int());
    // One row past the page: the previous revision of the page's last item, to diff against.
    const rows = await listRevisions(ctx.services.db.kysely, app.id, before, input.limit + 1);
    const page = toPage(
      rows.slice(0, input.limit + 1),
      input.limit,
      (row) => {
        const previous = rows.find((candidate) => candidate.revision === row.revision - 1);
        const changes =
          previous === undefined
            ? row.revision === 1
              ? diffManifests([], row.manifests as KubernetesObject[])
              : undefined
            : diffManifests(previous.manifests as KubernetesObject[], row.manifests as KubernetesObject[]);
        return {
          revision: row.revision,
          current: row.revision === app.current_revision,
          author: row.author,
          at: row.created_at.toISOString(),
          reason: row.reason,
          pack: row.pack_ref,
          spec: row.spec,
          changes: changes ?? null,
          diff: changes === undefined ? null : formatDiff(changes),
        };
      },
      (row) => row.revision,
    );
    return page;
  }),

  /**
   * The app's logs over server-sent events: the last `tail` lines of each pod (or of `pod`), then with `follow` new
   * lines as they come, from every pod of the app including those that start later, until the client leaves.
   */
  logs: viewer
    .input(
      appRef.extend({
        pod: z.string().min(1).max(253).optional(),
        tail: z.number().int().min(0).max(5000).default(100),
        follow: z.boolean().default(true),
      }),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      const scope = scopeOf(ctx);
      const app = await requireApp(scope, input.name);
      const manifests = await currentManifests(scope, app);
      yield* streamAppLogs(ctx.services, manifests, input, signal ?? new AbortController().signal);
    }),

  /** CPU (cores) and memory (bytes) per pod and in total over the last hour, 6 hours or day, for charts. */
  metrics: viewer
    .input(appRef.extend({ range: z.enum(["1h", "6h", "24h"]).default("1h") }))
    .query(async ({ ctx, input }) => {
      const scope = scopeOf(ctx);
      const app = await requireApp(scope, input.name);
      return readAppMetrics(ctx.services, app, await currentManifests(scope, app), input.range);
    }),

  previewManifests: viewer
    .input(
      z.object({ name: z.string().min(1).max(63).optional(), pack: packRef.optional(), spec: z.unknown() }),
    )
    .query(({ ctx, input }) => previewApp(scopeOf(ctx), input)),
});

function imageOf(manifests: readonly KubernetesObject[]): string | undefined {
  const deployment = manifests.find((object) => object.kind === "Deployment") as
    { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } } | undefined;
  return deployment?.spec?.template?.spec?.containers?.[0]?.image;
}
