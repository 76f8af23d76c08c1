import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, sql } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import { Migrator, type MigrationResultSet } from "kysely/migration";
import pg from "pg";
import { listenOnChannel, type ChannelEvents, type ChannelListener } from "./channel-listener.js";
import type { Database } from "./database.js";
import { migrationProvider } from "./migrations/index.js";

export type DbConfig =
  /** PostgreSQL through `pg` (DATABASE_URL). */
  | { databaseUrl: string; poolSize?: number }
  /** Embedded PGlite with its data in `dataDir/pglite`, or in memory when dataDir is absent (tests). */
  | { databaseUrl?: undefined; dataDir?: string };

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly backend: "pglite" | "postgres";
  /** Where the data lives, without credentials: "PGlite in ./.data/pglite", "PostgreSQL at host:5432/db". */
  readonly description: string;
  /** Runs every pending migration; throws with the failing migration's name. */
  migrate(): Promise<string[]>;
  /** Reverts the newest migration (tests of `down`, and operators). */
  migrateDown(): Promise<string[]>;
  /** One round trip; throws when the database cannot answer. */
  ping(): Promise<void>;
  /**
   * Runs `work` only if no other holder (another server replica on PostgreSQL, another caller in this process on
   * PGlite) runs work under the same key; resolves `{ ran: false }` instead of waiting.
   */
  tryExclusive<T>(key: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
  /** The connection pool's figures on PostgreSQL, for the server's own metrics; undefined on PGlite (no pool). */
  poolStats(): PoolStats | undefined;
  /**
   * On PostgreSQL: LISTEN on `channel` over a connection of its own, reopened with back-off when lost (see
   * channel-listener.ts); `pg_notify` in any replica's query reaches it. Undefined on PGlite: one process is all
   * there is, and it tells itself directly.
   */
  listen(channel: string, events: ChannelEvents): ChannelListener | undefined;
  close(): Promise<void>;
}

export interface PoolStats {
  /** Connections open, busy or idle. */
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
}

const INT8_OID = 20;
// Counts and identity ids stay far below 2^53; numbers are what the application wants.
const parseInt8 = (value: string): number => Number(value);

export async function createDb(config: DbConfig = {}): Promise<Db> {
  return config.databaseUrl === undefined ? createPglite(config.dataDir) : createPostgres(config);
}

async function createPglite(dataDir: string | undefined): Promise<Db> {
  let location = "memory";
  let client: PGlite;
  if (dataDir === undefined) {
    client = new PGlite({ parsers: { [INT8_OID]: parseInt8 } });
  } else {
    location = join(dataDir, "pglite");
    // The database holds password and token hashes and sealed secrets: only its owner may read it.
    mkdirSync(location, { recursive: true, mode: 0o700 });
    chmodSync(location, 0o700);
    client = new PGlite(location, { parsers: { [INT8_OID]: parseInt8 } });
  }
  await client.waitReady;
  const kysely = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  const held = new Set<string>();
  return makeDb(
    kysely,
    "pglite",
    `PGlite in ${location}`,
    () => undefined,
    () => undefined,
    async (key, work) => {
      if (held.has(key)) return { ran: false };
      held.add(key);
      try {
        return { ran: true, value: await work() };
      } finally {
        held.delete(key);
      }
    },
  );
}

function createPostgres(config: { databaseUrl: string; poolSize?: number }): Promise<Db> {
  const url = new URL(config.databaseUrl);
  const typeParsers = {
    getTypeParser: ((oid: number, format?: "text" | "binary") =>
      oid === INT8_OID
        ? parseInt8
        : (pg.types.getTypeParser as (oid: number, format?: "text" | "binary") => unknown)(
            oid,
            format,
          )) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: config.poolSize ?? 10,
    types: typeParsers,
  });
  // An idle client's error (the server restarted) must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const description = `PostgreSQL at ${url.hostname}:${url.port || "5432"}${url.pathname}`;
  return Promise.resolve(
    makeDb(
      kysely,
      "postgres",
      description,
      () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      (channel, events) => listenOnChannel(config.databaseUrl, channel, events),
      async (key, work) => {
        // A session-level advisory lock lives on one connection: take, use and release it on the same one.
        return kysely.connection().execute(async (connection) => {
          const { rows } = await sql<{
            locked: boolean;
          }>`select pg_try_advisory_lock(hashtext(${key})) as locked`.execute(connection);
          if (rows[0]?.locked !== true) return { ran: false as const };
          try {
            return { ran: true as const, value: await work() };
          } finally {
            await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(connection);
          }
        });
      },
    ),
  );
}

function makeDb(
  kysely: Kysely<Database>,
  backend: Db["backend"],
  description: string,
  poolStats: Db["poolStats"],
  listen: Db["listen"],
  tryExclusive: Db["tryExclusive"],
): Db {
  const migrator = new Migrator({ db: kysely, provider: migrationProvider });
  return {
    kysely,
    backend,
    description,
    migrate: async () => applied(await migrator.migrateToLatest()),
    migrateDown: async () => applied(await migrator.migrateDown()),
    ping: async () => {
      await sql`select 1`.execute(kysely);
    },
    tryExclusive,
    poolStats,
    listen,
    close: () => kysely.destroy(),
  };
}

function applied({ error, results = [] }: MigrationResultSet): string[] {
  const failed = results.find((result) => result.status === "Error");
  if (error !== undefined) {
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new Error(
      failed ? `database migration ${failed.migrationName} failed: ${reason}` : `migrations: ${reason}`,
      { cause: error },
    );
  }
  return results.filter((result) => result.status === "Success").map((result) => result.migrationName);
}
