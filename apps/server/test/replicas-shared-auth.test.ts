// Two servers on one PostgreSQL behave as one for sign-in limits and revocations: wrong passwords and sign-ups
// spread over both are refused at the limits of one, and a credential ended on one is refused on the other long
// before its cache entry there (trusted for 60 s here) would have run out. PostgreSQL only: on PGlite there is one
// process.
import { TRPCClientError } from "@trpc/client";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@babyhelm/api/testing";
import type { Db } from "@babyhelm/db";
import { testBackends } from "@babyhelm/db/testing";
import { QueryCounter, withQueryCounter } from "../bench/support/query-counter.js";
import {
  CookieJar,
  errorOf,
  makeClient,
  startHarness,
  TEST_PASSWORD,
  uniqueName,
  type ApiClient,
  type Harness,
} from "./support/harness.js";

const postgres = testBackends().find((backend) => backend.name.startsWith("PostgreSQL"))!;

/** Far below the 60 s the cache trusts an entry: only a notice can make a replica refuse within it. */
const REVOCATION_DEADLINE_MS = 5_000;

describe.skipIf(postgres.skipReason !== undefined)("two replicas on one PostgreSQL", () => {
  let db: Db;
  let a: Harness;
  let b: Harness;
  const countedOnA = new QueryCounter();
  const countedOnB = new QueryCounter();
  /** Both servers' clock: tests move it instead of waiting. */
  let clock = Date.now();
  const now = () => new Date(clock);

  beforeAll(async () => {
    db = await postgres.open();
    const env = { BABYHELM_CREDENTIAL_CACHE_SECONDS: "60" };
    a = await startHarness(withQueryCounter(db, countedOnA), { env, now });
    b = await startHarness(withQueryCounter(db, countedOnB), { env, now, sandbox: a.sandbox });
    for (const replica of [a, b]) {
      await waitFor(() => (replica.server.revocations?.listening === true ? true : undefined), {
        what: "the replica listening for revocations",
      });
    }
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await db?.close();
  });

  const login = (replica: Harness, email: string, password: string) =>
    replica.anonymous().auth.login.mutate({ email, password, mode: "token" });

  it("slows wrong passwords spread over both replicas at the limit of one", async () => {
    const { email } = await a.newUser("spread");
    for (let attempt = 0; attempt < 5; attempt++) {
      const replica = attempt % 2 === 0 ? a : b;
      expect((await errorOf(login(replica, email, "wrong password!"))).code).toBe("UNAUTHORIZED");
    }
    // Three failures on A and two on B: each alone is under the five free ones, together they are not.
    for (const replica of [a, b]) {
      const waiting = await errorOf(login(replica, email, TEST_PASSWORD));
      expect(waiting.code).toBe("TOO_MANY_REQUESTS");
      expect(waiting.data.retryAfterSeconds).toBe(1);
    }
    clock += 1_000;
    await expect(login(b, email, TEST_PASSWORD)).resolves.toMatchObject({ user: { email } });
  });

  it("counts the attempts of one address on both replicas into one window", async () => {
    // A new window, and the failures of earlier tests forgotten.
    clock += 15 * 60_000;
    const refusals: number[] = [];
    for (let attempt = 1; attempt <= 50; attempt++) {
      const replica = attempt % 2 === 0 ? a : b;
      const refused = await errorOf(login(replica, `${uniqueName("nobody")}@example.com`, "wrong password!"));
      if (refused.code === "TOO_MANY_REQUESTS") refusals.push(refused.data.retryAfterSeconds as number);
    }
    // Unknown emails: after the address's 20 free failures its own throttle answers (a minute at most)...
    expect(refusals.length).toBeGreaterThan(0);
    expect(Math.max(...refusals)).toBeLessThanOrEqual(60);
    // ...and the 51st attempt is over the 50 per 15 minutes, wherever it lands.
    const over = await errorOf(login(a, `${uniqueName("nobody")}@example.com`, "wrong password!"));
    expect(over.code).toBe("TOO_MANY_REQUESTS");
    expect(over.data.retryAfterSeconds).toBe(15 * 60);
    clock += 15 * 60_000;
  });

  it("costs a right password one query of the limits", async () => {
    const { email } = await a.newUser("cheap");
    countedOnA.take();
    await expect(login(a, email, TEST_PASSWORD)).resolves.toMatchObject({ user: { email } });
    // The counter's upsert, which reads the email's and the address's failures too; no clearing, nothing else.
    const ofLimits = [...countedOnA.take()].filter(([kind]) =>
      /auth_limit_counters|^raw (with attempt|insert into)/.test(kind),
    );
    expect(ofLimits).toEqual([["raw with attempt", 1]]);
  });

  it("refuses sign-ups from one address on both replicas at the limit of one", async () => {
    // Servers of their own with a limit of 2, in an hour no sign-up of this file has counted in yet.
    let later = clock + 24 * 60 * 60_000;
    const limits = {
      env: { BABYHELM_REGISTRATIONS_PER_IP_HOUR: "2" },
      now: () => new Date(later),
      sandbox: a.sandbox,
    };
    const first = await startHarness(db, limits);
    const second = await startHarness(db, limits);
    try {
      const register = (replica: Harness) =>
        replica.anonymous().auth.register.mutate({
          email: `${uniqueName("signup")}@example.com`,
          password: TEST_PASSWORD,
        });
      await register(first);
      await register(second);
      for (const replica of [first, second]) {
        const refused = await errorOf(register(replica));
        expect(refused.code).toBe("TOO_MANY_REQUESTS");
        expect(refused.data.retryAfterSeconds).toBe(3600);
      }
      later += 60 * 60_000;
      await expect(register(second)).resolves.toMatchObject({ user: expect.anything() });
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  /** Calls `use` on B until the credential is served from B's cache (no lookup of `lookup` on B). */
  async function cachedOnB(use: () => Promise<unknown>, lookup: string): Promise<void> {
    await use();
    const before = countedOnB.count(lookup);
    await use();
    expect(countedOnB.count(lookup)).toBe(before);
  }

  /** Resolves once `call` on B is refused as unauthenticated; fails after the deadline. */
  async function refusedOnB(call: () => Promise<unknown>): Promise<void> {
    await waitFor(
      async () => {
        try {
          const answer = await call();
          return answer === null ? true : undefined;
        } catch (error) {
          const code =
            error instanceof TRPCClientError
              ? (error.data as { code?: string } | undefined)?.code
              : undefined;
          if (code === "UNAUTHORIZED") return true;
          throw error;
        }
      },
      { timeoutMs: REVOCATION_DEADLINE_MS, intervalMs: 10, what: "B to refuse the revoked credential" },
    );
  }

  /** A client of B holding a copy of a signed-in client's cookie, which a logout cannot take back. */
  function onBWithCookiesOf(jar: CookieJar): ApiClient {
    const copy = new CookieJar();
    for (const [name, value] of jar.values) copy.values.set(name, value);
    return makeClient(b.url, { cookies: copy });
  }

  it("refuses on B an API token revoked on A", async () => {
    const user = await a.newUser("token");
    const { id, token } = await user.client.auth.tokens.create.mutate({ name: "ci" });
    const kept = await user.client.auth.tokens.create.mutate({ name: "kept" });
    const script = b.withToken(token);
    await cachedOnB(() => script.projects.list.query(), "select api_tokens");
    await user.client.auth.tokens.revoke.mutate({ id });
    await refusedOnB(() => script.projects.list.query());
    await expect(b.withToken(kept.token).projects.list.query()).resolves.toBeDefined();
  });

  it("signs out on B a session ended on A (logout, sessions.revoke, logoutAll)", async () => {
    const user = await a.newUser("session");
    // logout: the browser's own session, used on B through a copy of its cookie.
    const copied = onBWithCookiesOf(user.cookies);
    await cachedOnB(() => copied.auth.me.query(), "select sessions");
    await user.client.auth.logout.mutate();
    await refusedOnB(() => copied.auth.me.query());

    // sessions.revoke: another session of the user, revoked from a third.
    const other = makeClient(b.url, { cookies: new CookieJar() });
    await other.auth.login.mutate({ email: user.email, password: TEST_PASSWORD });
    const manager = makeClient(a.url, { cookies: new CookieJar() });
    await manager.auth.login.mutate({ email: user.email, password: TEST_PASSWORD });
    await cachedOnB(() => other.auth.me.query(), "select sessions");
    const { items } = await manager.auth.sessions.list.query();
    // The first session was ended by logout: the one on B is the only other.
    const onB = items.filter((session) => !session.current);
    expect(onB).toHaveLength(1);
    await manager.auth.sessions.revoke.mutate({ id: onB[0]!.id });
    await refusedOnB(() => other.auth.me.query());

    // logoutAll: a session token used on B.
    const { token } = await login(a, user.email, TEST_PASSWORD);
    const withToken = b.withToken(token!);
    await cachedOnB(() => withToken.auth.me.query(), "select sessions");
    await manager.auth.logoutAll.mutate();
    await refusedOnB(() => withToken.auth.me.query());
  });

  it("applies a member's removal and role change on A to their next call on B", async () => {
    const creator = await a.newUser("creator");
    const member = await a.newUser("member");
    const project = uniqueName("team");
    await creator.client.projects.create.mutate({ name: project });
    await creator.client.members.add.mutate({ project, email: member.email, role: "editor" });
    const onB = onBWithCookiesOf(member.cookies);
    await cachedOnB(() => onB.auth.me.query(), "select sessions");
    await expect(onB.audit.list.query({ project })).resolves.toBeDefined();

    // Roles are read on every call, never cached: B answers with the new role at once.
    await creator.client.members.updateRole.mutate({ project, email: member.email, role: "viewer" });
    expect((await errorOf(onB.audit.list.query({ project }))).code).toBe("FORBIDDEN");
    await expect(onB.projects.get.query({ name: project })).resolves.toMatchObject({ role: "viewer" });

    await creator.client.members.remove.mutate({ project, email: member.email });
    expect((await errorOf(onB.projects.get.query({ name: project }))).code).toBe("NOT_FOUND");
  });

  it("listens again after its connection is terminated, and revocations reach it again", async () => {
    const terminated = await sql<{ pid: number }>`
      select pg_terminate_backend(pid), pid from pg_stat_activity
      where datname = current_database() and query like 'LISTEN%'`.execute(db.kysely);
    // A's listener and B's.
    expect(terminated.rows).toHaveLength(2);
    await waitFor(
      async () => {
        const { rows } = await sql<{ count: number }>`
          select count(*)::int as count from pg_stat_activity
          where datname = current_database() and query like 'LISTEN%'
            and not pid = any(${terminated.rows.map((row) => row.pid)})`.execute(db.kysely);
        return rows[0]?.count === 2 && b.server.revocations?.listening === true ? true : undefined;
      },
      { what: "both listeners back" },
    );
    const user = await a.newUser("again");
    const { id, token } = await user.client.auth.tokens.create.mutate({ name: "ci" });
    const script = b.withToken(token);
    await cachedOnB(() => script.auth.me.query(), "select api_tokens");
    await user.client.auth.tokens.revoke.mutate({ id });
    await refusedOnB(() => script.auth.me.query());
  });
});
