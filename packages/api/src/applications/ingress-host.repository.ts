import type { Kysely } from "kysely";
import type { Database } from "@babyhelm/db";

/**
 * Makes `hosts` exactly the hosts `appId` holds: releases the ones it no longer serves and claims the new ones.
 * Returns the hosts another app holds (nothing is claimed for them; the caller refuses the change). Run it in the
 * transaction that commits the app's revision: the primary key on `host` settles concurrent claims.
 */
export async function claimIngressHosts(
  db: Kysely<Database>,
  appId: string,
  hosts: readonly string[],
): Promise<string[]> {
  let release = db.deleteFrom("ingress_hosts").where("app_id", "=", appId);
  if (hosts.length > 0) release = release.where("host", "not in", hosts);
  await release.execute();
  if (hosts.length === 0) return [];
  await db
    .insertInto("ingress_hosts")
    .values(hosts.map((host) => ({ host, app_id: appId })))
    .onConflict((conflict) => conflict.column("host").doNothing())
    .execute();
  const holders = await db
    .selectFrom("ingress_hosts")
    .select(["host", "app_id"])
    .where("host", "in", hosts)
    .execute();
  return holders.filter((holder) => holder.app_id !== appId).map((holder) => holder.host);
}

/** The hosts among `hosts` that an app other than `appId` (any app, when undefined) holds. */
export async function hostsHeldByOthers(
  db: Kysely<Database>,
  hosts: readonly string[],
  appId: string | undefined,
): Promise<string[]> {
  if (hosts.length === 0) return [];
  let query = db.selectFrom("ingress_hosts").select("host").where("host", "in", hosts);
  if (appId !== undefined) query = query.where("app_id", "!=", appId);
  return (await query.execute()).map((row) => row.host);
}
