import type { Kysely } from "kysely";
import type { AppSecretEntry, AppSecretVersion, Database } from "@babyhelm/db";

export function findSecretVersion(
  db: Kysely<Database>,
  appId: string,
  version: number,
): Promise<AppSecretVersion | undefined> {
  return db
    .selectFrom("app_secret_versions")
    .selectAll()
    .where("app_id", "=", appId)
    .where("version", "=", version)
    .$narrowType<{ entries: AppSecretEntry[] }>()
    .executeTakeFirst();
}

/** The highest version number the app has used; 0 when it never had stored secrets. */
export async function latestSecretVersion(db: Kysely<Database>, appId: string): Promise<number> {
  const row = await db
    .selectFrom("app_secret_versions")
    .select((eb) => eb.fn.max("version").as("version"))
    .where("app_id", "=", appId)
    .executeTakeFirst();
  return row?.version ?? 0;
}

export async function insertSecretVersion(
  db: Kysely<Database>,
  values: { appId: string; version: number; sealedValues: string; entries: AppSecretEntry[] },
): Promise<void> {
  await db
    .insertInto("app_secret_versions")
    .values({
      app_id: values.appId,
      version: values.version,
      sealed_values: values.sealedValues,
      entries: JSON.stringify(values.entries),
    })
    .execute();
}

/** What may be shown of some versions of an app's secrets (never the sealed values), by version. */
export async function findSecretEntries(
  db: Kysely<Database>,
  appId: string,
  versions: readonly number[],
): Promise<Map<number, AppSecretEntry[]>> {
  if (versions.length === 0) return new Map();
  const rows = await db
    .selectFrom("app_secret_versions")
    .select(["version", "entries"])
    .where("app_id", "=", appId)
    .where("version", "in", versions)
    .$narrowType<{ entries: AppSecretEntry[] }>()
    .execute();
  return new Map(rows.map((row) => [row.version, row.entries]));
}
