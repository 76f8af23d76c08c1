// Database errors carry the failed query's values (PGlite: `query` and `params`; PostgreSQL: `detail`, and messages
// that quote the value): none of them may reach the log.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@babyhelm/db";
import { createLogger } from "../src/logger.js";

const SECRET = "s3cret-env-value-4711";

function capture() {
  const lines: string[] = [];
  return { logger: createLogger("info", { write: (line: string) => lines.push(line) }), lines };
}

async function failure(db: Db, statement: ReturnType<typeof sql>): Promise<unknown> {
  try {
    await statement.execute(db.kysely);
  } catch (error) {
    return error;
  }
  throw new Error("expected the statement to fail");
}

describe("the log's error serializer", () => {
  let db: Db;
  beforeAll(async () => {
    db = await createDb({});
    await sql`create table secrets_test (name text primary key, value text not null)`.execute(db.kysely);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("drops the parameters and query of a failed statement, keeping what failed", async () => {
    const error = await failure(db, sql`insert into missing_table (value) values (${SECRET})`);
    expect(JSON.stringify(error)).toContain(SECRET);
    const { logger, lines } = capture();
    logger.error({ err: error }, "procedure failed");
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(SECRET);
    const logged = JSON.parse(lines[0]!) as { err: Record<string, unknown> };
    expect(logged.err).toMatchObject({ code: "42P01", message: expect.stringContaining("missing_table") });
    expect(logged.err).not.toHaveProperty("params");
    expect(logged.err).not.toHaveProperty("query");
  });

  it("masks values PostgreSQL quotes in data and constraint errors, and drops their detail", async () => {
    const cast = await failure(db, sql`select ${SECRET}::int`);
    expect((cast as Error).message).toContain(SECRET);
    await sql`insert into secrets_test values ('a', ${SECRET})`.execute(db.kysely);
    const duplicate = await failure(db, sql`insert into secrets_test values ('a', ${SECRET})`);
    const { logger, lines } = capture();
    logger.error({ err: cast }, "cast failed");
    logger.warn({ error: new Error("wrapped", { cause: duplicate }) }, "insert failed");
    logger.error({ err: new Error("wrapped", { cause: cast }) }, "wrapped cast failed");
    for (const line of lines) expect(line).not.toContain(SECRET);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      err: { code: "22P02", message: expect.stringContaining('"…"') },
    });
    expect(lines[1]).toContain("duplicate key value violates unique constraint");
    expect(lines[1]).not.toContain("detail");
    expect(lines[2]).toContain("invalid input syntax");
  });

  it("leaves errors without values as pino writes them", () => {
    const { logger, lines } = capture();
    logger.error({ err: new TypeError("plain failure") }, "failed");
    expect(JSON.parse(lines[0]!)).toMatchObject({ err: { type: "TypeError", message: "plain failure" } });
  });

  it("never writes secret env values, wherever an input carrying them is logged", () => {
    const { logger, lines } = capture();
    logger.info({ input: { project: "p", secretValues: { DB_PASSWORD: SECRET } } }, "procedure input");
    logger.info({ call: { secretValues: { DB_PASSWORD: SECRET } } }, "nested");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain(SECRET);
    expect(JSON.parse(lines[0]!)).toMatchObject({ input: { project: "p", secretValues: "[redacted]" } });
  });
});
