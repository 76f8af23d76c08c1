import type { TRPCBuiltRouter, TRPCDecorateCreateRouterOptions } from "@trpc/server";
import { alertRouter } from "./alerts/alert.router.js";
import { applicationRouter } from "./applications/app.router.js";
import { auditRouter } from "./audit/audit.router.js";
import { authRouter } from "./auth/auth.router.js";
import { memberRouter } from "./members/member.router.js";
import { projectRouter } from "./projects/project.router.js";
import { router, type ErrorShape } from "./trpc.js";

// Plain records of procedures (not routers): their types name no context, so ClientRouter can be built from them.
const procedures = {
  auth: authRouter,
  projects: projectRouter,
  members: memberRouter,
  audit: auditRouter,
  apps: applicationRouter,
  alerts: alertRouter,
};

export const appRouter = router(procedures);

export type AppRouter = typeof appRouter;

/**
 * The router as its clients see it: every procedure with its input, output and errors, without the server's
 * request context, whose types (the database, the logger, the cluster) a client never needs. Its declarations are
 * what `@babyhelm/client` publishes; test/client-router.test.ts checks that it matches AppRouter.
 */
export type ClientRouter = TRPCBuiltRouter<
  { ctx: object; meta: object; errorShape: ErrorShape; transformer: false },
  TRPCDecorateCreateRouterOptions<typeof procedures>
>;
