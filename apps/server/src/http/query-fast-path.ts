// Single GET queries without tRPC's HTTP adapter. The adapter turns every node request into a Fetch Request and
// Response (URL, Headers, several AbortSignals, web streams): 0.4-0.9 ms of CPU a call here, more than the rest of a
// projects.list (bench/projects-list.bench.ts). Here a plain single query runs through tRPC's own caller with the
// same context as the adapter's, and its answer is built with tRPC's own functions, in the order resolveResponse
// (@trpc/server, http/resolveResponse.ts) builds it: same status, body and headers, but the body is sent with a
// Content-Length instead of chunked. test/query-fast-path.test.ts sends the same requests both ways and compares.
//
// Only tRPC's public entry points are used (`@trpc/server`, `/http`, `/rpc`) and the router's `_def`, which its types
// expose.
//
// Anything else, or anything unusual, is left to the adapter: batches, mutations, subscriptions, other methods,
// other query parameters, unparsable input, encoded or odd paths, streaming accept headers, a content type.
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  transformTRPCResponse,
  TRPCError,
  type AnyTRPCProcedure,
} from "@trpc/server";
import { getHTTPStatusCode } from "@trpc/server/http";
import { TRPC_ERROR_CODES_BY_KEY, type TRPCResponse } from "@trpc/server/rpc";
import { appRouter, createCallerFactory, type Context, type Logger } from "@babyhelm/api/runtime";

/** Takes the request (true) or leaves it to tRPC's adapter (false), deciding before doing anything. */
export type QueryFastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

const BASE_PATH = "/trpc/";
/** Dotted names only: no percent-encoding, separators, slashes or dot segments to interpret; with the router's
 * default path separator (".") such a URL path is the procedure's path as it stands. */
const PROCEDURE_PATH = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;
/** Printable ASCII only: no fragment, no bytes whose URL parsing could differ from URLSearchParams'. */
const PLAIN_URL = /^[\x21-\x22\x24-\x7e]*$/;
const config = appRouter._def._config;
// Typed as the nested router record, but keyed by full dotted path at run time (as getProcedureAtPath reads it).
const procedures = appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure | undefined>;
const createCaller = createCallerFactory(appRouter);

interface Call {
  path: string;
  input: unknown;
}

export function createQueryFastPath(
  createContext: (opts: { req: IncomingMessage; res: ServerResponse }) => Context,
  logger: Logger,
): QueryFastPath {
  return (req, res) => {
    const call = plainSingleQuery(req);
    if (call === undefined) return false;
    answer(call, createContext, req, res).catch((error: unknown) => {
      logger.error({ err: error, path: call.path }, "query fast path failed");
      writeUnformattedError(res);
    });
    return true;
  };
}

/** The procedure and input of a request the adapter would read as one query, or undefined to leave it to it. */
function plainSingleQuery(req: IncomingMessage): Call | undefined {
  const url = req.url;
  if (req.method !== "GET" || url === undefined || !url.startsWith(BASE_PATH) || !PLAIN_URL.test(url)) {
    return undefined;
  }
  const { headers } = req;
  if (
    headers["content-type"] !== undefined ||
    headers["trpc-accept"] !== undefined ||
    headers.accept?.includes("application/jsonl") === true ||
    !hostMakesValidUrl(headers.host)
  ) {
    return undefined;
  }
  const queryStart = url.indexOf("?");
  const urlPath = queryStart === -1 ? url.slice(BASE_PATH.length) : url.slice(BASE_PATH.length, queryStart);
  if (!PROCEDURE_PATH.test(urlPath)) return undefined;
  const path = urlPath;
  const procedure = Object.hasOwn(procedures, path) ? procedures[path] : undefined;
  if (typeof procedure !== "function" || procedure._def.type !== "query") return undefined;

  let rawInput: string | null = null;
  if (queryStart !== -1) {
    const params = new URLSearchParams(url.slice(queryStart + 1));
    for (const name of params.keys()) if (name !== "input") return undefined;
    if (params.getAll("input").length > 1) return undefined;
    rawInput = params.get("input");
  }
  // As tRPC's JSON content-type handler: an absent or empty `input` is no input.
  if (rawInput === null || rawInput === "") return { path, input: undefined };
  try {
    return { path, input: config.transformer.input.deserialize(JSON.parse(rawInput)) };
  } catch {
    return undefined;
  }
}

const validHosts = new Map<string, boolean>();
const VALID_HOSTS_REMEMBERED = 64;

/** The adapter builds `new URL(req.url, "http://" + host)` and answers 400 when that throws. */
function hostMakesValidUrl(host: string | undefined): boolean {
  if (host === undefined) return true;
  let valid = validHosts.get(host);
  if (valid === undefined) {
    valid = URL.canParse(`http://${host}/`);
    if (validHosts.size < VALID_HOSTS_REMEMBERED) validHosts.set(host, valid);
  }
  return valid;
}

async function answer(
  call: Call,
  createContext: (opts: { req: IncomingMessage; res: ServerResponse }) => Context,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // The adapter's signal: aborted when the client leaves before its answer.
  const abort = new AbortController();
  res.once("close", () => {
    if (!res.writableEnded) abort.abort();
  });
  let ctx: Context | undefined;
  let data: unknown;
  let error: TRPCError | undefined;
  try {
    ctx = createContext({ req, res });
    data = await procedureAt(createCaller(ctx, { signal: abort.signal }), call.path)(call.input);
  } catch (cause) {
    error = getTRPCErrorFromUnknown(cause);
  }

  let status: number;
  let body: string;
  try {
    if (error === undefined && isDataStream(data)) {
      throw new TRPCError({
        code: "UNSUPPORTED_MEDIA_TYPE",
        message: "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink",
      });
    }
    // tRPC passes the input to the error formatter once a procedure has read it, which happens after the auth
    // middleware; ours ignores the input, and the equivalence test has an unauthenticated call with input.
    const response: TRPCResponse =
      error === undefined
        ? { result: { data } }
        : {
            error: getTRPCErrorShape({
              config,
              ctx,
              error,
              input: call.input,
              path: call.path,
              type: "query",
            }),
          };
    status = getHTTPStatusCode([response], error === undefined ? [] : [error]);
    body = JSON.stringify(transformTRPCResponse(config, response));
  } catch (cause) {
    // resolveResponse's last catch (a result that cannot be serialised, a stream): an error without path or input.
    const caught = getTRPCErrorFromUnknown(cause);
    const response: TRPCResponse = {
      error: getTRPCErrorShape({
        config,
        ctx,
        error: caught,
        input: undefined,
        path: undefined,
        type: "query",
      }),
    };
    status = getHTTPStatusCode(response, [caught]);
    body = JSON.stringify(transformTRPCResponse(config, response));
  }
  // As the node adapter's writeResponse: a status a procedure set stays; fetch Headers iterate sorted by name.
  if (res.statusCode === 200) res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.setHeader("vary", "trpc-accept, accept");
  res.end(body);
}

type CallerNode = ((input: unknown) => Promise<unknown>) & { [segment: string]: CallerNode };

/** tRPC's caller is a proxy: each property is a path segment, and calling the last one calls the procedure. */
function procedureAt(caller: object, path: string): (input: unknown) => Promise<unknown> {
  let node = caller as CallerNode;
  for (const segment of path.split(".")) node = node[segment]!;
  return node;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);
const isPromise = (value: unknown): boolean =>
  (isObject(value) || typeof value === "function") &&
  typeof (value as { then?: unknown }).then === "function" &&
  typeof (value as { catch?: unknown }).catch === "function";
const isAsyncIterable = (value: unknown): boolean => isObject(value) && Symbol.asyncIterator in value;

/** resolveResponse's check: promises or iterables in a result need httpBatchStreamLink. */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  const fields = Object.values(value);
  return fields.some(isPromise) || fields.some(isAsyncIterable);
}

/** What tRPC's node adapter sends when even formatting an error failed: a 500 that says nothing about it. */
function writeUnformattedError(res: ServerResponse): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const shape = {
    code: TRPC_ERROR_CODES_BY_KEY.INTERNAL_SERVER_ERROR,
    message: "Internal server error",
    data: { code: "INTERNAL_SERVER_ERROR", httpStatus: 500 },
  };
  res.statusCode = 500;
  res.end(JSON.stringify(transformTRPCResponse(config, { error: shape })));
}
