export { ConfigError, loadConfig, type Config } from "./config.js";
export { createLogger, type Logger } from "@babyhelm/api/runtime";
export { startServer, type RunningServer, type StartOptions } from "./server.js";
export { createWebAssetsHandler, type WebAssetsHandler } from "./http/web-assets.js";
