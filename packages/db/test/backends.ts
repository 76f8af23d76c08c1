// The database backends a test file runs on: PGlite always; PostgreSQL when TEST_DATABASE_URL is set, else a
// testcontainers PostgreSQL where a Docker engine answers. Each `open()` is a fresh, empty, migrated database.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import pg from "pg";
import { createDb, type Db } from "../src/index.js";

export interface TestBackend {
  name: string;
  /** Why this backend cannot run here (the suite is skipped with this message), or undefined. */
  skipReason: string | undefined;
  /** A fresh, migrated database; `close()` also drops it. */
  open(): Promise<Db>;
}

const DOCKER_SOCKET = "/var/run/docker.sock";

function dockerAvailable(): boolean {
  return process.env.DOCKER_HOST !== undefined || existsSync(DOCKER_SOCKET);
}

export function testBackends(): TestBackend[] {
  return [
    {
      name: "PGlite",
      skipReason: undefined,
      open: async () => {
        const db = await createDb({});
        await db.migrate();
        return db;
      },
    },
    postgresBackend(),
  ];
}

function postgresBackend(): TestBackend {
  const url = process.env.TEST_DATABASE_URL;
  if (url !== undefined && url !== "") {
    return { name: "PostgreSQL", skipReason: undefined, open: () => freshDatabase(url) };
  }
  if (!dockerAvailable()) {
    const skipReason =
      "PostgreSQL tests skipped: TEST_DATABASE_URL is not set and no Docker engine answers for testcontainers";
    console.warn(skipReason);
    return { name: "PostgreSQL", skipReason, open: () => Promise.reject(new Error(skipReason)) };
  }
  return { name: "PostgreSQL (testcontainers)", skipReason: undefined, open: openContainer };
}

let container: Promise<{ getConnectionUri(): string }> | undefined;

async function openContainer(): Promise<Db> {
  container ??= import("@testcontainers/postgresql").then(({ PostgreSqlContainer }) =>
    new PostgreSqlContainer("postgres:16-alpine").start(),
  );
  return freshDatabase((await container).getConnectionUri());
}

/** A new database on the server, so test files never see each other's rows; dropped on close. */
async function freshDatabase(serverUrl: string): Promise<Db> {
  const empty = await emptyDatabase(serverUrl);
  const db = await createDb({ databaseUrl: empty.url, poolSize: 20 });
  await db.migrate();
  return {
    ...db,
    close: async () => {
      await db.close();
      await empty.drop();
    },
  };
}

export interface EmptyDatabase {
  /** The new database's URL. */
  url: string;
  /** Drops it, closing any connection still open. */
  drop(): Promise<void>;
}

/** A new database with no tables on the server at `serverUrl` (TEST_DATABASE_URL), for tests of migrating. */
export async function emptyDatabase(serverUrl: string): Promise<EmptyDatabase> {
  const name = `babyhelm_test_${randomBytes(6).toString("hex")}`;
  await runOnServer(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => runOnServer(serverUrl, `drop database if exists ${name} with (force)`),
  };
}

async function runOnServer(serverUrl: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}
