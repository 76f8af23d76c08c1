// What clients of the API need: the router's type (ClientRouter for published clients, AppRouter in the workspace)
// and its inputs, outputs and errors.
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.js";

export { appRouter, type AppRouter, type ClientRouter } from "./root.js";
export type { ErrorShape } from "./trpc.js";
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type { LogLine } from "./applications/status/app-logs.stream.js";
