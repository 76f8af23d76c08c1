// GET /metrics: the platform's own metrics for Prometheus, behind a bearer token when METRICS_TOKEN is set.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Services } from "@babyhelm/api/runtime";

export async function serveMetrics(
  services: Services,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "text/plain" });
    res.end("Use GET /metrics.\n");
    return;
  }
  const token = services.config.metricsToken;
  if (token !== undefined && !holdsMetricsToken(services, req)) {
    res.writeHead(401, { "WWW-Authenticate": 'Bearer realm="metrics"', "Content-Type": "text/plain" });
    res.end("/metrics needs Authorization: Bearer <METRICS_TOKEN>.\n");
    return;
  }
  const { registry } = services.telemetry;
  const body = await registry.metrics();
  res.writeHead(200, { "Content-Type": registry.contentType, "Cache-Control": "no-store" });
  res.end(req.method === "HEAD" ? undefined : body);
}

/** Whether the request carries METRICS_TOKEN (never true when it is unset): such callers see internal details. */
export function holdsMetricsToken(services: Services, req: IncomingMessage): boolean {
  const token = services.config.metricsToken;
  return token !== undefined && sameSecret(bearerOf(req), token);
}

function bearerOf(req: IncomingMessage): string {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
}

/** Compares digests, so that neither the length nor a common prefix of the token shows in the timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
