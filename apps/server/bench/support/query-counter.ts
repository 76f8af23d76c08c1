// Counts the queries a Db runs, by statement and table, and the rows that writes changed, without touching the
// server: benches and tests hand startServer a Db whose kysely instance carries this plugin.
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryId,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from "kysely";
import type { Db } from "@babyhelm/db";

export class QueryCounter implements KyselyPlugin {
  private counts = new Map<string, number>();
  private changed = new Map<string, number>();
  private readonly kindOf = new WeakMap<QueryId, string>();
  private executed = 0;

  /** Queries run since the start, never reset. */
  get total(): number {
    return this.executed;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.kindOf.set(args.queryId, describe(args.node));
    this.executed++;
    return args.node;
  }

  // Counted by their results: kysely hands plugins a query's subqueries too, which PostgreSQL never sees alone.
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const key = this.kindOf.get(args.queryId);
    if (key !== undefined) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    const rows = args.result.numAffectedRows;
    if (key !== undefined && rows !== undefined)
      this.changed.set(key, (this.changed.get(key) ?? 0) + Number(rows));
    return Promise.resolve(args.result);
  }

  /** Queries of one kind ("update api_tokens") so far. */
  count(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }

  /** Rows changed by the writes of one kind ("update sessions") so far. */
  rowsChanged(kind: string): number {
    return this.changed.get(kind) ?? 0;
  }

  /** The counts so far, and a fresh start. */
  take(): Map<string, number> {
    const counts = this.counts;
    this.counts = new Map();
    this.changed = new Map();
    return counts;
  }
}

/**
 * Resolves once no query has started for `quietMs`: requests a load generator gave up on (it closes its
 * connections when its time is up) are still being served, and must finish before counting or closing.
 */
export async function untilQuiet(counter: QueryCounter, quietMs = 500, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  while (counter.total !== seen && Date.now() < deadline) {
    seen = counter.total;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

export function withQueryCounter(db: Db, counter: QueryCounter): Db {
  return { ...db, kysely: db.kysely.withPlugin(counter) };
}

function describe(node: any): string {
  switch (node.kind) {
    case "SelectQueryNode":
      return `select ${tableOf(node.from?.froms?.[0])}`;
    case "InsertQueryNode":
      return `insert ${tableOf(node.into)}`;
    case "UpdateQueryNode":
      return `update ${tableOf(node.table)}`;
    case "DeleteQueryNode":
      return `delete ${tableOf(node.from?.froms?.[0])}`;
    case "RawNode":
      return `raw ${String(node.sqlFragments?.[0] ?? "")
        .trim()
        .split(/\s+/, 2)
        .join(" ")}`;
    default:
      return String(node.kind);
  }
}

function tableOf(node: any): string {
  if (node?.kind === "AliasNode") return tableOf(node.node);
  return String(node?.table?.identifier?.name ?? "?");
}
