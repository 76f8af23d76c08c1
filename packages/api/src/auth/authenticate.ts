import type { IncomingMessage } from "node:http";
import type { Services } from "../services.js";
import { validateApiToken } from "./api-token.repository.js";
import type { Credential } from "./credential-cache.js";
import { readSessionCookie } from "./session-cookie.js";
import { validateSessionToken, type AuthenticatedUser } from "./session.repository.js";
import { API_TOKEN_PREFIX, hashToken } from "./tokens.js";

export type Authentication =
  | { method: "cookie" | "session-token"; user: AuthenticatedUser; sessionId: string; renewedUntil?: Date }
  | { method: "api-token"; user: AuthenticatedUser; tokenId: string };

/** Who is calling: a bearer token (an API token or a session token from a token-mode login) or the session cookie. */
export async function authenticate(
  services: Pick<Services, "db" | "now" | "credentials">,
  req: IncomingMessage,
): Promise<Authentication | null> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const token = match?.[1];
    if (token === undefined) return null;
    const kind = token.startsWith(API_TOKEN_PREFIX) ? "api-token" : "session";
    const credential = await validate(services, token, kind);
    if (credential?.kind === "api-token") {
      return { method: "api-token", user: credential.user, tokenId: credential.tokenId };
    }
    return credential?.kind === "session"
      ? { method: "session-token", user: credential.user, sessionId: credential.sessionId }
      : null;
  }
  const cookie = readSessionCookie(req);
  if (cookie === undefined) return null;
  const session = await validate(services, cookie, "session");
  if (session?.kind !== "session") return null;
  return {
    method: "cookie",
    user: session.user,
    sessionId: session.sessionId,
    ...(session.renewed ? { renewedUntil: session.expiresAt } : {}),
  };
}

/** Through the credential cache: a remembered API token presented as a cookie is still no session. */
async function validate(
  services: Pick<Services, "db" | "now" | "credentials">,
  token: string,
  kind: Credential["kind"],
): Promise<Credential | undefined> {
  const now = services.now();
  const credential = await services.credentials.get(hashToken(token), now, async () => {
    if (kind === "api-token") {
      const valid = await validateApiToken(services.db.kysely, token, now);
      return valid === undefined ? undefined : { kind, ...valid };
    }
    const valid = await validateSessionToken(services.db.kysely, token, now);
    return valid === undefined ? undefined : { kind, ...valid };
  });
  return credential?.kind === kind ? credential : undefined;
}
