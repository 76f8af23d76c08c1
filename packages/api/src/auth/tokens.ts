import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";

/** API tokens carry a prefix so that a leaked one is recognisable (secret scanners) and told from session tokens. */
export const API_TOKEN_PREFIX = "bhp_";

/** 160 random bits, base32: Lucia's session token. */
export function generateSecret(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/** What is stored: the SHA-256 of the token, hex. A fast hash suffices, since the token has 160 random bits. */
export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}
