import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { int8Id } from "../shared/numbers.js";
import { decodeCursor, pageInput, toPage } from "../shared/pagination.js";
import { projectProcedure } from "../trpc.js";
import { listAuditEvents } from "./audit.repository.js";

export const auditRouter = {
  /** Newest first. Creators and editors of the project may read it. */
  list: projectProcedure("editor")
    .input(z.object(pageInput))
    .query(async ({ ctx, input }) => {
      const before = decodeCursor(input.cursor, int8Id);
      const rows = await listAuditEvents(ctx.services.db.kysely, ctx.project.id, before, input.limit);
      return toPage(
        rows,
        input.limit,
        (row) => ({
          id: row.id,
          actor: row.actor_email,
          action: row.action,
          app: row.app_name,
          details: row.details,
          at: row.created_at.toISOString(),
        }),
        (row) => row.id,
      );
    }),
} satisfies TRPCRouterRecord;
