// The in-process cache of validated credentials: one lookup per burst, and nothing that ends a credential on this
// replica (logout, logoutAll, sessions.revoke, tokens.revoke, expiry) is ever outlived by a cached entry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CredentialCache, type Credential } from "@babyhelm/api/testing";
import type { Db } from "@babyhelm/db";
import { testBackends } from "@babyhelm/db/testing";
import { QueryCounter, withQueryCounter } from "../bench/support/query-counter.js";
import {
  CookieJar,
  errorOf,
  makeClient,
  startHarness,
  TEST_PASSWORD,
  type Harness,
} from "./support/harness.js";

const DAY = 86_400_000;
const BURST = 50;

describe("the credential cache", () => {
  const user = { id: "user-1", email: "ada@example.com" };
  const session = (expiresAt: Date, renewed = false): Credential => ({
    kind: "session",
    user,
    sessionId: "hash-1",
    expiresAt,
    renewed,
  });
  const now = new Date("2026-03-01T12:00:00Z");
  const inOneDay = new Date(now.getTime() + DAY);

  function fakeClock() {
    const clock = { at: 1_000 };
    return { clock, monotonicNow: () => clock.at };
  }

  it("shares one lookup among concurrent callers, then answers from memory until the TTL runs out", async () => {
    const { clock, monotonicNow } = fakeClock();
    const cache = new CredentialCache({ ttlMs: 5_000, monotonicNow });
    let lookups = 0;
    const lookUp = async () => {
      lookups++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return session(inOneDay);
    };
    const burst = await Promise.all(Array.from({ length: BURST }, () => cache.get("hash-1", now, lookUp)));
    expect(burst.every((credential) => credential?.kind === "session")).toBe(true);
    expect(lookups).toBe(1);
    clock.at += 4_999;
    await cache.get("hash-1", now, lookUp);
    expect(lookups).toBe(1);
    clock.at += 1;
    await cache.get("hash-1", now, lookUp);
    expect(lookups).toBe(2);
  });

  it("never serves a credential at or past its own expiry, even within the TTL", async () => {
    const cache = new CredentialCache({ ttlMs: 60_000, ...fakeClock() });
    const expiresAt = new Date(now.getTime() + 1_000);
    let lookups = 0;
    const lookUp = () => {
      lookups++;
      return Promise.resolve(lookups === 1 ? session(expiresAt) : undefined);
    };
    expect(await cache.get("hash-1", now, lookUp)).toBeDefined();
    expect(await cache.get("hash-1", new Date(expiresAt.getTime() - 1), lookUp)).toBeDefined();
    expect(lookups).toBe(1);
    expect(await cache.get("hash-1", expiresAt, lookUp)).toBeUndefined();
    expect(lookups).toBe(2);
  });

  it("remembers neither refusals nor failed lookups", async () => {
    const cache = new CredentialCache(fakeClock());
    let lookups = 0;
    const refuse = () => {
      lookups++;
      return Promise.resolve(undefined);
    };
    await cache.get("unknown", now, refuse);
    await cache.get("unknown", now, refuse);
    expect(lookups).toBe(2);
    await expect(cache.get("flaky", now, () => Promise.reject(new Error("database down")))).rejects.toThrow(
      "database down",
    );
    expect(cache.size).toBe(0);
  });

  it("keeps nothing that a lookup running while the credential was forgotten read", async () => {
    const cache = new CredentialCache(fakeClock());
    for (const forget of [
      () => {
        cache.forgetSession("hash-1");
      },
      () => {
        cache.forgetSessionsOf(user.id);
      },
      () => {
        cache.forgetApiToken("token-1");
      },
    ]) {
      let release: () => void = () => undefined;
      const running = cache.get(
        "hash-1",
        now,
        () =>
          new Promise<Credential>((resolve) => {
            release = () => {
              resolve(session(inOneDay));
            };
          }),
      );
      forget();
      release();
      await running;
      expect(cache.size).toBe(0);
    }
  });

  it("forgets only what each revocation names", async () => {
    const cache = new CredentialCache(fakeClock());
    const other = { id: "user-2", email: "bob@example.com" };
    const entries: [string, Credential][] = [
      ["s1", { kind: "session", user, sessionId: "s1", expiresAt: inOneDay, renewed: false }],
      ["s2", { kind: "session", user, sessionId: "s2", expiresAt: inOneDay, renewed: false }],
      ["s3", { kind: "session", user: other, sessionId: "s3", expiresAt: inOneDay, renewed: false }],
      ["t1", { kind: "api-token", user, tokenId: "token-1", expiresAt: null }],
      ["t2", { kind: "api-token", user, tokenId: "token-2", expiresAt: null }],
    ];
    for (const [hash, credential] of entries) await cache.get(hash, now, () => Promise.resolve(credential));
    const cached = async () => {
      const kept: string[] = [];
      for (const [hash] of entries) {
        if ((await cache.get(hash, now, () => Promise.resolve(undefined))) !== undefined) kept.push(hash);
      }
      return kept;
    };
    cache.forgetApiToken("token-1");
    expect(await cached()).toEqual(["s1", "s2", "s3", "t2"]);
    cache.forgetSession("s1");
    expect(await cached()).toEqual(["s2", "s3", "t2"]);
    cache.forgetSessionsOf(user.id);
    expect(await cached()).toEqual(["s3", "t2"]);
  });

  it("forgets what a revocation notice names, as the direct calls do", async () => {
    const cache = new CredentialCache(fakeClock());
    const token: Credential = { kind: "api-token", user, tokenId: "token-1", expiresAt: null };
    await cache.get("s1", now, () => Promise.resolve(session(inOneDay)));
    await cache.get("t1", now, () => Promise.resolve(token));
    cache.forget({ kind: "api-token", tokenId: "token-1" });
    expect(cache.size).toBe(1);
    cache.forget({ kind: "user-sessions", userId: user.id });
    expect(cache.size).toBe(0);
    await cache.get("hash-1", now, () => Promise.resolve(session(inOneDay)));
    cache.forget({ kind: "session", sessionId: "hash-1" });
    expect(cache.size).toBe(0);
  });

  it("while distrusted (revocations may be missed) looks every call up and keeps nothing, even what was running", async () => {
    const cache = new CredentialCache(fakeClock());
    let lookups = 0;
    const lookUp = () => {
      lookups++;
      return Promise.resolve(session(inOneDay));
    };
    await cache.get("hash-1", now, lookUp);
    let release: () => void = () => undefined;
    const running = cache.get(
      "hash-2",
      now,
      () =>
        new Promise<Credential>((resolve) => {
          release = () => {
            resolve(session(inOneDay));
          };
        }),
    );
    cache.distrust();
    release();
    await running;
    expect(cache.size).toBe(0);
    await cache.get("hash-1", now, lookUp);
    await cache.get("hash-1", now, lookUp);
    expect(lookups).toBe(3);
    expect(cache.size).toBe(0);
    cache.trust();
    await cache.get("hash-1", now, lookUp);
    await cache.get("hash-1", now, lookUp);
    expect(lookups).toBe(4);
  });

  it("holds at most maxEntries, dropping the oldest", async () => {
    const cache = new CredentialCache({ maxEntries: 3, ...fakeClock() });
    for (const hash of ["a", "b", "c", "d"])
      await cache.get(hash, now, () => Promise.resolve(session(inOneDay)));
    expect(cache.size).toBe(3);
    let lookups = 0;
    const count = () => {
      lookups++;
      return Promise.resolve(session(inOneDay));
    };
    await cache.get("d", now, count);
    expect(lookups).toBe(0);
    await cache.get("a", now, count);
    expect(lookups).toBe(1);
  });

  it("tells only the callers of the renewing lookup that the session was renewed", async () => {
    const cache = new CredentialCache(fakeClock());
    const renewing = await cache.get("hash-1", now, () => Promise.resolve(session(inOneDay, true)));
    expect(renewing).toMatchObject({ renewed: true });
    const later = await cache.get("hash-1", now, () => Promise.resolve(undefined));
    expect(later).toMatchObject({ kind: "session", renewed: false });
  });
});

for (const backend of testBackends()) {
  describe.skipIf(backend.skipReason !== undefined)(`cached credentials on ${backend.name}`, () => {
    let db: Db;
    let harness: Harness;
    const counter = new QueryCounter();
    const clock = { now: new Date() };
    beforeAll(async () => {
      db = await backend.open();
      harness = await startHarness(withQueryCounter(db, counter), { now: () => clock.now });
    });
    afterAll(async () => {
      await harness?.stop();
      await db?.close();
    });

    /** Runs `call` and checks that it did not look its credential up: it was served from the cache. */
    async function expectServedFromCache(call: () => Promise<unknown>, lookup: string) {
      const before = counter.count(lookup);
      await call();
      expect(counter.count(lookup)).toBe(before);
    }

    /** A client holding a copy of a signed-in client's cookie, which a logout cannot take back. */
    function withCookiesOf(jar: CookieJar) {
      const copy = new CookieJar();
      for (const [name, value] of jar.values) copy.values.set(name, value);
      return makeClient(harness.url, { cookies: copy });
    }

    it(`looks a credential up once for a burst of ${BURST} calls`, async () => {
      const user = await harness.newUser("burst");
      const { token: apiToken } = await user.client.auth.tokens.create.mutate({ name: "burst" });
      const { token: sessionToken } = await harness
        .anonymous()
        .auth.login.mutate({ email: user.email, password: TEST_PASSWORD, mode: "token" });
      const browser = makeClient(harness.url, { cookies: new CookieJar() });
      await browser.auth.login.mutate({ email: user.email, password: TEST_PASSWORD });
      for (const [client, lookup] of [
        [harness.withToken(apiToken), "select api_tokens"],
        [harness.withToken(sessionToken!), "select sessions"],
        [browser, "select sessions"],
      ] as const) {
        const before = counter.count(lookup);
        const answers = await Promise.all(
          Array.from({ length: BURST }, () => client.projects.list.query({ limit: 1 })),
        );
        expect(answers).toHaveLength(BURST);
        expect(counter.count(lookup) - before).toBe(1);
      }
    });

    it("ends a session at once on logout", async () => {
      const user = await harness.newUser("logout");
      const stolen = withCookiesOf(user.cookies);
      await stolen.auth.me.query();
      await expectServedFromCache(() => stolen.auth.me.query(), "select sessions");
      await user.client.auth.logout.mutate();
      expect(await stolen.auth.me.query()).toBeNull();
    });

    it("ends every session of the user at once on logoutAll", async () => {
      const user = await harness.newUser("all");
      const second = makeClient(harness.url, { cookies: new CookieJar() });
      await second.auth.login.mutate({ email: user.email, password: TEST_PASSWORD });
      const { token } = await harness
        .anonymous()
        .auth.login.mutate({ email: user.email, password: TEST_PASSWORD, mode: "token" });
      const clients = [withCookiesOf(user.cookies), second, harness.withToken(token!)];
      for (const client of clients) {
        await client.auth.me.query();
        await expectServedFromCache(() => client.auth.me.query(), "select sessions");
      }
      await user.client.auth.logoutAll.mutate();
      for (const client of clients) expect(await client.auth.me.query()).toBeNull();
    });

    it("ends a revoked session at once", async () => {
      const user = await harness.newUser("revoke");
      const other = makeClient(harness.url, { cookies: new CookieJar() });
      await other.auth.login.mutate({ email: user.email, password: TEST_PASSWORD });
      await other.auth.me.query();
      await expectServedFromCache(() => other.auth.me.query(), "select sessions");
      const { items } = await user.client.auth.sessions.list.query();
      await user.client.auth.sessions.revoke.mutate({ id: items.find((session) => !session.current)!.id });
      expect(await other.auth.me.query()).toBeNull();
      expect(await user.client.auth.me.query()).not.toBeNull();
    });

    it("refuses a revoked API token at once", async () => {
      const user = await harness.newUser("token");
      const kept = await user.client.auth.tokens.create.mutate({ name: "kept" });
      const revoked = await user.client.auth.tokens.create.mutate({ name: "revoked" });
      const script = harness.withToken(revoked.token);
      await script.projects.list.query();
      await expectServedFromCache(() => script.projects.list.query(), "select api_tokens");
      await user.client.auth.tokens.revoke.mutate({ id: revoked.id });
      expect((await errorOf(script.projects.list.query())).code).toBe("UNAUTHORIZED");
      await expect(harness.withToken(kept.token).projects.list.query()).resolves.toBeDefined();
    });

    it("refuses a credential the moment it expires, whatever the cache holds", async () => {
      const user = await harness.newUser("expiry");
      const { token } = await user.client.auth.tokens.create.mutate({ name: "day", expiresInDays: 1 });
      const script = harness.withToken(token);
      const browser = withCookiesOf(user.cookies);
      await script.auth.me.query();
      await browser.auth.me.query();
      await expectServedFromCache(() => script.auth.me.query(), "select api_tokens");
      await expectServedFromCache(() => browser.auth.me.query(), "select sessions");
      const start = clock.now;
      try {
        clock.now = new Date(start.getTime() + DAY + 1);
        expect(await script.auth.me.query()).toBeNull();
        expect(await browser.auth.me.query()).not.toBeNull();
        clock.now = new Date(start.getTime() + 30 * DAY + 1);
        expect(await browser.auth.me.query()).toBeNull();
      } finally {
        clock.now = start;
      }
    });
  });
}
