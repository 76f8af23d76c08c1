// Several server replicas starting at once on one empty PostgreSQL database (a Deployment's rollout, the install
// manifests' 2 or 3 replicas): each runs its migrations at start; kysely's Migrator takes a PostgreSQL advisory lock
// around them, so every migration runs once and every replica comes up with the whole schema.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, migrations, type Db } from "../src/index.js";
import { emptyDatabase, type EmptyDatabase } from "./backends.js";

const serverUrl = process.env.TEST_DATABASE_URL;
const skipReason =
  serverUrl === undefined || serverUrl === ""
    ? "concurrent-migrations.test.ts skipped: set TEST_DATABASE_URL to a PostgreSQL server (advisory locks are PostgreSQL's)"
    : undefined;
if (skipReason !== undefined) console.warn(skipReason);

const REPLICAS = 6;

describe.skipIf(skipReason !== undefined)(
  `${REPLICAS} replicas migrating one PostgreSQL database at once`,
  () => {
    let database: EmptyDatabase;
    const replicas: Db[] = [];

    beforeAll(async () => {
      database = await emptyDatabase(serverUrl!);
      // One Db per replica: its own pool, so its own connections and its own session for the lock.
      for (let i = 0; i < REPLICAS; i++)
        replicas.push(await createDb({ databaseUrl: database.url, poolSize: 2 }));
    });

    afterAll(async () => {
      await Promise.all(replicas.map((replica) => replica.close()));
      await database.drop();
    });

    it("applies each migration once, and every replica starts on the whole schema", async () => {
      const outcomes = await Promise.allSettled(replicas.map((replica) => replica.migrate()));
      expect(outcomes.filter((outcome) => outcome.status === "rejected")).toEqual([]);
      const applied = outcomes.flatMap((outcome) => (outcome.status === "fulfilled" ? outcome.value : []));
      // Between them the replicas applied every migration exactly once, in order; those that waited found none left.
      expect(applied).toEqual(Object.keys(migrations));

      const { rows } = await sql<{ name: string; times: number }>`
      select name, count(*)::int as times from kysely_migration group by name order by name`.execute(
        replicas[0]!.kysely,
      );
      expect(rows).toEqual(
        Object.keys(migrations)
          .sort()
          .map((name) => ({ name, times: 1 })),
      );
      for (const replica of replicas) {
        expect(await replica.migrate()).toEqual([]);
        await replica.ping();
        const users = await replica.kysely.selectFrom("users").select("id").execute();
        expect(users).toEqual([]);
      }
    });
  },
);
