import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { timeDeploy, type DeployOperation } from "../observability/telemetry.js";
import { releasingAfter } from "../shared/concurrency-limit.js";
import { TooManyError } from "../shared/errors.js";
import { appNameSchema } from "../shared/names.js";
import { int4 } from "../shared/numbers.js";
import { decodeCursor, pageInput } from "../shared/pagination.js";
import { reconnectingOnStop, streamSignal } from "../shared/server-stopping.js";
import { projectProcedure } from "../trpc.js";
import {
  describeApp,
  listAppsWithStatus,
  listPacks,
  listRevisionsWithChanges,
  readMetricsOfApp,
  readStatusOfApp,
  suggestIngressHost,
  watchLogsOfApp,
  watchStatusOfApp,
} from "./app-read.service.js";
import { listAppSecrets } from "./app-secrets.service.js";
import {
  createApp,
  deleteApp,
  previewApp,
  redeployApp,
  restartApp,
  rollbackApp,
  updateApp,
  upgradeAppPack,
} from "./app.service.js";
import { STATUS_EVENT_ID } from "./status/app-status.stream.js";
import { LogCursor } from "./status/log-cursor.js";

const appRef = z.object({ name: z.string().min(1).max(63) });
const packRef = z.string().trim().min(1).max(100);
const revisionNumber = int4(1);
/** Values of the app's stored secrets by name; names are checked against the spec (field errors `secretValues.NAME`). */
const secretValues = z
  .record(
    z.string().min(1).max(253),
    z
      .string()
      .max(64 * 1024, "must be at most 64 KiB (mount a larger value as a file from a Secret you manage)"),
  )
  .optional();

/**
 * Sent by tRPC's subscription link when it reconnects (the `Last-Event-ID` of server-sent events): the id of the last
 * event the client got, after which the stream resumes.
 */
const lastEventId = (valid: (id: string) => boolean) =>
  z
    .string()
    .max(16_384)
    .refine(valid, "is not the id of an event of this stream: subscribe again without it")
    .optional();

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

export const applicationRouter = {
  packs: viewer.query(({ ctx }) => listPacks(ctx.services)),

  create: deploying("create")
    .input(z.object({ name: appNameSchema, pack: packRef.optional(), spec: z.unknown(), secretValues }))
    .mutation(async ({ ctx, input }) => {
      const { app } = await createApp(ctx.services, ctx, input);
      return { name: app.name, pack: app.pack_ref, revision: app.current_revision };
    }),

  update: deploying("update")
    .input(appRef.extend({ spec: z.unknown(), expectedRevision: revisionNumber, secretValues }))
    .mutation(({ ctx, input }) => updateApp(ctx.services, ctx, input)),

  rollback: deploying("rollback")
    .input(appRef.extend({ revision: revisionNumber, expectedRevision: revisionNumber.optional() }))
    .mutation(({ ctx, input }) => rollbackApp(ctx.services, ctx, input)),

  upgradePack: deploying("upgrade")
    .input(
      appRef.extend({
        to: packRef,
        preview: z.boolean().default(false),
        expectedRevision: revisionNumber.optional(),
      }),
    )
    .mutation(({ ctx, input }) => upgradeAppPack(ctx.services, ctx, input)),

  restart: deploying("restart")
    .input(appRef)
    .mutation(({ ctx, input }) => restartApp(ctx.services, ctx, input.name)),
  redeploy: deploying("redeploy")
    .input(appRef)
    .mutation(({ ctx, input }) => redeployApp(ctx.services, ctx, input.name)),
  /** With `keepVolumes`, the app's PersistentVolumeClaims stay (listed by projects.volumes) instead of going with it. */
  delete: deploying("delete")
    .input(appRef.extend({ keepVolumes: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => ({
      deleted: input.name,
      ...(await deleteApp(ctx.services, ctx, input.name, { keepVolumes: input.keepVolumes })),
    })),

  list: viewer.input(z.object(pageInput)).query(async ({ ctx, input }) => {
    const after = decodeCursor(input.cursor, z.string());
    return listAppsWithStatus(ctx.services, ctx.project, after, input.limit);
  }),

  get: viewer.input(appRef).query(async ({ ctx, input }) => ({
    ...(await describeApp(ctx.services, ctx.project, input.name)),
    yourRole: ctx.role,
  })),

  /**
   * The app's secret env vars, never their values: viewers get names and sources only; editors and creators also
   * who set each one, when, and a fingerprint that tells a changed value from the same one.
   */
  secrets: viewer.input(appRef).query(({ ctx, input }) => listAppSecrets(ctx.services, ctx, input.name)),

  status: viewer
    .input(appRef)
    .query(({ ctx, input }) => readStatusOfApp(ctx.services, ctx.project, input.name)),

  /**
   * Rollout progress over server-sent events, until the app is ready, failed or drifted. Each event's id lets a client
   * that lost the stream resume it on any replica (`lastEventId`): it gets the current status unless it had it.
   */
  watchStatus: viewer
    .input(appRef.extend({ lastEventId: lastEventId((id) => STATUS_EVENT_ID.test(id)) }))
    .subscription(async ({ ctx, input, signal }) => {
      const { stopping } = ctx.services;
      const statuses = await watchStatusOfApp(
        ctx.services,
        ctx.project,
        input.name,
        streamSignal(stopping, signal),
        input.lastEventId,
      );
      return reconnectingOnStop(statuses, stopping);
    }),

  revisions: viewer.input(appRef.extend(pageInput)).query(async ({ ctx, input }) => {
    const before = decodeCursor(input.cursor, int4(1));
    return listRevisionsWithChanges(ctx.services, ctx.project, input.name, before, input.limit);
  }),

  /**
   * The app's logs over server-sent events: the last `tail` lines of each pod (or of `pod`), then with `follow` new
   * lines as they come, from every pod of the app including those that start later, until the client leaves. With
   * `lastEventId` (a reconnecting client), the stream goes on after the last line that client got (log-cursor.ts).
   */
  logs: viewer
    .input(
      appRef.extend({
        pod: z.string().min(1).max(253).optional(),
        tail: z.number().int().min(0).max(5000).default(100),
        follow: z.boolean().default(true),
        /** The previous container's logs (after a crash): read once, not followed. */
        previous: z.boolean().default(false),
        lastEventId: lastEventId((id) => LogCursor.parse(id) !== undefined),
      }),
    )
    .subscription(async ({ ctx, input, signal }) => {
      // Refused while the subscription starts, so that the refusal is an error the client reads, not a broken stream.
      const release = ctx.services.logStreams.acquire(ctx.user.id);
      if (release === undefined) {
        throw new TooManyError(
          `You already have ${ctx.services.logStreams.limit} log streams open, the most one user may: close one (another tab or terminal) and try again.`,
        );
      }
      const { stopping } = ctx.services;
      const ended = streamSignal(stopping, signal);
      try {
        const lines = await watchLogsOfApp(ctx.services, ctx.project, input.name, input, ended);
        return reconnectingOnStop(releasingAfter(lines, release, ended), stopping);
      } catch (error) {
        release();
        throw error;
      }
    }),

  /** CPU (cores) and memory (bytes) per pod and in total over the last hour, 6 hours or day, for charts. */
  metrics: viewer
    .input(appRef.extend({ range: z.enum(["1h", "6h", "24h"]).default("1h") }))
    .query(({ ctx, input }) => readMetricsOfApp(ctx.services, ctx.project, input.name, input.range)),

  /** A free `<app>-<project>.<domain>` Ingress host when the operator set BABYHELM_INGRESS_DOMAINS. */
  suggestHost: viewer
    .input(z.object({ name: appNameSchema }))
    .query(({ ctx, input }) => suggestIngressHost(ctx.services, ctx.project, input.name)),

  previewManifests: viewer
    .input(
      z.object({
        name: z.string().min(1).max(63).optional(),
        pack: packRef.optional(),
        spec: z.unknown(),
        // "create": the name must be free (a taken one is the answer, not a dry run against that app's objects);
        // "update": the app must exist. Without it, the preview is whichever the name makes it.
        intent: z.enum(["create", "update"]).optional(),
        // Only which names are given matters: the diff says "secret X changed", never a value.
        secretValues,
      }),
    )
    .query(({ ctx, input }) => previewApp(ctx.services, ctx, input)),
} satisfies TRPCRouterRecord;
