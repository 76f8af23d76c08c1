// The request context: who is calling (resolved lazily), from where, and how to set their session cookie.
import { randomUUID } from "node:crypto";
import type { CreateHTTPContextOptions } from "@trpc/server/adapters/standalone";
import { authenticate, type Authentication } from "./auth/authenticate.js";
import { clearSessionCookie, setSessionCookie } from "./auth/session-cookie.js";
import type { Logger } from "./logger.js";
import type { Services } from "./services.js";
import { clientAddress } from "./shared/client-address.js";

export interface Context {
  services: Services;
  requestId: string;
  log: Logger;
  clientIp: string;
  userAgent: string | undefined;
  /** The caller, resolved on first use and then remembered for the request (a batch shares it). */
  authenticate(): Promise<Authentication | null>;
  setSessionCookie(token: string, expiresAt: Date): void;
  clearSessionCookie(): void;
  /** The Origin header when it names a site other than this server's: a cross-site request. */
  foreignOrigin: string | undefined;
  /** Where users open this server, for links it hands out: PUBLIC_URL, else the origin the request came from. */
  publicOrigin: string;
}

const requestIds = new WeakMap<object, string>();

/** The HTTP layer names each request first, so that its log lines and the tRPC ones share the id. */
export function tagRequest(req: object, requestId: string): void {
  requestIds.set(req, requestId);
}

export function createContextFactory(services: Services) {
  const secure = services.config.publicUrl?.protocol === "https:";
  // Only the request and the response: tRPC's fetch adapter gives a Fetch Request, and http/trpc-handler.ts (in
  // apps/server) passes the Node ones.
  return ({ req, res }: Pick<CreateHTTPContextOptions, "req" | "res">): Context => {
    const requestId = requestIds.get(req) ?? randomUUID();
    let auth: Promise<Authentication | null> | undefined;
    const foreign = foreignOrigin(req.headers.origin, req.headers.host, services.config.publicUrl, secure);
    return {
      services,
      requestId,
      log: services.logger.child({ requestId }),
      clientIp: clientAddress(
        req.socket.remoteAddress,
        req.headers["x-forwarded-for"],
        services.config.trustProxy,
      ),
      userAgent: req.headers["user-agent"],
      authenticate: () => {
        auth ??= authenticate(services, req).then((result) => {
          if (result?.method === "cookie" && result.renewedUntil !== undefined) {
            setSessionCookie(res, readCookieToken(req) ?? "", result.renewedUntil, secure);
          }
          return result;
        });
        return auth;
      },
      setSessionCookie: (token, expiresAt) => {
        setSessionCookie(res, token, expiresAt, secure);
      },
      clearSessionCookie: () => {
        clearSessionCookie(res, secure);
      },
      foreignOrigin: foreign,
      publicOrigin:
        services.config.publicUrl?.origin ??
        (foreign === undefined ? req.headers.origin : undefined) ??
        `http://${req.headers.host ?? "localhost"}`,
    };
  };
}

function readCookieToken(req: CreateHTTPContextOptions["req"]): string | undefined {
  return /(?:^|;\s*)babyhelm_session=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
}

function foreignOrigin(
  origin: string | undefined,
  host: string | undefined,
  publicUrl: URL | undefined,
  secure: boolean,
): string | undefined {
  if (origin === undefined) return undefined;
  if (publicUrl !== undefined && origin === publicUrl.origin) return undefined;
  if (host !== undefined && (origin === `http://${host}` || (secure && origin === `https://${host}`)))
    return undefined;
  return origin;
}
