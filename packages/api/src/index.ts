// What clients of the API need: the router's type (the typed client and the dashboard) and its inputs and outputs.
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.js";

export { appRouter, type AppRouter } from "./root.js";
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type { LogLine } from "./applications/status/app-logs.stream.js";
