import { sql, type Kysely } from "kysely";
import type { Database } from "@babyhelm/db";
import type { CountedAttempt, CounterRef, CounterState } from "./limit-store.js";

interface CounterRow {
  count: number;
  last_failure_at: Date | null;
  expires_at: Date;
}

/**
 * Counts one attempt in a fixed window and reads other counters, in one statement: the upsert takes the row's lock,
 * so replicas counting at once each get their own count.
 */
export async function countAttemptAndRead(
  db: Kysely<Database>,
  counter: CounterRef,
  at: Date,
  windowEndsAt: Date,
  alsoRead: readonly CounterRef[],
): Promise<CountedAttempt> {
  const others =
    alsoRead.length === 0
      ? sql``
      : sql`union all
        select wanted.position, c.count, c.last_failure_at, c.expires_at
        from (values ${sql.join(
          alsoRead.map((other, index) => sql`(${index + 1}::int, ${other.kind}::text, ${other.key}::text)`),
        )}) as wanted(position, kind, key)
        join auth_limit_counters c on c.kind = wanted.kind and c.key = wanted.key
        where c.expires_at > ${at}`;
  const { rows } = await sql<CounterRow & { position: number }>`
    with attempt as (
      insert into auth_limit_counters as c (kind, key, count, window_started_at, last_failure_at, expires_at)
      values (${counter.kind}, ${counter.key}, 1, ${at}, null, ${windowEndsAt})
      on conflict (kind, key) do update set
        count = case when c.expires_at <= excluded.window_started_at then 1 else c.count + 1 end,
        window_started_at = case when c.expires_at <= excluded.window_started_at
          then excluded.window_started_at else c.window_started_at end,
        expires_at = case when c.expires_at <= excluded.window_started_at
          then excluded.expires_at else c.expires_at end
      returning 0 as position, count, last_failure_at, expires_at
    )
    select position, count, last_failure_at, expires_at from attempt
    ${others}`.execute(db);
  const byPosition = new Map(rows.map((row) => [row.position, toState(row)]));
  const attempts = byPosition.get(0);
  if (attempts === undefined) throw new Error("the attempt counter's upsert returned no row");
  return { attempts, read: alsoRead.map((_, index) => byPosition.get(index + 1)) };
}

/** One more failure in a row; the row starts again from one once the earlier failures have expired. */
export async function recordCounterFailure(
  db: Kysely<Database>,
  counter: CounterRef,
  at: Date,
  forgetAt: Date,
): Promise<CounterState> {
  const { rows } = await sql<CounterRow>`
    insert into auth_limit_counters as c (kind, key, count, window_started_at, last_failure_at, expires_at)
    values (${counter.kind}, ${counter.key}, 1, ${at}, ${at}, ${forgetAt})
    on conflict (kind, key) do update set
      count = case when c.expires_at <= excluded.window_started_at then 1 else c.count + 1 end,
      window_started_at = case when c.expires_at <= excluded.window_started_at
        then excluded.window_started_at else c.window_started_at end,
      last_failure_at = excluded.last_failure_at,
      expires_at = excluded.expires_at
    returning count, last_failure_at, expires_at`.execute(db);
  const row = rows[0];
  if (row === undefined) throw new Error("the failure counter's upsert returned no row");
  return toState(row);
}

export async function readCounter(
  db: Kysely<Database>,
  counter: CounterRef,
  at: Date,
): Promise<CounterState | undefined> {
  const row = await db
    .selectFrom("auth_limit_counters")
    .select(["count", "last_failure_at", "expires_at"])
    .where("kind", "=", counter.kind)
    .where("key", "=", counter.key)
    .where("expires_at", ">", at)
    .executeTakeFirst();
  return row === undefined ? undefined : toState(row);
}

export async function deleteCounter(db: Kysely<Database>, counter: CounterRef): Promise<void> {
  await db
    .deleteFrom("auth_limit_counters")
    .where("kind", "=", counter.kind)
    .where("key", "=", counter.key)
    .execute();
}

/** Rows that stopped counting before `at`; returns how many went. */
export async function deleteExpiredCounters(db: Kysely<Database>, at: Date): Promise<number> {
  const result = await db.deleteFrom("auth_limit_counters").where("expires_at", "<=", at).executeTakeFirst();
  return Number(result.numDeletedRows);
}

function toState(row: CounterRow): CounterState {
  return {
    count: row.count,
    lastFailureAt: row.last_failure_at?.getTime(),
    expiresAt: row.expires_at.getTime(),
  };
}
