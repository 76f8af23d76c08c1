// Limits that keep one user or one address from taking a shared server for themselves: sign-up per address,
// progressive sign-in throttling, projects, log streams and env entries per user, and large previews over POST.
import { beforeAll, expect, it } from "vitest";
import { waitFor } from "@babyhelm/api/testing";
import type { Db } from "@babyhelm/db";
import {
  CookieJar,
  errorOf,
  makeClient,
  makeStreamingClient,
  startHarness,
  TEST_PASSWORD,
  uniqueName,
  type Harness,
} from "./support/harness.js";
import { onEveryBackend } from "./support/suites.js";

/** The server's clock: tests move it instead of waiting. */
let clock = Date.now();
const advance = (ms: number) => {
  clock += ms;
};

const nginx = { image: "nginx:1.27", ports: [{ port: 80 }] };
const envOf = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ name: `VAR_${index}`, value: "x" }));

onEveryBackend(
  "abuse limits",
  (suite) => {
    let db: Db;
    let harness: Harness;
    beforeAll(() => {
      ({ db, harness } = suite);
    });

    const login = (email: string, password: string) =>
      harness.anonymous().auth.login.mutate({ email, password, mode: "token" });

    it("slows sign-in after a few failures instead of locking the right password out", async () => {
      const { email } = await harness.newUser("throttle");
      for (let attempt = 0; attempt < 5; attempt++) {
        expect((await errorOf(login(email, "wrong password!"))).code).toBe("UNAUTHORIZED");
      }
      // The fifth failure asks for 1 s; the right password is refused until it has passed, unchecked.
      const waiting = await errorOf(login(email, TEST_PASSWORD));
      expect(waiting.code).toBe("TOO_MANY_REQUESTS");
      expect(waiting.data.retryAfterSeconds).toBe(1);
      expect(waiting.message).toMatch(/try again in 1 s/i);

      advance(1_000);
      expect((await errorOf(login(email, "wrong password!"))).code).toBe("UNAUTHORIZED");
      expect((await errorOf(login(email, TEST_PASSWORD))).data.retryAfterSeconds).toBe(2);
      advance(2_000);
      expect((await errorOf(login(email, "wrong password!"))).code).toBe("UNAUTHORIZED");
      expect((await errorOf(login(email, TEST_PASSWORD))).data.retryAfterSeconds).toBe(4);

      // After the wait the right password works, and the count starts again.
      advance(4_000);
      await expect(login(email, TEST_PASSWORD)).resolves.toMatchObject({ user: { email } });
      expect((await errorOf(login(email, "wrong password!"))).code).toBe("UNAUTHORIZED");
      await expect(login(email, TEST_PASSWORD)).resolves.toMatchObject({ user: { email } });
    });

    it("caps the wait at a minute however many failures", async () => {
      const { email } = await harness.newUser("cap");
      const throttle = harness.server.services.loginLimits.failuresByEmail;
      // Through the throttle itself: forty failures over HTTP would spend the address's attempts.
      for (let failure = 0; failure < 40; failure++) await throttle.fail(email);
      expect(await throttle.waitSeconds(email)).toBe(60);
      advance(60_000);
      await expect(login(email, TEST_PASSWORD)).resolves.toMatchObject({ user: { email } });
    });

    it("refuses to sign out an API token, pointing at revoking it, and the token keeps working", async () => {
      const user = await harness.newUser("logout");
      const created = await user.client.auth.tokens.create.mutate({ name: "ci" });
      const withToken = harness.withToken(created.token);
      const refused = await errorOf(withToken.auth.logout.mutate());
      expect(refused.code).toBe("PRECONDITION_FAILED");
      expect(refused.message).toMatch(/auth\.tokens\.revoke/);
      await expect(withToken.auth.me.query()).resolves.toMatchObject({ email: user.email, via: "api-token" });
      // A session token from a token-mode sign-in is a session: logout ends it.
      const session = await login(user.email, TEST_PASSWORD);
      const withSession = harness.withToken(session.token!);
      await expect(withSession.auth.logout.mutate()).resolves.toEqual({ signedOut: true });
      expect(await withSession.auth.me.query()).toBeNull();
    });

    it("limits the projects one user creates, saying what to do", async () => {
      const { client } = await harness.newUser("projects");
      await client.projects.create.mutate({ name: uniqueName("lim") });
      await client.projects.create.mutate({ name: uniqueName("lim") });
      const refused = await errorOf(client.projects.create.mutate({ name: uniqueName("lim") }));
      expect(refused.code).toBe("FORBIDDEN");
      expect(refused.message).toMatch(/2 projects.*BABYHELM_MAX_PROJECTS_PER_USER/);
      expect(refused.data.issues).toEqual([expect.objectContaining({ path: "name" })]);
    });

    it("holds the projects limit exactly against a burst of parallel creates", async () => {
      const { client } = await harness.newUser("burst");
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, () => client.projects.create.mutate({ name: uniqueName("burst") })),
      );
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(2);
      const page = await client.projects.list.query({});
      expect(page.items).toHaveLength(2);
    });

    it("limits env entries per app on create, update and preview", async () => {
      const { client } = await harness.newUser("env");
      const project = uniqueName("env");
      await client.projects.create.mutate({ name: project });
      const tooMany = { ...nginx, env: envOf(6) };
      // One call at a time: a call made before the previous one is awaited could reject unobserved.
      for (const call of [
        () => client.apps.create.mutate({ project, name: "web", spec: tooMany }),
        () => client.apps.previewManifests.query({ project, name: "web", spec: tooMany }),
      ]) {
        const refused = await errorOf(call());
        expect(refused.code).toBe("BAD_REQUEST");
        expect(refused.data.issues).toEqual([
          { path: "spec.env", message: expect.stringMatching(/6 entries.*limit of 5/) },
        ]);
      }
      const created = await client.apps.create.mutate({
        project,
        name: "web",
        spec: { ...nginx, env: envOf(5) },
      });
      const update = await errorOf(
        client.apps.update.mutate({
          project,
          name: "web",
          spec: tooMany,
          expectedRevision: created.revision,
        }),
      );
      expect(update.code).toBe("BAD_REQUEST");
      expect(update.message).toMatch(/spec\.env/);
    });

    it("limits the log streams one user holds open, and frees a slot when one closes", async () => {
      const cookies = new CookieJar();
      const owner = makeClient(harness.url, { cookies });
      const email = `${uniqueName("streams")}@example.com`;
      await owner.auth.register.mutate({ email, password: TEST_PASSWORD });
      const project = uniqueName("streams");
      await owner.projects.create.mutate({ name: project });
      await owner.apps.create.mutate({ project, name: "web", spec: nginx });
      const me = await owner.auth.me.query();
      const streams = harness.server.services.logStreams;
      const streaming = makeStreamingClient(harness.url, cookies);
      const open = () => {
        const state: { error: unknown } = { error: undefined };
        const subscription = streaming.apps.logs.subscribe(
          { project, name: "web", follow: true },
          {
            onError: (error) => {
              state.error = error;
            },
          },
        );
        return {
          state,
          stop: () => {
            subscription.unsubscribe();
          },
        };
      };
      const first = open();
      const second = open();
      try {
        await waitFor(() => (streams.count(me!.id) === 2 ? true : undefined), { what: "two open streams" });
        const third = open();
        await waitFor(() => third.state.error, { what: "the third stream's refusal" });
        third.stop();
        expect(third.state.error).toMatchObject({ data: { code: "TOO_MANY_REQUESTS" } });
        expect((third.state.error as Error).message).toMatch(/2 log streams open.*close one/);

        first.stop();
        await waitFor(() => (streams.count(me!.id) === 1 ? true : undefined), { what: "a stream closed" });
        const fourth = open();
        await waitFor(() => (streams.count(me!.id) === 2 ? true : undefined), { what: "a stream reopened" });
        fourth.stop();
      } finally {
        first.stop();
        second.stop();
      }
    });

    it("previews a spec whose JSON is larger than 16 KB, sent as POST", async () => {
      const user = await harness.newUser("preview");
      const { client } = user;
      const project = uniqueName("big");
      await client.projects.create.mutate({ name: project });
      const spec = { ...nginx, env: [{ name: "BIG", value: "y".repeat(20_000) }] };
      expect(JSON.stringify(spec).length).toBeGreaterThan(16 * 1024);
      // As the dashboard sends it: a query over POST, since a URL that long is refused before tRPC sees it.
      const posting = makeClient(harness.url, { cookies: user.cookies, methodOverride: "POST" });
      const preview = await posting.apps.previewManifests.query({ project, name: "big", spec });
      expect(JSON.stringify(preview.manifests)).toContain("y".repeat(20_000));
    });

    it("invites an email with no account, once, into the project with the role, on an invite-only server", async () => {
      const invite = await startHarness(db, {
        sandbox: harness.sandbox,
        env: { BABYHELM_REGISTRATION: "invite", PUBLIC_URL: "https://babyhelm.example.com" },
      });
      try {
        // The creator signs up on an open server sharing the database; the session works on both.
        const creator = await harness.newUser("inviter");
        const owner = makeClient(invite.url, { cookies: creator.cookies });
        const project = uniqueName("team");
        await owner.projects.create.mutate({ name: project });
        const anonymous = invite.anonymous();
        const uninvited = await errorOf(
          anonymous.auth.register.mutate({
            email: `${uniqueName("x")}@example.com`,
            password: TEST_PASSWORD,
          }),
        );
        expect(uninvited.code).toBe("FORBIDDEN");
        expect(uninvited.message).toMatch(/by invitation/);

        const email = `${uniqueName("new")}@example.com`;
        const added = await owner.members.add.mutate({ project, email, role: "editor" });
        const link = new URL(added.invitation!.link);
        expect(link.origin + link.pathname).toBe("https://babyhelm.example.com/register");
        const token = link.searchParams.get("invite")!;
        const stored = await db.kysely
          .selectFrom("invitations")
          .selectAll()
          .where("email", "=", email)
          .execute();
        expect(stored).toHaveLength(1);
        expect(JSON.stringify(stored)).not.toContain(token);
        expect(await owner.members.invitations.query({ project })).toEqual([
          expect.objectContaining({ email, role: "editor" }),
        ]);

        const wrongEmail = await errorOf(
          anonymous.auth.register.mutate({
            email: `${uniqueName("other")}@example.com`,
            password: TEST_PASSWORD,
            invite: token,
          }),
        );
        expect(wrongEmail.code).toBe("BAD_REQUEST");
        expect(wrongEmail.data.issues).toEqual([expect.objectContaining({ path: "email" })]);

        const cookies = new CookieJar();
        const joined = makeClient(invite.url, { cookies });
        await joined.auth.register.mutate({ email, password: TEST_PASSWORD, invite: token });
        await expect(joined.projects.get.query({ name: project })).resolves.toMatchObject({ role: "editor" });
        expect(await owner.members.invitations.query({ project })).toEqual([]);
        const audit = await db.kysely
          .selectFrom("audit_events")
          .select("action")
          .where("project_name", "=", project)
          .execute();
        expect(audit.map((row) => row.action)).toEqual(
          expect.arrayContaining(["invitation.create", "invitation.accept"]),
        );

        const reused = await errorOf(
          anonymous.auth.register.mutate({ email, password: TEST_PASSWORD, invite: token }),
        );
        expect(reused.code).toBe("BAD_REQUEST");
        expect(reused.data.issues).toEqual([expect.objectContaining({ path: "invite" })]);

        // Revoked links stop working; on an open server an unknown email stays NOT_FOUND.
        const later = `${uniqueName("later")}@example.com`;
        const second = await owner.members.add.mutate({ project, email: later });
        await owner.members.revokeInvitation.mutate({ project, email: later });
        const revoked = await errorOf(
          anonymous.auth.register.mutate({
            email: later,
            password: TEST_PASSWORD,
            invite: new URL(second.invitation!.link).searchParams.get("invite")!,
          }),
        );
        expect(revoked.data.issues).toEqual([expect.objectContaining({ path: "invite" })]);
        const open = await errorOf(creator.client.members.add.mutate({ project, email: later }));
        expect(open.code).toBe("NOT_FOUND");
      } finally {
        await invite.stop();
      }
    });

    it("refuses a registration when the server is closed, and limits sign-ups per address", async () => {
      const closed = await startHarness(db, {
        sandbox: harness.sandbox,
        env: { BABYHELM_REGISTRATION: "closed" },
      });
      const limited = await startHarness(db, {
        sandbox: harness.sandbox,
        env: { BABYHELM_REGISTRATIONS_PER_IP_HOUR: "2" },
        now: () => new Date(clock),
      });
      try {
        const refused = await errorOf(
          closed
            .anonymous()
            .auth.register.mutate({ email: `${uniqueName("c")}@example.com`, password: TEST_PASSWORD }),
        );
        expect(refused.code).toBe("FORBIDDEN");
        expect(refused.message).toMatch(/closed.*ask an operator/i);

        // On PostgreSQL every server on the database counts into one window per address, which this file's other
        // sign-ups from 127.0.0.1 have filled: the test starts with a fresh one.
        advance(60 * 60 * 1000);
        const register = () =>
          limited
            .anonymous()
            .auth.register.mutate({ email: `${uniqueName("ip")}@example.com`, password: TEST_PASSWORD });
        await register();
        await register();
        const tooMany = await errorOf(register());
        expect(tooMany.code).toBe("TOO_MANY_REQUESTS");
        expect(tooMany.data.retryAfterSeconds).toBe(3600);
        advance(60 * 60 * 1000);
        await expect(register()).resolves.toMatchObject({ user: expect.anything() });
      } finally {
        await closed.stop();
        await limited.stop();
      }
    });
  },
  {
    now: () => new Date(clock),
    env: {
      BABYHELM_MAX_PROJECTS_PER_USER: "2",
      BABYHELM_MAX_LOG_STREAMS_PER_USER: "2",
      BABYHELM_MAX_ENV_PER_APP: "5",
    },
  },
);
