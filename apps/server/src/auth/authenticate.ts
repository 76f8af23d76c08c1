import type { IncomingMessage } from "node:http";
import type { Services } from "../services.js";
import { validateApiToken } from "./api-token.repository.js";
import { readSessionCookie } from "./session-cookie.js";
import { type AuthenticatedUser, validateSessionToken } from "./session.repository.js";
import { API_TOKEN_PREFIX } from "./tokens.js";

export type Authentication =
  | { method: "cookie" | "session-token"; user: AuthenticatedUser; sessionId: string; renewedUntil?: Date }
  | { method: "api-token"; user: AuthenticatedUser; tokenId: string };

/** Who is calling: a bearer token (an API token or a session token from a token-mode login) or the session cookie. */
export async function authenticate(services: Services, req: IncomingMessage): Promise<Authentication | null> {
  const now = services.now();
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const token = match?.[1];
    if (token === undefined) return null;
    if (token.startsWith(API_TOKEN_PREFIX)) {
      const valid = await validateApiToken(services.db.kysely, token, now);
      return valid === undefined ? null : { method: "api-token", ...valid };
    }
    const session = await validateSessionToken(services.db.kysely, token, now);
    return session === undefined
      ? null
      : { method: "session-token", user: session.user, sessionId: session.sessionId };
  }
  const cookie = readSessionCookie(req);
  if (cookie === undefined) return null;
  const session = await validateSessionToken(services.db.kysely, cookie, now);
  if (session === undefined) return null;
  return {
    method: "cookie",
    user: session.user,
    sessionId: session.sessionId,
    ...(session.renewed ? { renewedUntil: session.expiresAt } : {}),
  };
}
