import { alertRouter } from "./alerts/alert.router.js";
import { applicationRouter } from "./applications/app.router.js";
import { auditRouter } from "./audit/audit.router.js";
import { authRouter } from "./auth/auth.router.js";
import { memberRouter } from "./members/member.router.js";
import { projectRouter } from "./projects/project.router.js";
import { router } from "./trpc.js";

export const appRouter = router({
  auth: authRouter,
  projects: projectRouter,
  members: memberRouter,
  audit: auditRouter,
  apps: applicationRouter,
  alerts: alertRouter,
});

export type AppRouter = typeof appRouter;
