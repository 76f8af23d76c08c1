import { createHash } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { createSession, passwordWeakness, validateSessionToken } from "@babyhelm/api/testing";
import type { Db } from "@babyhelm/db";
import { loadConfig } from "../src/config.js";
import { startServer } from "../src/server.js";
import {
  CookieJar,
  errorOf,
  makeClient,
  TEST_PASSWORD,
  TEST_PASSWORD_COST,
  uniqueName,
  type Harness,
} from "./support/harness.js";
import { onEveryBackend } from "./support/suites.js";

const DAY = 86_400_000;

onEveryBackend("auth", (suite) => {
  let db: Db;
  let harness: Harness;
  beforeAll(() => {
    ({ db, harness } = suite);
  });

  it("registers with an HttpOnly, SameSite=Lax session cookie and knows the user", async () => {
    const email = `${uniqueName("reg")}@Example.com`;
    const response = await fetch(`${harness.url}/trpc/auth.register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: TEST_PASSWORD }),
    });
    expect(response.status).toBe(200);
    const [cookie = ""] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^babyhelm_session=[a-z2-7]{32};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("Secure");
    const jar = new CookieJar();
    jar.store(response);
    const me = await makeClient(harness.url, { cookies: jar }).auth.me.query();
    expect(me).toMatchObject({ email, via: "cookie" });
    expect(await harness.anonymous().auth.me.query()).toBeNull();
  });

  it("stores only hashes: argon2id for the password, SHA-256 for the session token", async () => {
    const email = `${uniqueName("hash")}@example.com`;
    const result = await harness
      .anonymous()
      .auth.register.mutate({ email, password: TEST_PASSWORD, mode: "token" });
    const token = result.token!;
    const user = await db.kysely
      .selectFrom("users")
      .selectAll()
      .where("email", "=", email)
      .executeTakeFirstOrThrow();
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    expect(user.password_hash).not.toContain(TEST_PASSWORD);
    const sessions = await db.kysely
      .selectFrom("sessions")
      .select("id")
      .where("user_id", "=", user.id)
      .execute();
    expect(sessions.map((session) => session.id)).toEqual([createHash("sha256").update(token).digest("hex")]);
  });

  it("refuses weak passwords, naming the field", async () => {
    for (const password of ["short", "1234567890", "aaaaaaaaaaaa", "abcdefghijklm", "password123"]) {
      const error = await errorOf(
        harness.anonymous().auth.register.mutate({ email: `${uniqueName("weak")}@example.com`, password }),
      );
      expect(error.code).toBe("BAD_REQUEST");
      expect(error.message).toMatch(/^password: /);
    }
    expect(passwordWeakness("ada.lovelace-2026", "ada.lovelace@example.com")).toMatch(/email/);
    expect(passwordWeakness(TEST_PASSWORD, "ada@example.com")).toBeUndefined();
    const badEmail = await errorOf(
      harness.anonymous().auth.register.mutate({ email: "nope", password: TEST_PASSWORD }),
    );
    expect(badEmail.code).toBe("BAD_REQUEST");
    expect(badEmail.data.issues).toEqual([
      { path: "email", message: expect.stringContaining("email address") },
    ]);
  });

  it("refuses a second account for the same email in any case", async () => {
    const { email } = await harness.newUser("dup");
    const error = await errorOf(
      harness.anonymous().auth.register.mutate({ email: email.toUpperCase(), password: TEST_PASSWORD }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.data.issues).toEqual([{ path: "email", message: "is already registered: sign in instead" }]);
  });

  it("answers an unknown email and a wrong password alike", async () => {
    const { email } = await harness.newUser("login");
    const wrong = await errorOf(
      harness.anonymous().auth.login.mutate({ email, password: "not the password" }),
    );
    const unknown = await errorOf(
      harness.anonymous().auth.login.mutate({ email: `nobody-${email}`, password: TEST_PASSWORD }),
    );
    expect(wrong.code).toBe("UNAUTHORIZED");
    expect(unknown).toEqual(wrong);
  });

  it("token mode returns a bearer token and sets no cookie", async () => {
    const { email } = await harness.newUser("tok");
    const response = await fetch(`${harness.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: TEST_PASSWORD, mode: "token" }),
    });
    expect(response.headers.getSetCookie()).toEqual([]);
    const body = (await response.json()) as { result: { data: { token: string } } };
    const me = await harness.withToken(body.result.data.token).auth.me.query();
    expect(me).toMatchObject({ email, via: "session-token" });
  });

  it("logs out one session, or all of them", async () => {
    const user = await harness.newUser("out");
    const second = makeClient(harness.url, { cookies: new CookieJar() });
    await second.auth.login.mutate({ email: user.email, password: TEST_PASSWORD });
    const sessions = (await user.client.auth.sessions.list.query()).items;
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((session) => session.current)).toHaveLength(1);
    const firstPage = await user.client.auth.sessions.list.query({ limit: 1 });
    const secondPage = await user.client.auth.sessions.list.query({ limit: 1, cursor: firstPage.nextCursor });
    expect([...firstPage.items, ...secondPage.items].map((session) => session.id).sort()).toEqual(
      sessions.map((session) => session.id).sort(),
    );
    expect(secondPage.nextCursor).toBeNull();

    await second.auth.logout.mutate();
    expect(await second.auth.me.query()).toBeNull();
    expect(await user.client.auth.me.query()).not.toBeNull();

    const third = makeClient(harness.url, { cookies: new CookieJar() });
    await third.auth.login.mutate({ email: user.email, password: TEST_PASSWORD });
    const other = (await user.client.auth.sessions.list.query()).items.find((session) => !session.current)!;
    await user.client.auth.sessions.revoke.mutate({ id: other.id });
    expect(await third.auth.me.query()).toBeNull();

    await user.client.auth.logoutAll.mutate();
    expect(await user.client.auth.me.query()).toBeNull();
    expect((await errorOf(user.client.auth.sessions.list.query())).code).toBe("UNAUTHORIZED");
  });

  it("extends a session used in its second half and ends an expired one", async () => {
    const { email } = await harness.newUser("slide");
    const user = await db.kysely
      .selectFrom("users")
      .select("id")
      .where("email", "=", email)
      .executeTakeFirstOrThrow();
    const start = new Date("2026-01-01T00:00:00Z");
    const { token, expiresAt } = await createSession(db.kysely, user.id, "test", start);
    expect(expiresAt.getTime() - start.getTime()).toBe(30 * DAY);

    const early = await validateSessionToken(db.kysely, token, new Date(start.getTime() + 10 * DAY));
    expect(early).toMatchObject({ renewed: false, expiresAt });
    const later = new Date(start.getTime() + 16 * DAY);
    const renewed = await validateSessionToken(db.kysely, token, later);
    expect(renewed?.renewed).toBe(true);
    expect(renewed?.expiresAt.getTime()).toBe(later.getTime() + 30 * DAY);

    expect(
      await validateSessionToken(db.kysely, token, new Date(later.getTime() + 31 * DAY)),
    ).toBeUndefined();
    const left = await db.kysely.selectFrom("sessions").select("id").where("user_id", "=", user.id).execute();
    expect(left.map((row) => row.id)).not.toContain(createHash("sha256").update(token).digest("hex"));
  });

  it("refuses cookie-authenticated mutations from another origin", async () => {
    const user = await harness.newUser("csrf");
    const foreign = makeClient(harness.url, {
      cookies: user.cookies,
      headers: { origin: "https://evil.example" },
    });
    const refused = await errorOf(foreign.projects.create.mutate({ name: uniqueName("csrf") }));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toContain("https://evil.example");
    // Reads are not state-changing, and a same-origin page may mutate.
    expect(await foreign.auth.me.query()).toMatchObject({ email: user.email });
    const own = makeClient(harness.url, {
      cookies: user.cookies,
      headers: { origin: harness.url.replace("localhost", "127.0.0.1") },
    });
    await expect(own.auth.tokens.create.mutate({ name: "same-origin" })).resolves.toMatchObject({
      name: "same-origin",
    });
  });

  it("creates API tokens shown once, lists them without the secret, and revokes them", async () => {
    const user = await harness.newUser("api");
    const created = await user.client.auth.tokens.create.mutate({ name: "ci", expiresInDays: 30 });
    expect(created.token).toMatch(/^bhp_[a-z2-7]{32}$/);
    expect(created.prefix).toBe(created.token.slice(0, 10));
    const listed = (await user.client.auth.tokens.list.query()).items;
    expect(listed).toEqual([
      expect.objectContaining({ id: created.id, name: "ci", prefix: created.prefix, lastUsedAt: null }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.token);

    const script = harness.withToken(created.token);
    expect(await script.auth.me.query()).toMatchObject({ email: user.email, via: "api-token" });
    expect((await user.client.auth.tokens.list.query()).items[0]!.lastUsedAt).not.toBeNull();

    await user.client.auth.tokens.revoke.mutate({ id: created.id });
    expect(await script.auth.me.query()).toBeNull();
    expect((await errorOf(script.projects.list.query())).code).toBe("UNAUTHORIZED");
  });

  it("keeps token names unique per user: two creates at once make one token and a CONFLICT naming the field", async () => {
    const user = await harness.newUser("dup");
    const results = await Promise.allSettled([
      user.client.auth.tokens.create.mutate({ name: "deploy" }),
      user.client.auth.tokens.create.mutate({ name: "Deploy" }),
    ]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const refused = await errorOf(user.client.auth.tokens.create.mutate({ name: "DEPLOY" }));
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toBe(
      'You already have an API token named "DEPLOY": choose another name, or revoke that token first.',
    );
    expect(refused.data?.issues).toEqual([
      {
        path: "name",
        message: "is the name of another of your tokens: choose another name, or revoke that token first",
      },
    ]);
    expect((await user.client.auth.tokens.list.query()).items).toHaveLength(1);
    // Another user may use the same name.
    const other = await harness.newUser("dup2");
    await expect(other.client.auth.tokens.create.mutate({ name: "deploy" })).resolves.toMatchObject({
      name: "deploy",
    });
  });

  it("refuses an expired API token", async () => {
    const user = await harness.newUser("exp");
    const created = await user.client.auth.tokens.create.mutate({ name: "old", expiresInDays: 1 });
    await db.kysely
      .updateTable("api_tokens")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("id", "=", created.id)
      .execute();
    expect(await harness.withToken(created.token).auth.me.query()).toBeNull();
  });

  it("marks the cookie Secure when PUBLIC_URL is https, and logs no secret", async () => {
    const lines: string[] = [];
    const { createLogger } = await import("@babyhelm/api/runtime");
    const secure = await startServer({
      config: loadConfig({
        PORT: "0",
        HOST: "127.0.0.1",
        PUBLIC_URL: "https://babyhelm.example.com",
        BABYHELM_CLUSTER: "sandbox",
      }),
      db,
      cluster: harness.server.services.cluster,
      logger: createLogger("trace", { write: (line: string) => lines.push(line) }),
      passwordCost: TEST_PASSWORD_COST,
    });
    try {
      const email = `${uniqueName("secure")}@example.com`;
      const response = await fetch(`${secure.url}/trpc/auth.register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: TEST_PASSWORD }),
      });
      const [cookie = ""] = response.headers.getSetCookie();
      expect(cookie).toContain("; Secure");
      const jar = new CookieJar();
      jar.store(response);
      const client = makeClient(secure.url, { cookies: jar });
      const { token } = await client.auth.tokens.create.mutate({ name: "secret" });
      await errorOf(client.auth.login.mutate({ email, password: "a wrong guess here" }));
      const log = lines.join("\n");
      expect(lines.length).toBeGreaterThan(0);
      expect(log).not.toContain(TEST_PASSWORD);
      expect(log).not.toContain(token);
      expect(log).not.toContain(jar.values.get("babyhelm_session")!);
    } finally {
      await secure.stop();
    }
  });
});
