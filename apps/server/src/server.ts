// Starts the product: database (migrated), cluster (the in-process sandbox unless configured otherwise), HTTP.
import { setMaxListeners } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import {
  ClusterState,
  ConcurrencyLimit,
  createAlertNotifier,
  createCluster,
  createLogger,
  createPasswordHasher,
  createSecretBox,
  createTelemetry,
  CredentialCache,
  DatabaseLimitStore,
  LoginLimits,
  MemoryLimitStore,
  RateLimiter,
  sealStoredAlertTargets,
  startDriftChecker,
  startMetricsSampler,
  startRevocationBus,
  type Cluster,
  type Logger,
  type PasswordCost,
  type RevocationBus,
  type Services,
} from "@babyhelm/api/runtime";
import { createDb, type Db } from "@babyhelm/db";
import { startSandbox, type Sandbox } from "@babyhelm/kube-sandbox";
import { createRenderer, type Pack } from "@babyhelm/manifest-sdk";
import type { Config } from "./config.js";
import { createHttpServer, type HttpServerOptions } from "./http/http-server.js";
import { createWebAssetsHandler } from "./http/web-assets.js";
import { serverPacks } from "./operator-packs.js";

export interface StartOptions {
  config: Config;
  /** A database to use instead of the configured one; the caller closes it. */
  db?: Db;
  /** A cluster to use instead of the configured one (tests pass a sandbox of their own). */
  cluster?: Cluster;
  logger?: Logger;
  passwordCost?: PasswordCost;
  /** How long sandbox pods take to become Ready, when the server starts the sandbox. */
  sandboxReadyDelayMs?: number;
  now?: () => Date;
  http?: HttpServerOptions;
  /** The template packs to offer (default: the built-in packs and those of the config's BABYHELM_PACKS modules). */
  packs?: readonly Pack[];
  /** How long start-up waits for the cluster cache's first lists before serving anyway (default 15 s). */
  cacheSyncWaitMs?: number;
}

export interface RunningServer {
  url: string;
  services: Services;
  /** The in-process sandbox, when the server started one. */
  sandbox: Sandbox | undefined;
  /** Where the sandbox's kubeconfig was written, for kubectl. */
  sandboxKubeconfigPath: string | undefined;
  /** On PostgreSQL: the listener through which other replicas' revocations reach this one's credential cache. */
  revocations: RevocationBus | undefined;
  /**
   * Shuts down as a replica should (SIGTERM): /readyz answers 503 at once, no new connection is taken, streams end
   * so that their clients reconnect elsewhere and resume, periodic jobs stop, requests in flight (deploys) finish for
   * up to SHUTDOWN_GRACE_SECONDS less a margin (then their connections are cut), then the cluster cache, the sandbox
   * and the database close.
   */
  stop(): Promise<void>;
}

const HOUR_MS = 60 * 60 * 1000;
const CACHE_SYNC_WAIT_MS = 15_000;
/** Of the shutdown grace, what is kept for what closes after the HTTP server (jobs, cache, database). */
const AFTER_HTTP_MS = 3_000;
const LISTEN_WAIT_MS = 5_000;

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const cleanups: (() => Promise<void>)[] = [];
  // Before anything opens: a pack that cannot load is a configuration error, like a bad variable.
  const packs = options.packs ?? (await serverPacks(config.packModules));
  const stopping = new AbortController();
  // Every open stream listens for the stop.
  setMaxListeners(0, stopping.signal);
  try {
    const db = options.db ?? (await openDatabase(config));
    if (options.db === undefined) cleanups.push(() => db.close());
    const migrated = await db.migrate();
    logger.info({ database: db.description, migrated }, "database ready");

    let sandbox: Sandbox | undefined;
    let sandboxKubeconfigPath: string | undefined;
    let cluster = options.cluster;
    if (cluster === undefined && config.cluster.mode === "sandbox") {
      sandbox = await startSandbox({
        dataDir: join(config.dataDir, "sandbox"),
        tls: true,
        ...(options.sandboxReadyDelayMs === undefined ? {} : { readyDelayMs: options.sandboxReadyDelayMs }),
      });
      const started = sandbox;
      cleanups.push(() => started.stop());
      mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
      sandboxKubeconfigPath = join(config.dataDir, "sandbox-kubeconfig.yaml");
      writeFileSync(sandboxKubeconfigPath, sandbox.kubeconfigYaml, { mode: 0o600 });
      cluster = createCluster({ mode: "sandbox", kubeconfigYaml: sandbox.kubeconfigYaml });
      logger.info(
        { cluster: sandbox.url, kubeconfig: sandboxKubeconfigPath },
        `sandbox cluster started (nothing really runs); kubectl: export KUBECONFIG=${sandboxKubeconfigPath}`,
      );
    }
    cluster ??= createCluster(
      config.cluster.mode === "kubeconfig"
        ? {
            mode: "kubeconfig",
            kubeconfigPath: config.cluster.kubeconfigPath,
            context: config.cluster.context,
          }
        : { ...config.cluster, mode: "in-cluster" },
    );

    const now = options.now ?? (() => new Date());
    const clock = () => now().getTime();
    const clusterState = new ClusterState(cluster, { logger, now: clock });
    clusterState.start();
    cleanups.push(() => clusterState.stop());
    // Served either way: /readyz says "not ready" until the cache has listed everything once.
    if (!(await clusterState.whenSynced(options.cacheSyncWaitMs ?? CACHE_SYNC_WAIT_MS))) {
      logger.warn(
        { cluster: cluster.server, error: clusterState.staleness()?.error?.message },
        "the cluster cache has not loaded yet; the server starts anyway and reports not ready until it has",
      );
    }
    const telemetry = createTelemetry(db, clusterState);
    const secrets = createSecretBox({ secretKey: config.secretKey, dataDir: config.dataDir });
    const sealed = await sealStoredAlertTargets(db.kysely, secrets);
    if (sealed > 0)
      logger.info({ sealed }, "sealed the secrets of alert targets stored before sealing existed");
    if (config.secretKey === undefined && config.databaseUrl !== undefined) {
      logger.warn(
        { keyFile: secrets.keySource },
        "BABYHELM_SECRET_KEY is not set: stored alert targets are sealed with this server's key file, which other servers on this database cannot read; give every server the same BABYHELM_SECRET_KEY (the key file's content keeps what is stored readable)",
      );
    }
    // Shared by every replica on PostgreSQL: N replicas refuse at the limits of one.
    const limitStore =
      db.backend === "postgres"
        ? new DatabaseLimitStore(db.kysely, (error) => {
            logger.warn({ err: error }, "sweeping expired sign-in counters failed; the next sweep retries");
          })
        : new MemoryLimitStore();
    if (config.trustProxy.kind === "hops" && config.trustProxy.deprecated !== undefined) {
      logger.warn(config.trustProxy.deprecated);
    }
    const alerts = createAlertNotifier({ db, config, secrets, logger, telemetry, now });
    // Alerts in flight finish (or time out) before the database closes.
    cleanups.push(() => alerts.drain());
    const credentials = new CredentialCache({ ttlMs: config.credentialCacheTtlMs });
    const revocations = startRevocationBus(db, credentials, logger);
    if (revocations !== undefined) {
      cleanups.push(() => revocations.stop());
      // Until then every request looks its credential up: correct, only slower.
      if (!(await revocations.whenListening(LISTEN_WAIT_MS))) {
        logger.warn(
          "not yet listening for revocations; the server starts anyway, with its credential cache off",
        );
      }
    }
    const services: Services = {
      config,
      logger,
      secrets,
      db,
      cluster,
      clusterState,
      renderer: createRenderer({ packs, defaultPack: config.defaultPack }),
      passwords: createPasswordHasher(options.passwordCost),
      loginLimits: new LoginLimits(limitStore, clock),
      registrationLimit: new RateLimiter(
        limitStore,
        "registration-ip",
        config.limits.registrationsPerIpPerHour,
        HOUR_MS,
        clock,
      ),
      logStreams: new ConcurrencyLimit(config.limits.logStreamsPerUser),
      credentials,
      now,
      telemetry,
      alerts,
      stopping: stopping.signal,
    };

    // Each runs on one replica at a time (an advisory lock in the database); stopping waits for a run in progress.
    const jobs: { stop(): Promise<void> }[] = [];
    if (config.driftCheckIntervalMs > 0) jobs.push(startDriftChecker(services));
    // With Prometheus configured the charts read it; otherwise the server keeps its own 24 h of samples.
    if (config.metricsSampleIntervalMs > 0 && config.prometheusUrl === undefined) {
      jobs.push(startMetricsSampler(services, config.metricsSampleIntervalMs));
    }
    const stopJobs = async () => {
      await Promise.all(jobs.map((job) => job.stop()));
    };
    cleanups.push(stopJobs);

    const server = createHttpServer(
      services,
      options.http ?? { fallback: createWebAssetsHandler(config.webDir) },
    );
    await listen(server, config.port, config.host);
    // Jobs stop while requests finish: no new drift check starts on a server on its way out.
    const drainMs = Math.max(1_000, config.shutdownGraceMs - AFTER_HTTP_MS);
    cleanups.push(async () => {
      await Promise.all([close(server, drainMs, logger), stopJobs()]);
    });
    const { port } = server.address() as AddressInfo;
    const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
    const url = `http://${host}:${port}`;
    logger.info(
      { url, publicUrl: config.publicUrl?.href, cluster: cluster.mode },
      `BabyHelm is listening: open ${config.publicUrl?.href ?? url}`,
    );

    let stopped: Promise<void> | undefined;
    return {
      url,
      services,
      sandbox,
      sandboxKubeconfigPath,
      revocations,
      stop: () => {
        stopping.abort();
        return (stopped ??= runCleanups(cleanups));
      },
    };
  } catch (error) {
    stopping.abort();
    await runCleanups(cleanups);
    throw error;
  }
}

function openDatabase(config: Config): Promise<Db> {
  return config.databaseUrl === undefined
    ? createDb({ dataDir: config.dataDir })
    : createDb({ databaseUrl: config.databaseUrl, poolSize: 20 });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/**
 * Stops taking connections and closes idle keep-alive ones; requests in flight finish (their connections close after
 * their answer), for up to `drainMs`, after which the connections still open are cut.
 */
function close(server: Server, drainMs: number, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const cut = setTimeout(() => {
      logger.warn(
        { drainMs },
        "requests still running when the shutdown grace ran out: cutting their connections",
      );
      server.closeAllConnections();
    }, drainMs);
    cut.unref();
    // A keep-alive connection whose request finishes after this is idle then: closed within a moment, not after
    // the keep-alive timeout.
    const idle = setInterval(() => {
      server.closeIdleConnections();
    }, 100);
    server.close(() => {
      clearTimeout(cut);
      clearInterval(idle);
      resolve();
    });
    server.closeIdleConnections();
  });
}

async function runCleanups(cleanups: (() => Promise<void>)[]): Promise<void> {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}
