// API and session tokens: how they are made, and the hash under which they are stored and looked up.
import { createHash } from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";

/** API tokens carry a prefix so that a leaked one is recognisable (secret scanners) and told from session tokens. */
export const API_TOKEN_PREFIX = "bhp_";

/** 160 random bits, base32: Lucia's session token. */
export function generateSecret(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/**
 * What is stored: the SHA-256 of the token, hex. A fast hash suffices, since the token has 160 random bits. Every
 * authenticated call hashes its token: Node's native hash costs a third of a pure-JavaScript one.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
