import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit/audit.repository.js";
import { findUserEmail } from "../auth/user.repository.js";
import { FieldError, PreconditionError } from "../shared/errors.js";
import { projectProcedure } from "../trpc.js";
import { alertTargetInput, maskTarget } from "./alert-target.js";
import { deleteAlertTarget, findAlertTarget, saveAlertTarget } from "./alert.repository.js";
import { DeliveryError } from "./delivery-failure.js";
import { obviouslyPrivate, privateAddressReason } from "./webhook-address.js";

export const alertRouter = {
  /** The project's alert target, masked (the webhook's host, a bot token's last 4 characters). */
  get: projectProcedure("editor").query(async ({ ctx }) => {
    const target = await findAlertTarget(ctx.services.db.kysely, ctx.services.secrets, ctx.project.id);
    if (target === undefined) return { target: null, updatedAt: null, updatedBy: null };
    const author =
      target.updated_by === null ? undefined : await findUserEmail(ctx.services.db.kysely, target.updated_by);
    return {
      target: maskTarget(target),
      updatedAt: target.updated_at.toISOString(),
      updatedBy: author ?? null,
    };
  }),

  /** Sets (or with null, removes) where the project's alerts go. */
  set: projectProcedure("creator")
    .input(z.object({ target: alertTargetInput }))
    .mutation(async ({ ctx, input }) => {
      const { kysely } = ctx.services.db;
      const project = { id: ctx.project.id, name: ctx.project.name };
      if (input.target === null) {
        const removed = await kysely.transaction().execute(async (trx) => {
          const deleted = await deleteAlertTarget(trx, project.id);
          if (deleted) await recordAudit(trx, { actor: ctx.user, action: "alerts.clear", project });
          return deleted;
        });
        return { target: null, removed };
      }
      const target = input.target;
      if (target.type === "slack" && !ctx.services.config.alertPrivateWebhooks) {
        // Names that resolve to private addresses are refused when an alert is sent; these need no DNS to tell.
        const url = new URL(target.url);
        const address = obviouslyPrivate(url);
        if (address !== undefined)
          throw new FieldError([{ path: "target.url", message: privateAddressReason(url.host, address) }]);
      }
      const saved = await kysely.transaction().execute(async (trx) => {
        await saveAlertTarget(trx, ctx.services.secrets, project.id, target, ctx.user.id);
        const row = await findAlertTarget(trx, ctx.services.secrets, project.id);
        if (row === undefined) throw new Error("the alert target just saved is missing");
        const masked = maskTarget(row);
        // The audit names the destination as users see it, never the secret.
        await recordAudit(trx, { actor: ctx.user, action: "alerts.update", project, details: masked });
        return masked;
      });
      return { target: saved, removed: false };
    }),

  /** Sends a test message to the project's target now; says plainly what went wrong. */
  test: projectProcedure("creator").mutation(async ({ ctx }) => {
    try {
      const { sent } = await ctx.services.alerts.sendTest({ id: ctx.project.id, name: ctx.project.name });
      if (!sent) {
        throw new PreconditionError(
          `Project "${ctx.project.name}" has no alert target: set a Slack webhook or a Telegram chat first.`,
        );
      }
      return { sent: true };
    } catch (error) {
      if (error instanceof DeliveryError) {
        throw new TRPCError({
          code: "BAD_GATEWAY",
          message: `The test alert was not delivered. ${error.message}`,
          cause: error,
        });
      }
      throw error;
    }
  }),
} satisfies TRPCRouterRecord;
