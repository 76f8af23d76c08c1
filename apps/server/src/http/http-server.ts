// The HTTP layer: request ids and security headers on every answer, the allowed methods, then tRPC at /trpc, the
// health, readiness and metrics endpoints, and whatever the fallback serves (the dashboard's files).
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createContextFactory, tagRequest, type Services } from "@babyhelm/api/runtime";
import { holdsMetricsToken, serveMetrics } from "./metrics-endpoint.js";
import { createTrpcHandler } from "./trpc-handler.js";

export interface HttpServerOptions {
  /** Extra request handling after /trpc, /healthz and /readyz (the web app's files); false = not handled. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
}

const READY_CHECK_TIMEOUT_MS = 3_000;
/** The dashboard batches a page's queries; a few dozen is plenty, and a batch of thousands is an attack. */
export const MAX_BATCH_SIZE = 50;
const TRPC_METHODS = new Set(["GET", "POST"]);
const READ_METHODS = new Set(["GET", "HEAD"]);

export function createHttpServer(services: Services, options: HttpServerOptions = {}): Server {
  const trpc = createTrpcHandler({
    createContext: createContextFactory(services),
    // Specs and manifests are small; a larger body is a mistake or an attack on memory.
    maxBodySize: 1024 * 1024,
    maxBatchSize: MAX_BATCH_SIZE,
  });

  const server = createServer((req, res) => {
    const headerId = req.headers["x-request-id"];
    const requestId =
      typeof headerId === "string" && /^[\w.-]{1,64}$/.test(headerId) ? headerId : randomUUID();
    tagRequest(req, requestId);
    res.setHeader("X-Request-Id", requestId);
    res.setHeader("X-Content-Type-Options", "nosniff");
    const path = (req.url ?? "/").split("?", 1)[0]!;
    const api = path.startsWith("/trpc/");
    const allowed = api ? TRPC_METHODS : READ_METHODS;
    if (!allowed.has(req.method ?? "")) {
      res.writeHead(405, { Allow: [...allowed].join(", "), "Content-Type": "application/json" });
      res.end(
        JSON.stringify({
          error: `${req.method ?? "This method"} is not allowed here: use ${[...allowed].join(" or ")}.`,
        }),
      );
      return;
    }
    if (api) {
      // Answers are per user: never kept by a shared cache or the browser's history.
      res.setHeader("Cache-Control", "no-store");
      trpc(req, res).catch((error: unknown) => {
        services.logger.error({ err: error, requestId }, "tRPC request failed");
        if (!res.headersSent) json(res, 500, { error: `Internal error (request ${requestId})` });
      });
      return;
    }
    if (path === "/metrics") {
      serveMetrics(services, req, res).catch((error: unknown) => {
        services.logger.error({ err: error, requestId }, "/metrics failed");
        if (!res.headersSent) json(res, 500, { error: `Internal error (request ${requestId})` });
      });
      return;
    }
    if (path === "/healthz") {
      json(res, 200, { status: "ok" });
      return;
    }
    if (path === "/readyz") {
      // At once, without waiting for the checks: the load balancer stops sending requests to a server shutting down.
      if (services.stopping.aborted) {
        json(res, 503, {
          ready: false,
          checks: { shutdown: { ok: false, error: "the server is shutting down" } },
        });
        return;
      }
      void readiness(services, holdsMetricsToken(services, req)).then(({ ready, checks }) => {
        json(res, ready ? 200 : 503, { ready, checks });
      });
      return;
    }
    void Promise.resolve(options.fallback?.(req, res) ?? false).then(
      (handled) => {
        if (!handled) json(res, 404, { error: `Nothing at ${path}. The API is at /trpc.` });
      },
      (error: unknown) => {
        services.logger.error({ err: error, requestId, path }, "request failed");
        if (!res.headersSent) json(res, 500, { error: `Internal error (request ${requestId})` });
      },
    );
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
  res.end(JSON.stringify(body));
}

/**
 * Database and cluster checks. Anyone may ask (probes carry no credentials), so what went wrong is said in general
 * words; the server log, and callers holding METRICS_TOKEN, get the details (addresses, paths, errors).
 */
async function readiness(services: Services, detailed: boolean) {
  const [database, cluster] = await Promise.all([
    check(() => services.db.ping()),
    check(async () => {
      await services.cluster.ping();
      if (!services.clusterState.synced) {
        throw new Error("the cluster cache is still loading BabyHelm's objects (first list of each kind)");
      }
    }),
  ]);
  for (const [name, result] of [
    ["database", database],
    ["cluster", cluster],
  ] as const) {
    if (!result.ok) services.logger.warn({ check: name, error: result.error }, "not ready");
  }
  if (detailed) {
    return {
      ready: database.ok && cluster.ok,
      checks: {
        database: { ...database, backend: services.db.description },
        cluster: { ...cluster, mode: services.cluster.mode, server: services.cluster.server },
      },
    };
  }
  return {
    ready: database.ok && cluster.ok,
    checks: {
      database: {
        ok: database.ok,
        backend: services.db.description.split(" ", 1)[0],
        ...(database.ok ? {} : { error: "The database does not answer. The server log has the details." }),
      },
      cluster: {
        ok: cluster.ok,
        mode: services.cluster.mode,
        ...(cluster.ok
          ? {}
          : {
              error:
                "The cluster does not answer. Is the cluster running? Check BABYHELM_CLUSTER / KUBECONFIG; the server log has the details.",
            }),
      },
    },
  };
}

async function check(probe: () => Promise<void>): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`no answer within ${READY_CHECK_TIMEOUT_MS} ms`));
        }, READY_CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
