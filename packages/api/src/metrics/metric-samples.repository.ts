import { sql, type Kysely } from "kysely";
import type { Database } from "@babyhelm/db";

export interface NewSample {
  app_id: string;
  pod: string;
  at: Date;
  cpu_cores: number;
  memory_bytes: number;
}

const INSERT_BATCH = 500;

export async function insertSamples(db: Kysely<Database>, samples: readonly NewSample[]): Promise<void> {
  for (let start = 0; start < samples.length; start += INSERT_BATCH) {
    await db
      .insertInto("pod_metric_samples")
      .values(samples.slice(start, start + INSERT_BATCH))
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  }
}

export async function deleteSamplesBefore(db: Kysely<Database>, cutoff: Date): Promise<number> {
  const result = await db.deleteFrom("pod_metric_samples").where("at", "<", cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function newestSampleTime(db: Kysely<Database>): Promise<Date | undefined> {
  const row = await db
    .selectFrom("pod_metric_samples")
    .select((eb) => eb.fn.max("at").as("newest"))
    .executeTakeFirst();
  return row?.newest ?? undefined;
}

export interface BucketedSample {
  pod: string;
  /** The start of the step the samples fell in, in Unix seconds. */
  t: number;
  cpu: number;
  memory: number;
}

/** An app's samples in (since, until], averaged per pod over steps of `stepSeconds` aligned on the epoch. */
export async function readBucketedSamples(
  db: Kysely<Database>,
  appId: string,
  since: Date,
  until: Date,
  stepSeconds: number,
): Promise<BucketedSample[]> {
  if (!Number.isInteger(stepSeconds) || stepSeconds <= 0) throw new Error(`bad step: ${stepSeconds}`);
  // A literal, not a parameter: GROUP BY must see the very expression the SELECT has.
  const step = sql.lit(stepSeconds);
  const bucket = sql<number>`(floor(extract(epoch from at) / ${step}) * ${step})::bigint`;
  const rows = await db
    .selectFrom("pod_metric_samples")
    .select([
      "pod",
      bucket.as("t"),
      // avg of double precision is double precision, and int8 is read as a number (see @babyhelm/db).
      sql<number>`avg(cpu_cores)`.as("cpu"),
      sql<number>`avg(memory_bytes)`.as("memory"),
    ])
    .where("app_id", "=", appId)
    .where("at", ">", since)
    .where("at", "<=", until)
    .groupBy(["pod", bucket])
    .orderBy(bucket)
    .orderBy("pod")
    .execute();
  return rows;
}
