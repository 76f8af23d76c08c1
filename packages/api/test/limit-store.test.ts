// The sign-in and sign-up counters: in memory (one process) and in the database (every replica on PostgreSQL
// shares them), with the same behaviour; on the database, counting is atomic under concurrency.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@babyhelm/db";
import { testBackends } from "@babyhelm/db/testing";
import { DatabaseLimitStore } from "../src/auth/database-limit-store.js";
import { MemoryLimitStore, type CounterRef, type LimitStore } from "../src/auth/limit-store.js";
import { LoginLimits } from "../src/auth/login-limits.js";
import { waitFor } from "./cluster/helpers.js";

const MINUTE = 60_000;
let keys = 0;
/** A key no other test of the file counts into. */
const fresh = (kind: CounterRef["kind"]): CounterRef => ({ kind, key: `key-${++keys}` });

function contract(name: string, makeStore: () => LimitStore) {
  describe(`the ${name} limit store`, () => {
    it("counts attempts in a fixed window and starts a new one when it ends", async () => {
      const store = makeStore();
      const counter = fresh("login-ip");
      const counts: number[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        counts.push((await store.countAttempt(counter, 1_000 + attempt, MINUTE, [])).attempts.count);
      }
      expect(counts).toEqual([1, 2, 3]);
      expect((await store.countAttempt(counter, 1_000 + MINUTE - 1, MINUTE, [])).attempts).toEqual({
        count: 4,
        lastFailureAt: undefined,
        expiresAt: 1_000 + MINUTE,
      });
      expect((await store.countAttempt(counter, 1_000 + MINUTE, MINUTE, [])).attempts).toEqual({
        count: 1,
        lastFailureAt: undefined,
        expiresAt: 1_000 + 2 * MINUTE,
      });
    });

    it("counts failures in a row, forgets them once old, and clears them", async () => {
      const store = makeStore();
      const counter = fresh("login-failures-email");
      await store.recordFailure(counter, 1_000, MINUTE);
      expect(await store.recordFailure(counter, 2_000, MINUTE)).toEqual({
        count: 2,
        lastFailureAt: 2_000,
        expiresAt: 2_000 + MINUTE,
      });
      expect(await store.read(counter, 2_000 + MINUTE - 1)).toMatchObject({ count: 2 });
      expect(await store.read(counter, 2_000 + MINUTE)).toBeUndefined();
      expect(await store.recordFailure(counter, 2_000 + MINUTE, MINUTE)).toMatchObject({ count: 1 });
      await store.clear(counter);
      expect(await store.read(counter, 2_000 + MINUTE)).toBeUndefined();
    });

    it("reads other counters with an attempt: live ones, none for missing or expired ones", async () => {
      const store = makeStore();
      const [attempts, live, expired, missing] = [
        fresh("login-ip"),
        fresh("login-failures-email"),
        fresh("login-failures-ip"),
        fresh("login-failures-email"),
      ];
      await store.recordFailure(live, 5_000, MINUTE);
      await store.recordFailure(live, 6_000, MINUTE);
      await store.recordFailure(expired, 0, 1_000);
      const { attempts: counted, read } = await store.countAttempt(attempts, 7_000, MINUTE, [
        live,
        expired,
        missing,
      ]);
      expect(counted.count).toBe(1);
      expect(read).toEqual([
        { count: 2, lastFailureAt: 6_000, expiresAt: 6_000 + MINUTE },
        undefined,
        undefined,
      ]);
    });

    it("keeps kinds apart: the same key counts separately per kind", async () => {
      const store = makeStore();
      const { key } = fresh("login-ip");
      await store.countAttempt({ kind: "login-ip", key }, 0, MINUTE, []);
      await store.countAttempt({ kind: "login-ip", key }, 0, MINUTE, []);
      expect((await store.countAttempt({ kind: "registration-ip", key }, 0, MINUTE, [])).attempts.count).toBe(
        1,
      );
    });

    it("lets a sign-in through on one store query, and refuses once the failures ask for a wait", async () => {
      let now = 10_000_000;
      const limits = new LoginLimits(makeStore(), () => now);
      const email = `${fresh("login-failures-email").key}@example.com`;
      const ip = fresh("login-ip").key;
      expect(await limits.admit(ip, email)).toEqual({ wait: undefined, emailFailures: false });
      for (let failure = 0; failure < 5; failure++) await limits.failuresByEmail.fail(email);
      expect(await limits.admit(ip, email)).toEqual({ wait: 1, emailFailures: true });
      now += 1_000;
      expect(await limits.admit(ip, email)).toEqual({ wait: undefined, emailFailures: true });
    });
  });
}

contract("memory", () => new MemoryLimitStore());

for (const backend of testBackends()) {
  describe.skipIf(backend.skipReason !== undefined)(`counters in ${backend.name}`, () => {
    let db: Db;
    beforeAll(async () => {
      db = await backend.open();
    });
    afterAll(async () => {
      await db?.close();
    });

    contract(`database (${backend.name})`, () => new DatabaseLimitStore(db.kysely));

    it("gives parallel attempts from several replicas each their own count", async () => {
      const replicas = [new DatabaseLimitStore(db.kysely), new DatabaseLimitStore(db.kysely)];
      const counter = fresh("login-ip");
      const counts = await Promise.all(
        Array.from({ length: 40 }, (_, index) =>
          replicas[index % 2]!.countAttempt(counter, 1_000, MINUTE, []).then(
            ({ attempts }) => attempts.count,
          ),
        ),
      );
      expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
    });

    it("sweeps expired rows in the background, once per interval", async () => {
      const store = new DatabaseLimitStore(db.kysely, undefined, MINUTE);
      const stored = async (counter: CounterRef) => {
        const { rows } = await sql<{ found: boolean }>`
          select exists (select 1 from auth_limit_counters where kind = ${counter.kind} and key = ${counter.key})
            as found`.execute(db.kysely);
        return rows[0]?.found;
      };
      const gone = (counter: CounterRef) => async () =>
        (await stored(counter)) === false ? true : undefined;
      const [first, second, live] = [
        fresh("login-failures-ip"),
        fresh("login-failures-ip"),
        fresh("login-failures-ip"),
      ];
      await store.recordFailure(first, 0, 1_000);
      await store.recordFailure(live, 0, 10 * MINUTE);
      // The first attempt only starts the interval; the first attempt after it sweeps.
      await store.countAttempt(fresh("login-ip"), 2_000, MINUTE, []);
      expect(await stored(first)).toBe(true);
      await store.countAttempt(fresh("login-ip"), 2_000 + MINUTE, MINUTE, []);
      await waitFor(gone(first), { what: "the sweep" });
      expect(await stored(live)).toBe(true);
      await store.recordFailure(second, 0, 3_000);
      await store.countAttempt(fresh("login-ip"), 3_000 + MINUTE, MINUTE, []);
      expect(await stored(second)).toBe(true);
      await store.countAttempt(fresh("login-ip"), 2_000 + 2 * MINUTE, MINUTE, []);
      await waitFor(gone(second), { what: "the next sweep" });
    });
  });
}
