// LISTEN over a connection of its own: notifications arrive, a lost connection is reported at once and reopened,
// and LISTEN is back in place after it. PostgreSQL only: PGlite has no other process to hear from.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChannelListener, Db } from "../src/index.js";
import { testBackends } from "./backends.js";

const postgres = testBackends().find((backend) => backend.name.startsWith("PostgreSQL"))!;

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("listening on PGlite", () => {
  it("is not offered: one process needs no notices", async () => {
    const { createDb } = await import("../src/index.js");
    const db = await createDb({});
    try {
      expect(
        db.listen("anything", { message: () => undefined, up: () => undefined, down: () => undefined }),
      ).toBe(undefined);
    } finally {
      await db.close();
    }
  });
});

describe.skipIf(postgres.skipReason !== undefined)("listening on a channel of PostgreSQL", () => {
  let db: Db;
  let listener: ChannelListener;
  const received: string[] = [];
  const transitions: string[] = [];
  beforeAll(async () => {
    db = await postgres.open();
    listener = db.listen("babyhelm_test_channel", {
      message: (payload) => received.push(payload),
      up: () => transitions.push("up"),
      down: () => transitions.push("down"),
    })!;
    await until(() => listener.listening, "the first LISTEN");
  });
  afterAll(async () => {
    await listener?.close();
    await db?.close();
  });

  const notify = (payload: string) =>
    sql`select pg_notify('babyhelm_test_channel', ${payload})`.execute(db.kysely);

  it("receives what any connection notifies, only once committed", async () => {
    await notify("first");
    await until(() => received.includes("first"), "the first notice");
    await db.kysely.transaction().execute(async (trx) => {
      await sql`select pg_notify('babyhelm_test_channel', 'in a transaction')`.execute(trx);
      // Nothing is delivered before the commit, whatever the wait.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received).not.toContain("in a transaction");
    });
    await until(() => received.includes("in a transaction"), "the committed notice");
  });

  it("reports a terminated connection, reopens it and listens again", async () => {
    const before = transitions.length;
    const { rows } = await sql<{ terminated: boolean }>`
      select pg_terminate_backend(pid) as terminated from pg_stat_activity
      where datname = current_database() and query like 'LISTEN%'`.execute(db.kysely);
    expect(rows.map((row) => row.terminated)).toEqual([true]);
    await until(() => transitions.slice(before).join(",") === "down,up", "down then up again");
    expect(listener.listening).toBe(true);
    await notify("after the loss");
    await until(() => received.includes("after the loss"), "a notice after reconnecting");
  });

  it("stops for good when closed", async () => {
    await listener.close();
    expect(listener.listening).toBe(false);
    const listeners = async () => {
      const { rows } = await sql<{ count: number }>`
        select count(*)::int as count from pg_stat_activity
        where datname = current_database() and application_name = 'babyhelm-listener'`.execute(db.kysely);
      return rows[0]?.count;
    };
    // The server process of a closed connection exits shortly after the client has gone.
    await until(async () => (await listeners()) === 0, "the listening connection to go");
  });
});
