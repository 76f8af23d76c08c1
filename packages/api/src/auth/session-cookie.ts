import type { IncomingMessage, ServerResponse } from "node:http";

export const SESSION_COOKIE = "babyhelm_session";

export function readSessionCookie(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value === "" ? undefined : value;
    }
  }
  return undefined;
}

export function setSessionCookie(res: ServerResponse, token: string, expiresAt: Date, secure: boolean): void {
  res.appendHeader(
    "Set-Cookie",
    `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Lax; Path=/; Expires=${expiresAt.toUTCString()}${secure ? "; Secure" : ""}`,
  );
}

export function clearSessionCookie(res: ServerResponse, secure: boolean): void {
  res.appendHeader(
    "Set-Cookie",
    `${SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0${secure ? "; Secure" : ""}`,
  );
}
