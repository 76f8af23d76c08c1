// A throw-away PostgreSQL database per bench run, on the local server (trust auth) unless BENCH_POSTGRES_URL names
// another database to connect to for creating and dropping it.
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { createDb } from "@babyhelm/db";

export interface ScratchDatabase {
  name: string;
  url: string;
  /** "PostgreSQL 15.20" */
  serverVersion: string;
  drop(): Promise<void>;
}

export async function createScratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const adminUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const admin = await createDb({ databaseUrl: adminUrl, poolSize: 1 });
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  let serverVersion: string;
  try {
    await sql`create database ${sql.id(name)}`.execute(admin.kysely);
    const { rows } = await sql<{ version: string }>`select version()`.execute(admin.kysely);
    serverVersion = rows[0]?.version.split(" ").slice(0, 2).join(" ") ?? "PostgreSQL";
  } catch (error) {
    await admin.close();
    throw new Error(`could not create the bench database on ${admin.description}: ${String(error)}`, {
      cause: error,
    });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.href,
    serverVersion,
    drop: async () => {
      try {
        await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.kysely);
      } finally {
        await admin.close();
      }
    },
  };
}
