import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../audit/audit.repository.js";
import { projectName, takeInvitation } from "../members/invitation.repository.js";
import { addMember } from "../members/member.repository.js";
import { isUniqueViolation } from "../shared/db-errors.js";
import {
  conflictOn,
  FieldError,
  ForbiddenError,
  NotFoundError,
  PreconditionError,
} from "../shared/errors.js";
import { emailSchema } from "../shared/names.js";
import { int4 } from "../shared/numbers.js";
import { decodeCursor, pageInput, toPage } from "../shared/pagination.js";
import { authedProcedure, publicProcedure, RetryAfter } from "../trpc.js";
import { createApiToken, listApiTokens, revokeApiToken } from "./api-token.repository.js";
import { PASSWORD_MAX_LENGTH, passwordWeakness } from "./password.js";
import { revokeCredentials } from "./revocation.service.js";
import {
  createSession,
  invalidateSession,
  invalidateUserSessions,
  listUserSessions,
  revokeUserSession,
} from "./session.repository.js";
import { findUserByEmail, insertUser } from "./user.repository.js";

const credentials = z.object({
  email: emailSchema,
  password: z.string().max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`),
});

const loginMode = z.enum(["cookie", "token"]).default("cookie");

const sessionsRouter = {
  list: authedProcedure.input(z.object(pageInput).default({ limit: 20 })).query(async ({ ctx, input }) => {
    const offset = decodeCursor(input.cursor, int4(0)) ?? 0;
    const rows = await listUserSessions(
      ctx.services.db.kysely,
      ctx.user.id,
      ctx.services.now(),
      offset,
      input.limit,
    );
    const current = "sessionId" in ctx.auth ? ctx.auth.sessionId : undefined;
    return toPage(
      rows,
      input.limit,
      (row) => ({
        // The id is the token's hash: revealing it to its owner grants nothing.
        id: row.id,
        current: row.id === current,
        createdAt: row.created_at.toISOString(),
        lastSeenAt: row.last_seen_at.toISOString(),
        expiresAt: row.expires_at.toISOString(),
        userAgent: row.user_agent,
      }),
      () => offset + input.limit,
    );
  }),
  revoke: authedProcedure
    .input(z.object({ id: z.string().min(1).max(128) }))
    .mutation(async ({ ctx, input }) => {
      const revoked = await revokeCredentials(ctx.services, { kind: "session", sessionId: input.id }, (db) =>
        revokeUserSession(db, ctx.user.id, input.id),
      );
      if (!revoked) throw new NotFoundError("No such session of yours.");
      if ("sessionId" in ctx.auth && ctx.auth.sessionId === input.id && ctx.auth.method === "cookie") {
        ctx.clearSessionCookie();
      }
      return { revoked: true };
    }),
} satisfies TRPCRouterRecord;

const tokensRouter = {
  create: authedProcedure
    .input(
      z.object({
        name: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
        expiresInDays: z.number().int().min(1).max(3650).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const now = ctx.services.now();
      const expiresAt =
        input.expiresInDays === undefined ? null : new Date(now.getTime() + input.expiresInDays * 86_400_000);
      const created = await createApiToken(ctx.services.db.kysely, ctx.user.id, input.name, expiresAt).catch(
        (error: unknown) => {
          // Names tell tokens apart in the list: a second "deploy" (a double click, a rerun script) is refused.
          if (isUniqueViolation(error)) {
            throw conflictOn(
              "name",
              "is the name of another of your tokens: choose another name, or revoke that token first",
              `You already have an API token named "${input.name}": choose another name, or revoke that token first.`,
            );
          }
          throw error;
        },
      );
      await recordAudit(ctx.services.db.kysely, {
        actor: ctx.user,
        action: "token.create",
        details: { name: input.name, prefix: created.prefix },
      });
      return {
        id: created.id,
        name: created.name,
        prefix: created.prefix,
        expiresAt: created.expires_at?.toISOString() ?? null,
        /** Shown once: only its hash is kept. */
        token: created.token,
      };
    }),
  list: authedProcedure.input(z.object(pageInput).default({ limit: 20 })).query(async ({ ctx, input }) => {
    const offset = decodeCursor(input.cursor, int4(0)) ?? 0;
    const rows = await listApiTokens(ctx.services.db.kysely, ctx.user.id, offset, input.limit);
    return toPage(
      rows,
      input.limit,
      (row) => ({
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        createdAt: row.created_at.toISOString(),
        expiresAt: row.expires_at?.toISOString() ?? null,
        lastUsedAt: row.last_used_at?.toISOString() ?? null,
      }),
      () => offset + input.limit,
    );
  }),
  revoke: authedProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    const revoked = await revokeCredentials(ctx.services, { kind: "api-token", tokenId: input.id }, (db) =>
      revokeApiToken(db, ctx.user.id, input.id),
    );
    if (!revoked) throw new NotFoundError("No such API token of yours.");
    return { revoked: true };
  }),
} satisfies TRPCRouterRecord;

function tooMany(what: string, seconds: number): TRPCError {
  return new TRPCError({
    code: "TOO_MANY_REQUESTS",
    message: `Too many ${what}. Try again in ${seconds} s.`,
    cause: new RetryAfter(seconds),
  });
}

export const authRouter = {
  register: publicProcedure
    .input(
      credentials.extend({
        mode: loginMode,
        /** The secret of an invitation link (`/register?invite=…`): the account joins the inviting project. */
        invite: z.string().trim().min(1).max(100).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { registration } = ctx.services.config;
      if (registration === "closed") {
        throw new ForbiddenError(
          "Registration is closed on this server: ask an operator of this BabyHelm for an account.",
        );
      }
      if (registration === "invite" && input.invite === undefined) {
        throw new ForbiddenError(
          "Registration on this server is by invitation: ask a project's creator to add your email, then open the link they get.",
        );
      }
      const wait = await ctx.services.registrationLimit.hit(ctx.clientIp);
      if (wait !== undefined) throw tooMany("accounts created from your address", wait);
      const weakness = passwordWeakness(input.password, input.email);
      if (weakness !== undefined) throw new FieldError([{ path: "password", message: weakness }]);
      const { db, passwords } = ctx.services;
      const passwordHash = await passwords.hash(input.password);
      // The account, its membership and the used invitation in one transaction: a refusal leaves the link working.
      const user = await db.kysely.transaction().execute(async (trx) => {
        const invitation =
          input.invite === undefined
            ? undefined
            : await takeInvitation(trx, input.invite, ctx.services.now());
        if (input.invite !== undefined && invitation === undefined) {
          throw new FieldError([
            {
              path: "invite",
              message: "is unknown, used or expired: ask the project's creator for a new link",
            },
          ]);
        }
        if (invitation !== undefined && invitation.email.toLowerCase() !== input.email.toLowerCase()) {
          throw new FieldError([
            { path: "email", message: "must be the address the invitation was sent to" },
          ]);
        }
        const created = await insertUser(trx, input.email, passwordHash);
        if (created === undefined) {
          throw conflictOn(
            "email",
            "is already registered: sign in instead",
            "An account with this email already exists: sign in instead.",
          );
        }
        const actor = { id: created.id, email: created.email };
        await recordAudit(trx, { actor, action: "user.register" });
        if (invitation !== undefined) {
          await addMember(trx, invitation.project_id, created.id, invitation.role);
          await recordAudit(trx, {
            actor,
            action: "invitation.accept",
            project: await projectName(trx, invitation.project_id),
            details: { email: created.email, role: invitation.role },
          });
        }
        return created;
      });
      const session = await createSession(db.kysely, user.id, ctx.userAgent, ctx.services.now());
      if (input.mode === "cookie") ctx.setSessionCookie(session.token, session.expiresAt);
      return {
        user: { id: user.id, email: user.email },
        token: input.mode === "token" ? session.token : undefined,
      };
    }),

  login: publicProcedure.input(credentials.extend({ mode: loginMode })).mutation(async ({ ctx, input }) => {
    const { db, passwords, loginLimits } = ctx.services;
    const emailKey = input.email.toLowerCase();
    const user = await loginLimits.failuresByEmail.exclusive(emailKey, async () => {
      // Refused before the password is checked, so that guesses during a wait tell nothing and cost no hashing.
      const { wait, emailFailures } = await loginLimits.admit(ctx.clientIp, emailKey);
      if (wait !== undefined) throw tooMany("sign-in attempts", wait);
      const found = await findUserByEmail(db.kysely, input.email);
      const valid =
        found === undefined
          ? await passwords.verifyNothing(input.password)
          : await passwords.verify(found.password_hash, input.password);
      if (found === undefined || !valid) {
        await loginLimits.failuresByEmail.fail(emailKey);
        await loginLimits.failuresByIp.fail(ctx.clientIp);
        throw new TRPCError({ code: "UNAUTHORIZED", message: "Wrong email or password." });
      }
      // Only the email's count: were a success to clear the address's, guessing from an address would be free to
      // anyone who signs in to an account of their own between guesses.
      if (emailFailures) await loginLimits.failuresByEmail.succeed(emailKey);
      return found;
    });
    const session = await createSession(db.kysely, user.id, ctx.userAgent, ctx.services.now());
    if (input.mode === "cookie") ctx.setSessionCookie(session.token, session.expiresAt);
    return {
      user: { id: user.id, email: user.email },
      expiresAt: session.expiresAt.toISOString(),
      token: input.mode === "token" ? session.token : undefined,
    };
  }),

  /**
   * Ends the session the request came with. An API token is no session: scripts and CI share one, so signing out
   * must not silently destroy it; the caller is told how to revoke it instead.
   */
  logout: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.auth.method === "api-token") {
      throw new PreconditionError(
        "This request came with an API token, which signing out does not end: revoke it with auth.tokens.revoke({ id }) (or on the dashboard's API tokens page) if you no longer want it to work.",
      );
    }
    if ("sessionId" in ctx.auth) {
      const { sessionId } = ctx.auth;
      await revokeCredentials(ctx.services, { kind: "session", sessionId }, (db) =>
        invalidateSession(db, sessionId),
      );
    }
    ctx.clearSessionCookie();
    return { signedOut: true };
  }),

  logoutAll: authedProcedure.mutation(async ({ ctx }) => {
    const count = await revokeCredentials(
      ctx.services,
      { kind: "user-sessions", userId: ctx.user.id },
      (db) => invalidateUserSessions(db, ctx.user.id),
    );
    ctx.clearSessionCookie();
    return { signedOut: count };
  }),

  me: publicProcedure.query(async ({ ctx }) => {
    const auth = await ctx.authenticate();
    return auth === null ? null : { id: auth.user.id, email: auth.user.email, via: auth.method };
  }),

  sessions: sessionsRouter,
  tokens: tokensRouter,
} satisfies TRPCRouterRecord;
