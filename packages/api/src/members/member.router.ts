import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { PROJECT_ROLES } from "@babyhelm/db";
import { recordAudit } from "../audit/audit.repository.js";
import { findUserByEmail } from "../auth/user.repository.js";
import { isUniqueViolation } from "../shared/db-errors.js";
import { conflictOn, ForbiddenError, NotFoundError, PreconditionError } from "../shared/errors.js";
import { emailSchema } from "../shared/names.js";
import { decodeCursor, pageInput, toPage } from "../shared/pagination.js";
import { projectProcedure } from "../trpc.js";
import { deleteInvitation, listInvitations, upsertInvitation } from "./invitation.repository.js";
import {
  addMember,
  countCreators,
  countCreatorsForUpdate,
  findMemberByEmail,
  listMembers,
  removeMember,
  setRole,
} from "./member.repository.js";

const role = z.enum(PROJECT_ROLES, { error: `must be one of ${PROJECT_ROLES.join(", ")}` });

function notMember(email: string, project: string): NotFoundError {
  return new NotFoundError(`${email} is not a member of "${project}".`);
}

/** Long enough for someone on leave to get back to it; short enough that a forwarded link goes stale. */
const INVITATION_DAYS = 7;

const lastCreator = (project: string) =>
  new PreconditionError(
    `That would leave "${project}" without a creator: make someone else a creator first.`,
  );

export const memberRouter = {
  list: projectProcedure("viewer")
    .input(z.object(pageInput))
    .query(async ({ ctx, input }) => {
      const after = decodeCursor(input.cursor, z.string());
      const rows = await listMembers(ctx.services.db.kysely, ctx.project.id, after, input.limit);
      const creators = await countCreators(ctx.services.db.kysely, ctx.project.id);
      return toPage(
        rows,
        input.limit,
        (row) => ({
          email: row.email,
          role: row.role,
          you: row.user_id === ctx.user.id,
          since: row.created_at.toISOString(),
          /** The project's one creator: may not become editor or viewer, nor leave, until another creator exists. */
          onlyCreator: row.role === "creator" && creators === 1,
        }),
        (row) => row.email.toLowerCase(),
      );
    }),

  add: projectProcedure("creator")
    .input(z.object({ email: emailSchema, role: role.default("viewer") }))
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.services;
      const user = await findUserByEmail(db.kysely, input.email);
      if (user === undefined && ctx.services.config.registration === "invite") {
        const expiresAt = new Date(ctx.services.now().getTime() + INVITATION_DAYS * 86_400_000);
        const token = await db.kysely.transaction().execute(async (trx) => {
          const secret = await upsertInvitation(trx, {
            projectId: ctx.project.id,
            email: input.email,
            role: input.role,
            invitedBy: ctx.user.id,
            expiresAt,
          });
          await recordAudit(trx, {
            actor: ctx.user,
            action: "invitation.create",
            project: ctx.project,
            details: { email: input.email, role: input.role },
          });
          return secret;
        });
        return {
          email: input.email,
          role: input.role,
          /** Nobody has this email yet: the link lets them register and join; only its hash is stored. */
          invitation: {
            link: `${ctx.publicOrigin}/register?invite=${token}`,
            expiresAt: expiresAt.toISOString(),
          },
        };
      }
      if (user === undefined) {
        throw new NotFoundError(
          `Nobody has registered with ${input.email}: ask them to create an account first.`,
          [{ path: "email", message: "has no account yet: ask them to register first" }],
        );
      }
      try {
        await db.kysely.transaction().execute(async (trx) => {
          await addMember(trx, ctx.project.id, user.id, input.role);
          await recordAudit(trx, {
            actor: ctx.user,
            action: "member.add",
            project: ctx.project,
            details: { email: user.email, role: input.role },
          });
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw conflictOn(
            "email",
            "is already a member: change their role instead",
            `${user.email} is already a member of "${ctx.project.name}": change their role instead.`,
          );
        }
        throw error;
      }
      return { email: user.email, role: input.role, invitation: null };
    }),

  /** Invitations not yet used, for the creators who hand out the links. */
  invitations: projectProcedure("creator").query(async ({ ctx }) => {
    const rows = await listInvitations(ctx.services.db.kysely, ctx.project.id, ctx.services.now());
    return rows.map((row) => ({
      email: row.email,
      role: row.role,
      createdAt: row.created_at.toISOString(),
      expiresAt: row.expires_at.toISOString(),
    }));
  }),

  revokeInvitation: projectProcedure("creator")
    .input(z.object({ email: emailSchema }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.db.kysely.transaction().execute(async (trx) => {
        if (!(await deleteInvitation(trx, ctx.project.id, input.email))) {
          throw new NotFoundError(`No invitation of ${input.email} to "${ctx.project.name}" is pending.`);
        }
        await recordAudit(trx, {
          actor: ctx.user,
          action: "invitation.revoke",
          project: ctx.project,
          details: { email: input.email },
        });
      });
      return { revoked: input.email };
    }),

  updateRole: projectProcedure("creator")
    .input(z.object({ email: emailSchema, role }))
    .mutation(async ({ ctx, input }) => {
      await ctx.services.db.kysely.transaction().execute(async (trx) => {
        const member = await findMemberByEmail(trx, ctx.project.id, input.email);
        if (member === undefined) throw notMember(input.email, ctx.project.name);
        if (member.role === "creator" && input.role !== "creator") {
          if ((await countCreatorsForUpdate(trx, ctx.project.id)) <= 1) throw lastCreator(ctx.project.name);
        }
        await setRole(trx, ctx.project.id, member.user_id, input.role);
        await recordAudit(trx, {
          actor: ctx.user,
          action: "member.updateRole",
          project: ctx.project,
          details: { email: member.email, from: member.role, to: input.role },
        });
      });
      return { email: input.email, role: input.role };
    }),

  /** Creators remove anyone; any member may remove themselves (leave). Never the last creator. */
  remove: projectProcedure("viewer")
    .input(z.object({ email: emailSchema }))
    .mutation(async ({ ctx, input }) => {
      const self = input.email.toLowerCase() === ctx.user.email.toLowerCase();
      if (!self && ctx.role !== "creator") {
        throw new ForbiddenError(
          `Your role in "${ctx.project.name}" is ${ctx.role}: only creators remove other members.`,
        );
      }
      await ctx.services.db.kysely.transaction().execute(async (trx) => {
        const member = await findMemberByEmail(trx, ctx.project.id, input.email);
        if (member === undefined) throw notMember(input.email, ctx.project.name);
        if (member.role === "creator" && (await countCreatorsForUpdate(trx, ctx.project.id)) <= 1) {
          throw lastCreator(ctx.project.name);
        }
        await removeMember(trx, ctx.project.id, member.user_id);
        await recordAudit(trx, {
          actor: ctx.user,
          action: "member.remove",
          project: ctx.project,
          details: { email: member.email, role: member.role },
        });
      });
      return { removed: input.email };
    }),

  /** Makes another member creator and the caller an editor. */
  transferOwnership: projectProcedure("creator")
    .input(z.object({ email: emailSchema }))
    .mutation(async ({ ctx, input }) => {
      if (input.email.toLowerCase() === ctx.user.email.toLowerCase()) {
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: "email: you already own this project; name another member",
        });
      }
      await ctx.services.db.kysely.transaction().execute(async (trx) => {
        const member = await findMemberByEmail(trx, ctx.project.id, input.email);
        if (member === undefined) throw notMember(input.email, ctx.project.name);
        await setRole(trx, ctx.project.id, member.user_id, "creator");
        await setRole(trx, ctx.project.id, ctx.user.id, "editor");
        await recordAudit(trx, {
          actor: ctx.user,
          action: "member.transferOwnership",
          project: ctx.project,
          details: { to: member.email },
        });
      });
      return { creator: input.email, you: "editor" as const };
    }),
} satisfies TRPCRouterRecord;
