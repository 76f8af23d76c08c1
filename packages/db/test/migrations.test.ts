import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrations, type Db } from "../src/index.js";
import { testBackends } from "./backends.js";

for (const backend of testBackends()) {
  describe.skipIf(backend.skipReason !== undefined)(`migrations on ${backend.name}`, () => {
    let db: Db;
    beforeAll(async () => {
      db = await backend.open();
    });
    afterAll(async () => {
      await db.close();
    });

    async function tables(): Promise<string[]> {
      const { rows } = await sql<{ table_name: string }>`
        select table_name from information_schema.tables
        where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(
        db.kysely,
      );
      return rows.map((row) => row.table_name);
    }

    it("creates every table, and each migration's down undoes it", async () => {
      const created = await tables();
      expect(created).toEqual([
        "alert_targets",
        "api_tokens",
        "app_alert_states",
        "app_revisions",
        "app_secret_versions",
        "applications",
        "audit_events",
        "auth_limit_counters",
        "ingress_hosts",
        "invitations",
        "pod_metric_samples",
        "project_members",
        "projects",
        "sessions",
        "users",
      ]);
      for (const _ of Object.keys(migrations)) await db.migrateDown();
      expect(await tables()).toEqual([]);
      expect(await db.migrate()).toEqual(Object.keys(migrations));
      expect(await db.migrate()).toEqual([]);
      expect(await tables()).toEqual(created);
    });

    it("keeps emails unique whatever their case", async () => {
      await db.kysely.insertInto("users").values({ email: "Ada@Example.com", password_hash: "x" }).execute();
      await expect(
        db.kysely.insertInto("users").values({ email: "ada@example.COM", password_hash: "y" }).execute(),
      ).rejects.toThrow(/users_email_lower_key/);
    });

    it("refuses an unknown role and a second membership of the same pair", async () => {
      const user = await db.kysely
        .insertInto("users")
        .values({ email: "role@example.com", password_hash: "x" })
        .returning("id")
        .executeTakeFirstOrThrow();
      const project = await db.kysely
        .insertInto("projects")
        .values({ name: "shop", namespace: "shop", pack_ref: "default@2.0.0", created_by: user.id })
        .returning("id")
        .executeTakeFirstOrThrow();
      await expect(
        db.kysely
          .insertInto("project_members")
          .values({ project_id: project.id, user_id: user.id, role: "owner" as never })
          .execute(),
      ).rejects.toThrow(/check/i);
      await db.kysely
        .insertInto("project_members")
        .values({ project_id: project.id, user_id: user.id, role: "creator" })
        .execute();
      await expect(
        db.kysely
          .insertInto("project_members")
          .values({ project_id: project.id, user_id: user.id, role: "viewer" })
          .execute(),
      ).rejects.toThrow(/project_members_pkey/);
    });

    it("stores JSON and reads numbers for int8", async () => {
      const event = await db.kysely
        .insertInto("audit_events")
        .values({ action: "test", details: JSON.stringify({ list: [1, 2], text: 'a"b' }) })
        .returning(["id", "details"])
        .executeTakeFirstOrThrow();
      expect(typeof event.id).toBe("number");
      expect(event.details).toEqual({ list: [1, 2], text: 'a"b' });
      const { count } = await db.kysely
        .selectFrom("audit_events")
        .select((eb) => eb.fn.countAll().as("count"))
        .executeTakeFirstOrThrow();
      expect(count).toBe(1);
    });

    it("refuses an alert target without what its type needs", async () => {
      const project = await db.kysely
        .insertInto("projects")
        .values({ name: "alerts", namespace: "alerts", pack_ref: "default@2.0.0" })
        .returning("id")
        .executeTakeFirstOrThrow();
      await expect(
        db.kysely
          .insertInto("alert_targets")
          .values({ project_id: project.id, type: "telegram", bot_token: "1:x", chat_id: null })
          .execute(),
      ).rejects.toThrow(/alert_targets_complete/);
      await db.kysely
        .insertInto("alert_targets")
        .values({ project_id: project.id, type: "slack", webhook_url: "https://hooks.example/x" })
        .execute();
    });

    it("makes token names unique per user, renaming the duplicates made before the rule", async () => {
      // Back to just before the rule (migrations added after it are undone first, and redone by migrate()).
      for (;;) {
        const reverted = await db.migrateDown();
        if (reverted.length === 0 || reverted.includes("0007-unique-token-names")) break;
      }
      const [ada, bob] = await db.kysely
        .insertInto("users")
        .values([
          { email: "tokens-ada@example.com", password_hash: "x" },
          { email: "tokens-bob@example.com", password_hash: "x" },
        ])
        .returning("id")
        .execute();
      const token = (user: string, name: string, n: number) => ({
        user_id: user,
        name,
        token_hash: `hash-${name}-${n}-${user}`,
        prefix: "bh_",
        created_at: new Date(Date.UTC(2026, 0, n)),
      });
      await db.kysely
        .insertInto("api_tokens")
        .values([
          token(ada!.id, "deploy", 1),
          token(ada!.id, "Deploy", 2),
          token(ada!.id, "deploy (2)", 3),
          token(ada!.id, "deploy", 4),
          token(bob!.id, "deploy", 5),
        ])
        .execute();
      await db.migrate();
      const names = await db.kysely
        .selectFrom("api_tokens")
        .select(["user_id", "name"])
        .orderBy("created_at")
        .execute();
      expect(names.map((row) => [row.user_id === ada!.id ? "ada" : "bob", row.name])).toEqual([
        ["ada", "deploy"],
        ["ada", "Deploy (3)"],
        ["ada", "deploy (2)"],
        ["ada", "deploy (4)"],
        ["bob", "deploy"],
      ]);
      await expect(
        db.kysely
          .insertInto("api_tokens")
          .values(token(bob!.id, "DEPLOY", 6))
          .execute(),
      ).rejects.toThrow(/api_tokens_user_name_key/);
    });

    it("reports pool figures on PostgreSQL only", async () => {
      await db.ping();
      const stats = db.poolStats();
      if (db.backend === "pglite") expect(stats).toBeUndefined();
      else expect(stats).toEqual({ total: expect.any(Number), idle: expect.any(Number), waiting: 0 });
      // After the ping, its connection is back in the pool, idle.
      if (stats !== undefined) expect(stats.idle).toBeGreaterThanOrEqual(1);
      if (stats !== undefined) expect(stats.total).toBeGreaterThanOrEqual(stats.idle);
    });

    it("runs exclusive work once at a time per key", async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const first = db.tryExclusive("drift-check", () => gate.then(() => "done"));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await db.tryExclusive("drift-check", () => Promise.resolve("second"))).toEqual({ ran: false });
      expect(await db.tryExclusive("other", () => Promise.resolve("other"))).toEqual({
        ran: true,
        value: "other",
      });
      release();
      expect(await first).toEqual({ ran: true, value: "done" });
      expect(await db.tryExclusive("drift-check", () => Promise.resolve(1))).toEqual({ ran: true, value: 1 });
    });
  });
}
