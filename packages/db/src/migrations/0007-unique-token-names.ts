import { sql, type Kysely } from "kysely";

/**
 * A user's API token names are unique, whatever their case: a list of two "deploy" tokens cannot say which one to
 * revoke. Duplicates made before the rule (a double click used to make two) keep their oldest token's name; the
 * others get the first free " (2)", " (3)"… suffix, so that no token is lost and every name stays recognisable.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows: duplicates } = await sql<{ id: string; user_id: string; name: string }>`
    select id, user_id, name from (
      select id, user_id, name,
        row_number() over (partition by user_id, lower(name) order by created_at, id) as position
      from api_tokens
    ) ranked
    where position > 1
    order by user_id, lower(name), position`.execute(db);
  for (const duplicate of duplicates) {
    for (let suffix = 2; ; suffix++) {
      const candidate = `${duplicate.name} (${suffix})`;
      const { rows } = await sql<{ taken: boolean }>`
        select exists (
          select 1 from api_tokens where user_id = ${duplicate.user_id} and lower(name) = lower(${candidate})
        ) as taken`.execute(db);
      if (rows[0]?.taken === true) continue;
      await sql`update api_tokens set name = ${candidate} where id = ${duplicate.id}`.execute(db);
      break;
    }
  }
  await db.schema
    .createIndex("api_tokens_user_name_key")
    .on("api_tokens")
    .unique()
    .columns(["user_id", sql`lower(name)`])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("api_tokens_user_name_key").execute();
}
