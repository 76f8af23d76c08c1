// The tRPC bootstrap: the error shape, and the procedures every router builds on (the context is context.ts).
import {
  getTRPCErrorFromUnknown,
  initTRPC,
  TRPCError,
  type TRPCDefaultErrorData,
  type TRPCDefaultErrorShape,
} from "@trpc/server";
import { z } from "zod";
import type { ProjectRole } from "@babyhelm/db";
import type { Context } from "./context.js";
import { findMembership } from "./projects/project.repository.js";
import type { Services } from "./services.js";
import {
  DeletedError,
  DomainError,
  FieldError,
  toTRPCError,
  type Deletion,
  type FieldIssue,
} from "./shared/errors.js";
import { projectRef } from "./shared/names.js";
import { malformedText } from "./shared/well-formed-input.js";

const t = initTRPC.context<Context>().create({
  // Pings keep streams (rollout progress, logs) alive through proxies that close quiet connections.
  sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 20_000 } },
  errorFormatter({ shape, error }): ErrorShape {
    return {
      ...shape,
      data: {
        ...shape.data,
        stack: undefined,
        issues: error.cause instanceof DomainError ? error.cause.issues : zodIssues(error.cause),
        retryAfterSeconds: error.cause instanceof RetryAfter ? error.cause.seconds : undefined,
        deleted: error.cause instanceof DeletedError ? error.cause.deleted : undefined,
      },
    };
  },
});

/** The errors clients get: tRPC's, with the refused fields of an input and when a refused call may be retried. */
export interface ErrorShape extends TRPCDefaultErrorShape {
  data: TRPCDefaultErrorData & {
    issues: FieldIssue[] | undefined;
    retryAfterSeconds: number | undefined;
    /** Set when what was asked for existed and was deleted: by whom (an email, when known) and when. */
    deleted: Deletion | undefined;
  };
}

/** Attached as a TOO_MANY_REQUESTS error's cause: clients read `data.retryAfterSeconds`. */
export class RetryAfter extends Error {
  constructor(readonly seconds: number) {
    super(`retry after ${seconds} s`);
  }
}

function zodIssues(cause: unknown): { path: string; message: string }[] | undefined {
  if (!(cause instanceof z.ZodError)) return undefined;
  return cause.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path)
    text += typeof key === "number" ? `[${key}]` : text === "" ? String(key) : `.${String(key)}`;
  return text;
}

export const router = t.router;

/**
 * Every procedure's first middleware: refuses text the database cannot store (see shared/well-formed-input.ts), for
 * every procedure at once, and mutations sent by another site's pages (CSRF: browsers always name the page's origin
 * on them); logs each call, and turns library errors (bad specs, cluster refusals) into errors a client can act on.
 * One middleware rather than one per concern: tRPC copies a call's options twice for each middleware it passes.
 */
export const publicProcedure = t.procedure.use(async ({ ctx, path, type, getRawInput, next }) => {
  const started = performance.now();
  try {
    const issue = malformedText(await getRawInput());
    if (issue !== undefined) throw new FieldError([issue], "The input is not valid");
    if (type === "mutation" && ctx.foreignOrigin !== undefined) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `Cross-site request refused: origin ${ctx.foreignOrigin} is not this server's`,
      });
    }
  } catch (cause) {
    // tRPC turns a TRPCError thrown here into the failed result that `next()` would have returned.
    throw failed(ctx, path, type, started, getTRPCErrorFromUnknown(cause));
  }
  const result = await next();
  if (result.ok) {
    const durationMs = roundedMsSince(started);
    ctx.services.telemetry.procedureDone(path, type, "OK", durationMs / 1000);
    ctx.log.debug({ procedure: path, type, durationMs }, "procedure ok");
    return result;
  }
  return { ...result, error: failed(ctx, path, type, started, result.error) };
});

function roundedMsSince(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

/** Records and logs a call that failed, and the error its caller gets. */
function failed(ctx: Context, path: string, type: string, started: number, error: TRPCError): TRPCError {
  const durationMs = roundedMsSince(started);
  // tRPC wraps anything a procedure throws that is not a TRPCError as an INTERNAL_SERVER_ERROR with it as cause.
  const thrown = error.code === "INTERNAL_SERVER_ERROR" ? (error.cause ?? error) : error;
  const converted = toTRPCError(thrown);
  const trpcError =
    converted instanceof TRPCError
      ? converted
      : new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "", cause: converted });
  ctx.services.telemetry.procedureDone(path, type, trpcError.code, durationMs / 1000);
  if (trpcError.code === "INTERNAL_SERVER_ERROR") {
    ctx.log.error(
      { procedure: path, type, durationMs, err: trpcError.cause ?? trpcError },
      "procedure failed",
    );
    trpcError.message = `Internal error (request ${ctx.requestId}); the server log has the details.`;
  } else {
    ctx.log.info(
      { procedure: path, type, durationMs, code: trpcError.code, reason: trpcError.message },
      "procedure refused",
    );
  }
  return trpcError;
}

export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const auth = await ctx.authenticate();
  if (auth === null) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first (your session may have expired)." });
  }
  return next({ ctx: { auth, user: auth.user } });
});

const roleRank: Record<ProjectRole, number> = { viewer: 0, editor: 1, creator: 2 };

const whatRoleAllows: Record<ProjectRole, string> = {
  viewer: "viewers can only look",
  editor: "editors can manage applications but not the project or its members",
  creator: "",
};

async function requireMembership(
  ctx: { services: Services; user: { id: string } },
  name: string,
  minimum: ProjectRole,
) {
  const membership = await findMembership(ctx.services.db.kysely, name, ctx.user.id);
  if (membership === undefined) {
    throw new TRPCError({
      code: "NOT_FOUND",
      message: `No project named "${name}" (or you are not a member of it).`,
    });
  }
  if (roleRank[membership.role] < roleRank[minimum]) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: `Your role in "${name}" is ${membership.role}: ${whatRoleAllows[membership.role]}. Ask a creator of the project for the ${minimum} role.`,
    });
  }
  return membership;
}

/**
 * A procedure on one project (input `{ project }`), for members with at least `minimum` role. Non-members get
 * NOT_FOUND, exactly as for a project that does not exist, so that names of others' projects do not leak.
 */
export function projectProcedure(minimum: ProjectRole) {
  return authedProcedure.input(z.object({ project: projectRef })).use(async ({ ctx, input, next }) => {
    const { project, role } = await requireMembership(ctx, input.project, minimum);
    return next({ ctx: { project, role } });
  });
}

/** The same for the `projects.*` procedures, which name the project `{ name }`. */
export function namedProjectProcedure(minimum: ProjectRole) {
  return authedProcedure.input(z.object({ name: projectRef })).use(async ({ ctx, input, next }) => {
    const { project, role } = await requireMembership(ctx, input.name, minimum);
    return next({ ctx: { project, role } });
  });
}
