// Concurrent requests with one credential all read its row; the bookkeeping writes (last_used_at, last_seen_at,
// the sliding renewal) must happen once however many of them race, not once per request.
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createApiToken,
  createSession,
  insertUser,
  SESSION_LIFETIME_MS,
  validateApiToken,
  validateSessionToken,
} from "@babyhelm/api/testing";
import type { Database, Db } from "@babyhelm/db";
import { testBackends } from "@babyhelm/db/testing";
import { QueryCounter } from "../bench/support/query-counter.js";
import { uniqueName } from "./support/harness.js";

const CONCURRENT = 50;
const DAY = 86_400_000;

for (const backend of testBackends()) {
  describe.skipIf(backend.skipReason !== undefined)(`credential bookkeeping on ${backend.name}`, () => {
    let db: Db;
    let counter: QueryCounter;
    let counted: Kysely<Database>;
    let userId: string;
    beforeAll(async () => {
      db = await backend.open();
      counter = new QueryCounter();
      counted = db.kysely.withPlugin(counter);
      const user = await insertUser(db.kysely, `${uniqueName("burst")}@example.com`, "not-a-real-hash");
      userId = user!.id;
    });
    afterAll(async () => {
      await db?.close();
    });

    it(`writes a stale API token's last_used_at once for ${CONCURRENT} concurrent validations`, async () => {
      const { token, id } = await createApiToken(db.kysely, userId, "burst", null);
      const now = new Date();
      counter.take();
      const results = await Promise.all(
        Array.from({ length: CONCURRENT }, () => validateApiToken(counted, token, now)),
      );
      expect(results.every((result) => result?.tokenId === id)).toBe(true);
      expect(counter.count("update api_tokens")).toBeGreaterThanOrEqual(1);
      expect(counter.rowsChanged("update api_tokens")).toBe(1);
      const row = await db.kysely
        .selectFrom("api_tokens")
        .select("last_used_at")
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      expect(row.last_used_at?.getTime()).toBe(now.getTime());

      // A minute later it is stale again: one more write, still only one.
      const later = new Date(now.getTime() + 61_000);
      counter.take();
      await Promise.all(Array.from({ length: CONCURRENT }, () => validateApiToken(counted, token, later)));
      expect(counter.rowsChanged("update api_tokens")).toBe(1);
    });

    it(`renews a session in its second half once for ${CONCURRENT} concurrent validations`, async () => {
      const start = new Date(Date.now() - 20 * DAY);
      const { token, sessionId } = await createSession(db.kysely, userId, "test", start);
      const now = new Date();
      counter.take();
      const results = await Promise.all(
        Array.from({ length: CONCURRENT }, () => validateSessionToken(counted, token, now)),
      );
      expect(results.every((result) => result?.sessionId === sessionId)).toBe(true);
      const renewals = results.filter((result) => result?.renewed === true);
      expect(renewals).toHaveLength(1);
      expect(renewals[0]!.expiresAt.getTime()).toBe(now.getTime() + SESSION_LIFETIME_MS);
      expect(counter.rowsChanged("update sessions")).toBe(1);
      const row = await db.kysely
        .selectFrom("sessions")
        .select(["expires_at", "last_seen_at"])
        .where("id", "=", sessionId)
        .executeTakeFirstOrThrow();
      expect(row.expires_at.getTime()).toBe(now.getTime() + SESSION_LIFETIME_MS);
      expect(row.last_seen_at.getTime()).toBe(now.getTime());
    });

    it(`writes a session's stale last_seen_at once for ${CONCURRENT} concurrent validations`, async () => {
      const start = new Date(Date.now() - DAY);
      const { token, sessionId } = await createSession(db.kysely, userId, "test", start);
      const now = new Date();
      counter.take();
      const results = await Promise.all(
        Array.from({ length: CONCURRENT }, () => validateSessionToken(counted, token, now)),
      );
      expect(results.every((result) => result?.sessionId === sessionId && !result.renewed)).toBe(true);
      expect(counter.rowsChanged("update sessions")).toBe(1);
      const row = await db.kysely
        .selectFrom("sessions")
        .select("last_seen_at")
        .where("id", "=", sessionId)
        .executeTakeFirstOrThrow();
      expect(row.last_seen_at.getTime()).toBe(now.getTime());
    });
  });
}
