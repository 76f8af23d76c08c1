// The projects.* procedures: create, list, get, usage and delete, each for the caller's own projects only.
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { readProjectUsage } from "../metrics/project-usage.js";
import { projectNameSchema } from "../shared/names.js";
import { decodeCursor, pageInput, toPage } from "../shared/pagination.js";
import { authedProcedure, namedProjectProcedure } from "../trpc.js";
import { deleteKeptVolume, listKeptVolumes } from "./project-volumes.service.js";
import { countApps, listProjectsOfUser } from "./project.repository.js";
import { createProject, deleteProject } from "./project.service.js";

/** The list's cursor holds the last name shown. */
const nameCursor = z.string();

export const projectRouter = {
  create: authedProcedure.input(z.object({ name: projectNameSchema })).mutation(async ({ ctx, input }) => {
    const project = await createProject(ctx.services, ctx.user, input.name);
    return {
      name: project.name,
      namespace: project.namespace,
      pack: project.pack_ref,
      role: "creator" as const,
    };
  }),

  list: authedProcedure.input(z.object(pageInput).default({ limit: 20 })).query(async ({ ctx, input }) => {
    const after = decodeCursor(input.cursor, nameCursor);
    const rows = await listProjectsOfUser(ctx.services.db.kysely, ctx.user.id, after, input.limit);
    return toPage(
      rows,
      input.limit,
      (row) => ({
        name: row.name,
        namespace: row.namespace,
        role: row.role,
        pack: row.pack_ref,
        appCount: row.app_count ?? 0,
        createdAt: row.created_at.toISOString(),
      }),
      (row) => row.name,
    );
  }),

  get: namedProjectProcedure("viewer").query(async ({ ctx }) => ({
    name: ctx.project.name,
    namespace: ctx.project.namespace,
    role: ctx.role,
    pack: ctx.project.pack_ref,
    appCount: await countApps(ctx.services.db.kysely, ctx.project.id),
    createdAt: ctx.project.created_at.toISOString(),
  })),

  /** The namespace's ResourceQuota (hard and used) and each app's current CPU and memory: the project overview. */
  usage: namedProjectProcedure("viewer").query(({ ctx }) => readProjectUsage(ctx.services, ctx.project)),

  /** Volumes kept when their app was deleted (`apps.delete` with `keepVolumes`). */
  volumes: namedProjectProcedure("viewer").query(({ ctx }) => listKeptVolumes(ctx.services, ctx.project)),

  /** Deletes a kept volume and the data on it. */
  deleteVolume: namedProjectProcedure("editor")
    .input(z.object({ volume: z.string().min(1).max(253) }))
    .mutation(({ ctx, input }) => deleteKeptVolume(ctx.services, ctx, input.volume)),

  /** With its apps when `apps` says how many the creator agreed to delete (the dashboard shows them first). */
  delete: namedProjectProcedure("creator")
    .input(z.object({ apps: z.number().int().min(0).max(100_000).optional() }))
    .mutation(async ({ ctx, input }) => {
      const result = await deleteProject(ctx.services, ctx, input.apps);
      return { deleted: ctx.project.name, ...result };
    }),
} satisfies TRPCRouterRecord;
