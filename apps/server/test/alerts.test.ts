// Alerts: a project's Slack-compatible webhook or Telegram chat hears about apps that fail, degrade and recover, once
// per change of state even with two servers on one database; secrets stay masked and out of the logs.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCluster, createLogger, waitFor } from "@babyhelm/api/testing";
import type { Db } from "@babyhelm/db";
import { testBackends } from "@babyhelm/db/testing";
import { startSandbox, type Sandbox } from "@babyhelm/kube-sandbox";
import { loadConfig } from "../src/config.js";
import { startServer, type RunningServer } from "../src/server.js";
import {
  CookieJar,
  errorOf,
  makeClient,
  TEST_PASSWORD,
  TEST_PASSWORD_COST,
  TEST_SECRET_KEY,
  uniqueName,
  type ApiClient,
} from "./support/harness.js";
import { Receiver, type Received } from "./support/webhook-receiver.js";

const SLACK_SECRET = "T0001/B0002/xoxSecretWebhookPath42";
const BOT_TOKEN = "123456789:AAH-test_token_abcdefghijklmnWXYZ";
const CHAT_ID = "-1001234567890";

for (const backend of testBackends()) {
  describe.skipIf(backend.skipReason !== undefined)(`alerts on ${backend.name}`, () => {
    let db: Db;
    let sandbox: Sandbox;
    const servers: RunningServer[] = [];
    const receiver = new Receiver();
    let logs = "";
    let creator: ApiClient;
    let editor: ApiClient;
    /** The same user on the second server. */
    let creatorOnB: ApiClient;
    let creatorCookies: CookieJar;
    let project: string;

    async function start(secretKey = TEST_SECRET_KEY): Promise<RunningServer> {
      const server = await startServer({
        config: loadConfig({
          PORT: "0",
          HOST: "127.0.0.1",
          BABYHELM_CLUSTER: "sandbox",
          DRIFT_CHECK_INTERVAL_SECONDS: "0",
          METRICS_SAMPLE_SECONDS: "0",
          TELEGRAM_API_URL: receiver.url,
          // The receiver is on this machine: a private address, refused unless the operator allows them.
          ALERT_PRIVATE_WEBHOOKS: "true",
          BABYHELM_SECRET_KEY: secretKey,
          PUBLIC_URL: "https://babyhelm.example.com",
        }),
        db,
        cluster: createCluster({ mode: "sandbox", kubeconfigYaml: sandbox.kubeconfigYaml }),
        logger: createLogger(
          "debug",
          new Writable({
            write(chunk: Buffer, _encoding, done) {
              logs += chunk.toString();
              done();
            },
          }),
        ),
        passwordCost: TEST_PASSWORD_COST,
      });
      servers.push(server);
      return server;
    }

    beforeAll(async () => {
      db = await backend.open();
      sandbox = await startSandbox({ readyDelayMs: 20 });
      await receiver.start();
      const [a, b] = [await start(), await start()];
      const cookies = new CookieJar();
      creatorCookies = cookies;
      creator = makeClient(a.url, { cookies });
      const email = `${uniqueName("alerts")}@example.com`;
      await creator.auth.register.mutate({ email, password: TEST_PASSWORD });
      creatorOnB = makeClient(b.url, { cookies });
      const editorCookies = new CookieJar();
      editor = makeClient(a.url, { cookies: editorCookies });
      const editorEmail = `${uniqueName("editor")}@example.com`;
      await editor.auth.register.mutate({ email: editorEmail, password: TEST_PASSWORD });
      project = uniqueName("alerts");
      await creator.projects.create.mutate({ name: project });
      await creator.members.add.mutate({ project, email: editorEmail, role: "editor" });
    });
    afterAll(async () => {
      for (const server of servers) await server.stop();
      await receiver.stop();
      await sandbox?.stop();
      await db?.close();
    });

    /** Reads the app's status through both servers at once until it is `state`, as two dashboards would. */
    async function watchUntil(app: string, state: string): Promise<void> {
      await waitFor(
        async () => {
          const [a, b] = await Promise.all([
            creator.apps.status.query({ project, name: app }),
            creatorOnB.apps.status.query({ project, name: app }),
          ]);
          return a.state === state && b.state === state ? true : undefined;
        },
        { what: `${app} to be ${state}`, timeoutMs: 20_000 },
      );
    }

    async function keepReading(app: string, times = 10): Promise<void> {
      for (let i = 0; i < times; i++) {
        await Promise.all([
          creator.apps.status.query({ project, name: app }),
          creatorOnB.apps.status.query({ project, name: app }),
        ]);
      }
    }

    function received(path: string): Received[] {
      return receiver.requests.filter((request) => request.path.startsWith(path));
    }

    it("refuses a bad target, naming the field", async () => {
      const notUrl = await errorOf(
        creator.alerts.set.mutate({ project, target: { type: "slack", url: "hooks.slack.com/x" } }),
      );
      expect(notUrl.code).toBe("BAD_REQUEST");
      expect(notUrl.data.issues).toEqual([{ path: "target.url", message: expect.stringContaining("URL") }]);
      const plain = await errorOf(
        creator.alerts.set.mutate({ project, target: { type: "slack", url: "http://hooks.example.com/x" } }),
      );
      expect(plain.data.issues).toEqual([{ path: "target.url", message: expect.stringMatching(/https/) }]);
      const telegram = await errorOf(
        creator.alerts.set.mutate({
          project,
          target: { type: "telegram", botToken: "nope", chatId: "my chat" },
        }),
      );
      expect(telegram.data.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
        "target.botToken",
        "target.chatId",
      ]);
      expect((await errorOf(creator.alerts.test.mutate({ project }))).code).toBe("PRECONDITION_FAILED");
      expect(await creator.alerts.get.query({ project })).toEqual({
        target: null,
        updatedAt: null,
        updatedBy: null,
      });
    });

    it("posts Slack-compatible JSON once when an app fails and once when it recovers, with two servers watching", async () => {
      const url = `${receiver.url}/slack/${SLACK_SECRET}`;
      const set = await creator.alerts.set.mutate({ project, target: { type: "slack", url } });
      expect(set.target).toEqual({ type: "slack", host: new URL(url).host, url: `${receiver.url}/…` });
      const shown = await editor.alerts.get.query({ project });
      expect(shown).toMatchObject({
        target: { type: "slack", host: new URL(url).host },
        updatedBy: expect.any(String),
      });
      expect(JSON.stringify(shown)).not.toContain("xoxSecret");
      const audit = await creator.audit.list.query({ project });
      expect(audit.items[0]).toMatchObject({ action: "alerts.update", details: { type: "slack" } });
      expect(JSON.stringify(audit.items)).not.toContain("xoxSecret");
      // Sealed in the database: a dump or a backup does not give the webhook away.
      const stored = await db.kysely.selectFrom("alert_targets").selectAll().execute();
      expect(stored.map((row) => row.webhook_url)).toEqual([expect.stringMatching(/^bh1:/)]);
      expect(JSON.stringify(stored)).not.toContain("xoxSecret");

      await creator.apps.create.mutate({
        project,
        name: "bad",
        spec: { image: "invalid.example/app:1", ports: [{ port: 80 }] },
      });
      await watchUntil("bad", "failed");
      await waitFor(() => (received("/slack/").length > 0 ? true : undefined), { what: "the failure alert" });
      await keepReading("bad");
      expect(received("/slack/")).toEqual([
        {
          path: `/slack/${SLACK_SECRET}`,
          body: {
            text: expect.stringMatching(
              new RegExp(`^🔴 ${project}/bad failed: Image "invalid\\.example/app:1" cannot be pulled`),
            ),
            blocks: [
              {
                type: "section",
                text: { type: "mrkdwn", text: expect.stringMatching(/^\*🔴 .*\/bad failed\*\n/) },
              },
              {
                type: "context",
                elements: [
                  {
                    type: "mrkdwn",
                    text: `<https://babyhelm.example.com/projects/${project}/apps/bad|Open in BabyHelm>`,
                  },
                ],
              },
            ],
          },
        },
      ]);

      // A server started afresh, reading the app as if its observed state had been lost, finds it announced.
      servers.push(await start());
      const third = makeClient(servers.at(-1)!.url, { cookies: creatorCookies });
      await db.kysely
        .updateTable("applications")
        .set({ observed_state: null })
        .where("name", "=", "bad")
        .execute();
      expect((await third.apps.status.query({ project, name: "bad" })).state).toBe("failed");
      await keepReading("bad", 3);
      expect(received("/slack/")).toHaveLength(1);

      await creator.apps.update.mutate({
        project,
        name: "bad",
        spec: { image: "nginx:1.27", ports: [{ port: 80 }] },
        expectedRevision: 1,
      });
      await watchUntil("bad", "ready");
      await waitFor(() => (received("/slack/").length === 2 ? true : undefined), {
        what: "the recovery alert",
      });
      await keepReading("bad");
      expect(received("/slack/")).toHaveLength(2);
      expect(received("/slack/")[1]!.body.text).toBe(`✅ ${project}/bad recovered: 1/1 replicas ready`);
    });

    it("does not hold up the request that noticed the change, and logs a failed delivery without the secret", async () => {
      receiver.answer = "hold";
      const before = received("/slack/").length;
      await creator.apps.create.mutate({
        project,
        name: "slow",
        spec: { image: "invalid.example/slow:1", ports: [{ port: 80 }] },
      });
      await watchUntil("slow", "failed");
      // The receiver has the alert and has not answered (nor has the 5 s deadline passed): the status reads that
      // noticed the failure were answered regardless.
      await waitFor(() => (received("/slack/").length === before + 1 ? true : undefined), {
        what: "the held alert",
      });
      const slowDelivery = () => logs.split("\n").filter((line) => line.includes('"app":"slow"'));
      expect(slowDelivery()).toEqual([]);
      receiver.release();
      await waitFor(
        () => (slowDelivery().some((line) => line.includes('"msg":"alert sent"')) ? true : undefined),
        {
          what: "the held alert to be answered",
        },
      );

      receiver.answer = { status: 404, body: "no_service" };
      await creator.apps.create.mutate({
        project,
        name: "refused",
        spec: { image: "invalid.example/refused:1", ports: [{ port: 80 }] },
      });
      await watchUntil("refused", "failed");
      await waitFor(() => (logs.includes('"msg":"alert not delivered"') ? true : undefined), {
        what: "the failed delivery in the log",
      });
      const line = logs.split("\n").find((entry) => entry.includes('"msg":"alert not delivered"'))!;
      expect(JSON.parse(line)).toMatchObject({
        level: 40,
        project,
        app: "refused",
        alert: "failed",
        target: `the webhook at ${new URL(receiver.url).host}`,
        reason: `The webhook at ${new URL(receiver.url).host} answered HTTP 404 from ${receiver.url}/…: no_service`,
      });
      receiver.answer = { status: 200, body: "ok" };
    });

    it("sends Telegram's sendMessage, tests the target and reports the receiver's error plainly", async () => {
      const set = await creator.alerts.set.mutate({
        project,
        target: { type: "telegram", botToken: BOT_TOKEN, chatId: CHAT_ID },
      });
      expect(set.target).toEqual({ type: "telegram", botToken: "…WXYZ", chatId: CHAT_ID });
      expect(JSON.stringify(await db.kysely.selectFrom("alert_targets").selectAll().execute())).not.toContain(
        "AAH-test",
      );
      expect(await creator.alerts.get.query({ project })).toMatchObject({
        target: { type: "telegram", botToken: "…WXYZ", chatId: CHAT_ID },
      });

      expect(await creator.alerts.test.mutate({ project })).toEqual({ sent: true });
      expect(received(`/bot${BOT_TOKEN}/sendMessage`).at(-1)?.body).toEqual({
        chat_id: CHAT_ID,
        text: expect.stringMatching(new RegExp(`^🔔 Test alert from BabyHelm for project ${project}`)),
      });

      await creator.apps.create.mutate({
        project,
        name: "tg",
        spec: { image: "invalid.example/tg:1", ports: [{ port: 80 }] },
      });
      await watchUntil("tg", "failed");
      await waitFor(
        () =>
          received(`/bot${BOT_TOKEN}/sendMessage`).some((r) => r.body.text?.includes("/tg failed"))
            ? true
            : undefined,
        { what: "the Telegram alert" },
      );

      receiver.answer = {
        status: 401,
        body: JSON.stringify({ ok: false, error_code: 401, description: "Unauthorized" }),
      };
      const refused = await errorOf(creator.alerts.test.mutate({ project }));
      receiver.answer = { status: 200, body: "ok" };
      expect(refused.code).toBe("BAD_GATEWAY");
      expect(refused.message).toBe(
        `The test alert was not delivered. Telegram chat ${CHAT_ID} answered HTTP 401 from ${receiver.url}/bot…/sendMessage: Unauthorized`,
      );
      expect(refused.message).not.toContain("AAH-test");

      expect((await errorOf(editor.alerts.set.mutate({ project, target: null }))).code).toBe("FORBIDDEN");
      expect(await creator.alerts.set.mutate({ project, target: null })).toEqual({
        target: null,
        removed: true,
      });
      expect((await creator.audit.list.query({ project })).items[0]).toMatchObject({
        action: "alerts.clear",
      });
    });

    it("a test alert to a host DNS does not know names the DNS lookup and the host, not the cluster", async () => {
      await creator.alerts.set.mutate({
        project,
        target: {
          type: "slack",
          url: `https://hooks.babyhelm.invalid/${SLACK_SECRET}?signature=xoxSecretQuery`,
        },
      });
      const refused = await errorOf(creator.alerts.test.mutate({ project }));
      expect(refused.code).toBe("BAD_GATEWAY");
      expect(refused.message).toMatch(
        /^The test alert was not delivered\. Could not reach the webhook at hooks\.babyhelm\.invalid\. DNS lookup of hooks\.babyhelm\.invalid failed: .+ \(https:\/\/hooks\.babyhelm\.invalid\/…\)\./,
      );
      expect(refused.message).not.toContain("xoxSecret");
      expect(refused.message).not.toMatch(/cluster/i);
    });

    it("on a server with another secret key, says to align the keys or set the target again", async () => {
      await creator.alerts.set.mutate({
        project,
        target: { type: "slack", url: `${receiver.url}/slack/${SLACK_SECRET}` },
      });
      const otherKey = await start("another-secret-key-of-32-characters-or-more");
      const onOther = makeClient(otherKey.url, { cookies: creatorCookies });
      for (const refused of [
        await errorOf(onOther.alerts.get.query({ project })),
        await errorOf(onOther.alerts.test.mutate({ project })),
      ]) {
        expect(refused.code).toBe("PRECONDITION_FAILED");
        expect(refused.message).toMatch(/another BABYHELM_SECRET_KEY \(set the same value on every server\)/);
      }
      // Setting it again there makes it readable there.
      await onOther.alerts.set.mutate({
        project,
        target: { type: "slack", url: `${receiver.url}/slack/again` },
      });
      expect(await onOther.alerts.get.query({ project })).toMatchObject({ target: { type: "slack" } });
      await onOther.alerts.set.mutate({ project, target: null });
    });

    it("seals, when a server starts, the targets stored before sealing existed", async () => {
      const url = `${receiver.url}/slack/${SLACK_SECRET}`;
      const { id } = await db.kysely
        .selectFrom("projects")
        .select("id")
        .where("name", "=", project)
        .executeTakeFirstOrThrow();
      await db.kysely
        .insertInto("alert_targets")
        .values({ project_id: id, type: "slack", webhook_url: url, updated_at: new Date() })
        .execute();
      // Read as it is until then.
      expect(await creator.alerts.get.query({ project })).toMatchObject({
        target: { host: new URL(url).host },
      });
      await start();
      const row = await db.kysely
        .selectFrom("alert_targets")
        .select("webhook_url")
        .where("project_id", "=", id)
        .executeTakeFirstOrThrow();
      expect(row.webhook_url).toMatch(/^bh1:/);
      expect(await creator.alerts.get.query({ project })).toMatchObject({
        target: { host: new URL(url).host },
      });
      expect(await creator.alerts.test.mutate({ project })).toEqual({ sent: true });
      await creator.alerts.set.mutate({ project, target: null });
    });

    it("never writes a webhook URL or bot token to the log", () => {
      expect(logs).toContain('"msg":"alert sent"');
      expect(logs).not.toContain("xoxSecretWebhookPath42");
      expect(logs).not.toContain("AAH-test_token");
    });
  });
}
