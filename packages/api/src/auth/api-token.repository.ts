import type { Kysely } from "kysely";
import type { Database } from "@babyhelm/db";
import type { AuthenticatedUser } from "./session.repository.js";
import { API_TOKEN_PREFIX, generateSecret, hashToken } from "./tokens.js";

const LAST_USED_RESOLUTION_MS = 60 * 1000;
/** How much of a token is kept to tell tokens apart: the prefix and 6 characters of the secret. */
const VISIBLE_CHARACTERS = API_TOKEN_PREFIX.length + 6;

export async function createApiToken(
  db: Kysely<Database>,
  userId: string,
  name: string,
  expiresAt: Date | null,
) {
  const token = API_TOKEN_PREFIX + generateSecret();
  const row = await db
    .insertInto("api_tokens")
    .values({
      user_id: userId,
      name,
      token_hash: hashToken(token),
      prefix: token.slice(0, VISIBLE_CHARACTERS),
      expires_at: expiresAt,
    })
    .returning(["id", "name", "prefix", "expires_at", "created_at"])
    .executeTakeFirstOrThrow();
  return { token, ...row };
}

export interface ApiTokenValidation {
  user: AuthenticatedUser;
  tokenId: string;
  /** null: the token never expires. */
  expiresAt: Date | null;
}

export async function validateApiToken(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<ApiTokenValidation | undefined> {
  const row = await db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .select([
      "api_tokens.id",
      "api_tokens.expires_at",
      "api_tokens.last_used_at",
      "users.id as user_id",
      "users.email",
    ])
    .where("api_tokens.token_hash", "=", hashToken(token))
    .executeTakeFirst();
  if (row === undefined) return undefined;
  if (row.expires_at !== null && row.expires_at.getTime() <= now.getTime()) return undefined;
  if (row.last_used_at === null || now.getTime() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
    // Conditional, so that of the concurrent requests that read the same stale row only the first writes it.
    const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    await db
      .updateTable("api_tokens")
      .set({ last_used_at: now })
      .where("id", "=", row.id)
      .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", staleBefore)]))
      .execute();
  }
  return { user: { id: row.user_id, email: row.email }, tokenId: row.id, expiresAt: row.expires_at };
}

/** Newest first; a user has few tokens, so pages are cut by offset. */
export function listApiTokens(db: Kysely<Database>, userId: string, offset: number, limit: number) {
  return db
    .selectFrom("api_tokens")
    .select(["id", "name", "prefix", "expires_at", "last_used_at", "created_at"])
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .offset(offset)
    .limit(limit + 1)
    .execute();
}

export async function revokeApiToken(
  db: Kysely<Database>,
  userId: string,
  tokenId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom("api_tokens")
    .where("id", "=", tokenId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
