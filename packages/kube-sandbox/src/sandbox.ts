// startSandbox: the store, the simulated controllers, and the HTTP API server in front of them.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { stringify as toYaml } from "yaml";
import type { Simulation } from "./contract.js";
import { FaultInjector, type Faults } from "./faults.js";
import type { AuthorizationDecision } from "./server/authorization.js";
import type { ServerContext } from "./server/context.js";
import { ServiceAllocator } from "./server/defaults.js";
import { NamespaceLifecycle } from "./server/namespaces.js";
import { createRouter } from "./server/router.js";
import { loadSchemas } from "./server/schema.js";
import { ServiceAccountTokens } from "./server/service-account-tokens.js";
import { WatchHub } from "./server/watch.js";
import { startSimulation } from "./simulation/index.js";
import { loadOrCreateCredentials, loadSnapshot, SnapshotWriter, type Credentials } from "./snapshot.js";
import { MemoryObjectStore } from "./store/object-store.js";
import { createSelfSignedCertificate, isUsable } from "./tls.js";

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where state is saved and restored from; in memory only when absent. */
  dataDir?: string;
  /** How long simulated pods take to become Ready (default 1000 ms). */
  readyDelayMs?: number;
  /**
   * Run the simulated controllers and kubelet (default true). Without them the sandbox is a bare API server:
   * nothing reacts to stored objects, and pod logs and metrics are empty.
   */
  simulate?: boolean;
  /** How long a deleted namespace stays Terminating before its content and itself are removed (default 20 ms). */
  namespaceTerminationMs?: number;
  /** How often watches with allowWatchBookmarks=true get a BOOKMARK (default 5000 ms). */
  bookmarkIntervalMs?: number;
  /**
   * How many changes a watch can resume across (default 10,000); a watch from an older resourceVersion gets
   * 410 Gone, as after etcd compaction on a real cluster.
   */
  watchHistory?: number;
  /**
   * Serve HTTPS with a self-signed certificate (in the kubeconfig as certificate-authority-data). Needed for
   * kubectl, which never sends a bearer token over plain HTTP. Default false: plain HTTP.
   */
  tls?: boolean;
}

export interface Kubeconfig {
  apiVersion: "v1";
  kind: "Config";
  clusters: {
    name: string;
    cluster: { server: string; "certificate-authority-data"?: string; "insecure-skip-tls-verify"?: boolean };
  }[];
  users: { name: string; user: { token: string } }[];
  contexts: { name: string; context: { cluster: string; user: string; namespace: string } }[];
  "current-context": string;
  preferences: Record<string, never>;
}

export interface Sandbox {
  url: string;
  kubeconfig: Kubeconfig;
  kubeconfigYaml: string;
  token: string;
  faults: Faults;
  /** Direct access to the objects, for test setup and assertions. */
  store: MemoryObjectStore;
  /**
   * A token for an existing ServiceAccount (what the TokenRequest API and the kubelet's projected volume give a
   * pod); requests with it are judged by RBAC. Throws when the ServiceAccount does not exist.
   */
  serviceAccountToken(namespace: string, name: string, options?: { expirationSeconds?: number }): string;
  /**
   * Ticks a CronJob as if its next scheduled time had come now, so tests need not wait for the schedule: returns the
   * name of the Job it started, or undefined when the CronJob started none (suspended, or concurrencyPolicy Forbid
   * with a run still active). Throws when the CronJob does not exist or the sandbox does not simulate.
   */
  runCronJobNow(namespace: string, name: string): string | undefined;
  /** Calls `listener` with every RBAC decision (what an audit log records); returns a function that stops it. */
  observeAuthorizations(listener: (decision: AuthorizationDecision) => void): () => void;
  stop(): Promise<void>;
}

const CONTEXT_NAME = "kube-sandbox";

function kubeconfigFor(url: string, credentials: Credentials): Kubeconfig {
  const { token, tls } = credentials;
  // client-node 1.4 refuses a plain-HTTP server unless TLS verification is "skipped" (there is none to skip).
  const authority = tls
    ? { "certificate-authority-data": Buffer.from(tls.certPem).toString("base64") }
    : { "insecure-skip-tls-verify": true };
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: CONTEXT_NAME, cluster: { server: url, ...authority } }],
    users: [{ name: CONTEXT_NAME, user: { token } }],
    contexts: [
      { name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user: CONTEXT_NAME, namespace: "default" } },
    ],
    "current-context": CONTEXT_NAME,
    preferences: {},
  };
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? "127.0.0.1";
  const complete = (stored: Partial<Credentials>): Credentials => ({
    token: stored.token ?? randomBytes(24).toString("base64url"),
    ...(options.tls
      ? { tls: stored.tls && isUsable(stored.tls) ? stored.tls : createSelfSignedCertificate() }
      : {}),
  });
  const [snapshot, credentials] = options.dataDir
    ? await Promise.all([loadSnapshot(options.dataDir), loadOrCreateCredentials(options.dataDir, complete)])
    : [undefined, complete({})];
  const { token } = credentials;
  await loadSchemas();

  const store = new MemoryObjectStore(snapshot);
  const hub = new WatchHub(store, options.watchHistory);
  const namespaces = new NamespaceLifecycle(store, options.namespaceTerminationMs ?? 20);
  namespaces.ensureInitial();
  const writer = options.dataDir ? new SnapshotWriter(store, options.dataDir) : undefined;
  const simulation: Simulation | undefined =
    options.simulate === false
      ? undefined
      : startSimulation(store, { readyDelayMs: options.readyDelayMs ?? 1000 });
  const context: ServerContext = {
    store,
    hub,
    namespaces,
    simulation,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 5000,
    services: new ServiceAllocator(store.list("services")),
  };

  const injector = new FaultInjector();
  const tokens = new ServiceAccountTokens(token, store);
  const authorizationListeners = new Set<(decision: AuthorizationDecision) => void>();
  const router = createRouter(context, {
    token,
    tokens,
    faults: injector,
    onAuthorization: (decision) => {
      for (const listener of authorizationListeners) listener(decision);
    },
  });
  const handle = (...args: Parameters<typeof router>): void => {
    void router(...args);
  };
  const server: Server = credentials.tls
    ? createTlsServer(
        { keepAliveTimeout: 65_000, key: credentials.tls.keyPem, cert: credentials.tls.certPem },
        handle,
      )
    : createServer({ keepAliveTimeout: 65_000 }, handle);
  const sockets = new Set<Socket>();
  server.on(credentials.tls ? "secureConnection" : "connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const stopBehindServer = async (): Promise<void> => {
    simulation?.stop();
    namespaces.stop();
    hub.close();
    await writer?.close();
  };
  let address: AddressInfo;
  try {
    address = await listen(server, options.port ?? 0, host);
  } catch (error) {
    // A taken port: leave nothing running behind.
    await stopBehindServer();
    throw error;
  }
  const url = `${credentials.tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${address.port}`;

  const closeServer = async (): Promise<void> => {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  const faults: Faults = {
    fail: (failure) => {
      injector.fail(failure);
    },
    delay: (ms, match) => {
      injector.delay(ms, match);
    },
    clear: () => {
      injector.clear();
    },
    observe: (listener) => injector.observe(listener),
    down: closeServer,
    up: async () => {
      if (!server.listening) await listen(server, address.port, host);
    },
  };

  const kubeconfig = kubeconfigFor(url, credentials);
  return {
    url,
    kubeconfig,
    kubeconfigYaml: toYaml(kubeconfig),
    token,
    faults,
    store,
    serviceAccountToken: (namespace, name, tokenOptions = {}) => {
      const issued = tokens.issue(namespace, name, tokenOptions);
      if (!issued) throw new Error(`serviceaccounts "${name}" not found in the namespace "${namespace}"`);
      return issued.token;
    },
    runCronJobNow: (namespace, name) => {
      if (!simulation) throw new Error("runCronJobNow needs the simulation (simulate: true)");
      return simulation.runCronJobNow(namespace, name);
    },
    observeAuthorizations: (listener) => {
      authorizationListeners.add(listener);
      return () => authorizationListeners.delete(listener);
    },
    stop: async () => {
      await closeServer();
      await stopBehindServer();
    },
  };
}
