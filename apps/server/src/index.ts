export type { AppRouter } from "./root.js";
export { appRouter } from "./root.js";
export { ConfigError, loadConfig, type Config } from "./config.js";
export { createLogger, type Logger } from "./logger.js";
export { startServer, type RunningServer, type StartOptions } from "./server.js";
export { createWebAssetsHandler, type WebAssetsHandler } from "./http/web-assets.js";
