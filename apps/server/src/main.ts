// `npm start`: the product on the configured (by default embedded) database and cluster.
import { createLogger } from "@babyhelm/api/runtime";
import { ConfigError, loadConfig } from "./config.js";
import { startServer } from "./server.js";

/** A configuration error (a bad variable, a pack module that cannot load) ends the process with code 2. */
function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}

let config;
try {
  config = loadConfig();
} catch (error) {
  exitOnConfigError(error);
}
const logger = createLogger(config.logLevel);
const running = await startServer({ config, logger }).catch((error: unknown) => {
  if (error instanceof ConfigError) exitOnConfigError(error);
  logger.fatal({ err: error }, "BabyHelm could not start");
  process.exit(1);
});

// The JSON logs are for machines; whoever ran the start command gets one plain paragraph.
const lines = [`BabyHelm is running: open ${config.publicUrl?.href ?? running.url}`];
if (running.sandboxKubeconfigPath !== undefined) {
  lines.push(
    "It runs on the built-in sandbox cluster: nothing is really deployed, pods are simulated.",
    `See what it created with kubectl: export KUBECONFIG=${running.sandboxKubeconfigPath}`,
    "To use a real cluster, set BABYHELM_CLUSTER=kubeconfig (and KUBECONFIG, KUBE_CONTEXT).",
  );
}
process.stderr.write(`\n${lines.join("\n")}\n\n`);

// A second signal, or a shutdown past its grace (something would not close), exits at once: the pod's
// terminationGracePeriodSeconds would end it with SIGKILL anyway. A deploy cut short leaves no half-made state: its
// rows never committed, and the drift check's orphan pass removes objects it had applied (ORPHAN_GRACE_SECONDS).
let signals = 0;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (++signals > 1) process.exit(1);
    logger.info({ signal, graceSeconds: config.shutdownGraceMs / 1000 }, "shutting down");
    setTimeout(() => {
      logger.error({ graceSeconds: config.shutdownGraceMs / 1000 }, "shutdown grace ran out: exiting now");
      process.exit(1);
    }, config.shutdownGraceMs).unref();
    void running.stop().then(() => {
      logger.info("stopped");
      process.exit(0);
    });
  });
}
