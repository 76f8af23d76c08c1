// `npm start`: the product on the configured (by default embedded) database and cluster.
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { startServer } from "./server.js";

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
const logger = createLogger(config.logLevel);
const running = await startServer({ config, logger }).catch((error: unknown) => {
  logger.fatal({ err: error }, "BabyHelm could not start");
  process.exit(1);
});

let signals = 0;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (++signals > 1) process.exit(1);
    logger.info({ signal }, "shutting down");
    void running.stop().then(() => process.exit(0));
  });
}
