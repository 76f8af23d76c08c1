// The projects.list bench's floor, run by floor.ts in a process of its own: a bare node:http server with a `pg` pool,
// answering `GET /trpc/projects.list?input=…` with a Bearer token by running, on every request, the two queries the
// server runs for it (the API-token or session lookup of packages/api/src/auth, then the page of
// projects/project.repository.ts, in kysely's compiled SQL) and writing the same JSON. Written by hand, without
// tRPC, kysely or zod, because it is what those layers are measured against: the least any server must do per call.
// Arguments: the database URL and the pool size. It prints its port when listening.
import { createHash } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import pg from "pg";

const API_TOKEN_PREFIX = "bhp_";
const API_TOKEN_SQL =
  'select "api_tokens"."id", "api_tokens"."expires_at", "api_tokens"."last_used_at", "users"."id" as "user_id", ' +
  '"users"."email" from "api_tokens" inner join "users" on "users"."id" = "api_tokens"."user_id" ' +
  'where "api_tokens"."token_hash" = $1';
const SESSION_SQL =
  'select "sessions"."expires_at", "sessions"."last_seen_at", "users"."id" as "user_id", "users"."email" ' +
  'from "sessions" inner join "users" on "users"."id" = "sessions"."user_id" where "sessions"."id" = $1';
const PAGE_SELECT =
  'select "projects"."id", "projects"."name", "projects"."namespace", "projects"."pack_ref", ' +
  '"projects"."created_at", "project_members"."role", (select count(*)::int as "count" from "applications" ' +
  'where "applications"."project_id" = "projects"."id") as "app_count" from "project_members" ' +
  'inner join "projects" on "projects"."id" = "project_members"."project_id" where "project_members"."user_id" = $1';
const PAGE_SQL = `${PAGE_SELECT} order by "projects"."name" limit $2`;
const PAGE_AFTER_SQL = `${PAGE_SELECT} and "projects"."name" > $2 order by "projects"."name" limit $3`;
const PATH = "/trpc/projects.list";
const DEFAULT_LIMIT = 20;

interface ProjectRow {
  name: string;
  namespace: string;
  pack_ref: string;
  created_at: Date;
  role: string;
  app_count: number | null;
}

const [databaseUrl, poolSize] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: databaseUrl, max: Number(poolSize) });
pool.on("error", () => undefined);

const server = createServer((req, res) => {
  const url = req.url ?? "/";
  const queryStart = url.indexOf("?");
  if (req.method !== "GET" || (queryStart === -1 ? url : url.slice(0, queryStart)) !== PATH) {
    send(res, 404, { error: "not found" });
    return;
  }
  const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
  if (token === undefined) {
    send(res, 401, { error: "unauthorized" });
    return;
  }
  let limit = DEFAULT_LIMIT;
  let after: string | undefined;
  try {
    const raw = queryStart === -1 ? null : new URLSearchParams(url.slice(queryStart + 1)).get("input");
    const input = (raw === null || raw === "" ? {} : JSON.parse(raw)) as { limit?: number; cursor?: string };
    limit = input.limit ?? DEFAULT_LIMIT;
    if (typeof input.cursor === "string")
      after = JSON.parse(Buffer.from(input.cursor, "base64url").toString("utf8")) as string;
  } catch {
    send(res, 400, { error: "bad input" });
    return;
  }
  void list(token, limit, after).then(
    (page) => {
      send(res, page === undefined ? 401 : 200, page === undefined ? { error: "unauthorized" } : page);
    },
    () => {
      send(res, 500, { error: "internal error" });
    },
  );
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${typeof address === "object" && address !== null ? address.port : ""}\n`);
});

async function list(token: string, limit: number, after: string | undefined) {
  const tokenHash = createHash("sha256").update(token).digest("hex");
  const { rows: tokens } = await pool.query<{ user_id: string; expires_at: Date | null }>(
    token.startsWith(API_TOKEN_PREFIX) ? API_TOKEN_SQL : SESSION_SQL,
    [tokenHash],
  );
  const found = tokens[0];
  if (found === undefined || (found.expires_at !== null && found.expires_at.getTime() <= Date.now())) {
    return undefined;
  }
  const { rows } = await pool.query<ProjectRow>(
    after === undefined ? PAGE_SQL : PAGE_AFTER_SQL,
    after === undefined ? [found.user_id, limit + 1] : [found.user_id, after, limit + 1],
  );
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  return {
    result: {
      data: {
        items: shown.map((row) => ({
          name: row.name,
          namespace: row.namespace,
          role: row.role,
          pack: row.pack_ref,
          appCount: row.app_count ?? 0,
          createdAt: row.created_at.toISOString(),
        })),
        nextCursor: more ? Buffer.from(JSON.stringify(shown.at(-1)!.name)).toString("base64url") : null,
      },
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}
