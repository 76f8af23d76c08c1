import type { Kysely } from "kysely";
import type { Database } from "@babyhelm/db";
import { generateSecret, hashToken } from "./tokens.js";

const DAY_MS = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY_MS;
/** Sliding expiry: a session used when less than this remains is extended to the full lifetime. */
export const SESSION_RENEW_WHEN_LEFT_MS = 15 * DAY_MS;
/** last_seen_at is informational: written at most this often per session, not on every request. */
const LAST_SEEN_RESOLUTION_MS = 60 * 1000;

export interface AuthenticatedUser {
  id: string;
  email: string;
}

export interface SessionValidation {
  user: AuthenticatedUser;
  sessionId: string;
  expiresAt: Date;
  /** The expiry moved: a cookie must be sent again with the new date. */
  renewed: boolean;
}

export async function createSession(
  db: Kysely<Database>,
  userId: string,
  userAgent: string | undefined,
  now: Date,
): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const token = generateSecret();
  const sessionId = hashToken(token);
  const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
  await db
    .insertInto("sessions")
    .values({
      id: sessionId,
      user_id: userId,
      expires_at: expiresAt,
      created_at: now,
      last_seen_at: now,
      user_agent: userAgent?.slice(0, 512) ?? null,
    })
    .execute();
  return { token, sessionId, expiresAt };
}

export async function validateSessionToken(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<SessionValidation | undefined> {
  const sessionId = hashToken(token);
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(["sessions.expires_at", "sessions.last_seen_at", "users.id as user_id", "users.email"])
    .where("sessions.id", "=", sessionId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  if (row.expires_at.getTime() <= now.getTime()) {
    await db.deleteFrom("sessions").where("id", "=", sessionId).where("expires_at", "<=", now).execute();
    return undefined;
  }
  const user = { id: row.user_id, email: row.email };
  // Concurrent requests with one session all read the same row. Each write below is conditional on the row still
  // being due for it, so the first one wins and the others change nothing (PostgreSQL re-checks the condition on
  // the row the winner wrote): one renewal, one last_seen_at write, however many requests raced.
  if (row.expires_at.getTime() - now.getTime() < SESSION_RENEW_WHEN_LEFT_MS) {
    const renewedUntil = new Date(now.getTime() + SESSION_LIFETIME_MS);
    const result = await db
      .updateTable("sessions")
      .set({ expires_at: renewedUntil, last_seen_at: now })
      .where("id", "=", sessionId)
      .where("expires_at", "<", new Date(now.getTime() + SESSION_RENEW_WHEN_LEFT_MS))
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) return { user, sessionId, expiresAt: renewedUntil, renewed: true };
    // Another request renewed it, and its response carries the new cookie; the expiry read is the safe one.
    return { user, sessionId, expiresAt: row.expires_at, renewed: false };
  }
  if (now.getTime() - row.last_seen_at.getTime() > LAST_SEEN_RESOLUTION_MS) {
    await db
      .updateTable("sessions")
      .set({ last_seen_at: now })
      .where("id", "=", sessionId)
      .where("last_seen_at", "<", new Date(now.getTime() - LAST_SEEN_RESOLUTION_MS))
      .execute();
  }
  return { user, sessionId, expiresAt: row.expires_at, renewed: false };
}

export async function invalidateSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
}

/** Only the user's own session: false when they have none with that id. */
export async function revokeUserSession(
  db: Kysely<Database>,
  userId: string,
  sessionId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom("sessions")
    .where("id", "=", sessionId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function invalidateUserSessions(db: Kysely<Database>, userId: string): Promise<number> {
  const result = await db.deleteFrom("sessions").where("user_id", "=", userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Newest first; a user has few sessions, so pages are cut by offset. */
export function listUserSessions(
  db: Kysely<Database>,
  userId: string,
  now: Date,
  offset: number,
  limit: number,
) {
  return db
    .selectFrom("sessions")
    .select(["id", "created_at", "last_seen_at", "expires_at", "user_agent"])
    .where("user_id", "=", userId)
    .where("expires_at", ">", now)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .offset(offset)
    .limit(limit + 1)
    .execute();
}
