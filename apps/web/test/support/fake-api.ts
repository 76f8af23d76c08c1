// A stand-in for the BabyHelm server in component tests: it answers tRPC's batched HTTP requests with what each
// test says, in the wire format the real server uses (see the error formatter in packages/api/src/trpc.ts). The
// handlers are typed from the server's router, so a fake answer that the real server could not give, or a procedure
// it does not have, fails to compile.
import type { AnyMutationProcedure, AnyQueryProcedure, TRPCRouterRecord } from "@trpc/server";
import type { AppRouter, RouterInputs, RouterOutputs } from "@babyhelm/api";

/** "apps.get" for each query and mutation: what httpBatchLink sends (subscriptions go over server-sent events). */
type PathsOf<Record, Prefix extends string = ""> = {
  [Key in keyof Record & string]: Record[Key] extends AnyQueryProcedure | AnyMutationProcedure
    ? `${Prefix}${Key}`
    : Record[Key] extends TRPCRouterRecord
      ? PathsOf<Record[Key], `${Prefix}${Key}.`>
      : never;
}[keyof Record & string];

type At<Tree, Path extends string> = Path extends `${infer Head}.${infer Rest}`
  ? Head extends keyof Tree
    ? At<Tree[Head], Rest>
    : never
  : Path extends keyof Tree
    ? Tree[Path]
    : never;

export type ProcedurePath = PathsOf<AppRouter["_def"]["record"]>;
export type ProcedureInput<Path extends ProcedurePath> = At<RouterInputs, Path>;
export type ProcedureOutput<Path extends ProcedurePath> = At<RouterOutputs, Path>;

/** What the fake server does for one procedure: its answer, or a FakeError thrown. */
export type Handler<Path extends ProcedurePath> = (
  input: ProcedureInput<Path>,
) => ProcedureOutput<Path> | Promise<ProcedureOutput<Path>>;

export type Handlers = { [Path in ProcedurePath]?: Handler<Path> };

export interface FieldIssue {
  path: string;
  message: string;
}

/** Thrown by a fake procedure to answer with a tRPC error. */
export class FakeError extends Error {
  constructor(
    readonly code: keyof typeof HTTP_STATUS,
    message: string,
    readonly extra: {
      issues?: FieldIssue[];
      retryAfterSeconds?: number;
      deleted?: { by: string | null; at: string };
    } = {},
  ) {
    super(message);
  }
}

const HTTP_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  BAD_GATEWAY: 502,
};

const JSON_RPC_CODE: Record<keyof typeof HTTP_STATUS, number> = {
  BAD_REQUEST: -32600,
  UNAUTHORIZED: -32001,
  FORBIDDEN: -32003,
  NOT_FOUND: -32004,
  CONFLICT: -32009,
  PRECONDITION_FAILED: -32012,
  TOO_MANY_REQUESTS: -32029,
  INTERNAL_SERVER_ERROR: -32603,
  BAD_GATEWAY: -32603,
};

export interface Call {
  path: string;
  input: unknown;
}

export interface FakeApi {
  fetch: typeof globalThis.fetch;
  calls: Call[];
  /** The inputs of every call of one procedure, in order, as the client sent them. */
  inputsOf<Path extends ProcedurePath>(path: Path): ProcedureInput<Path>[];
}

export function fakeApi(handlers: Handlers): FakeApi {
  // The one untyped edge: a request names its procedure with a string and carries its input as JSON, which the
  // handler's types describe only once the path has matched.
  const byPath = handlers as Partial<Record<string, (input: unknown) => unknown>>;
  const calls: Call[] = [];
  const fetch = async (url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const parsed = new URL(
      typeof url === "string" ? url : url instanceof URL ? url.href : url.url,
      "http://dashboard.test",
    );
    const paths = decodeURIComponent(parsed.pathname.replace(/^\/trpc\//, "")).split(",");
    const inputs: Record<string, unknown> =
      init?.method === "POST"
        ? (JSON.parse(typeof init.body === "string" ? init.body : "{}") as Record<string, unknown>)
        : (JSON.parse(parsed.searchParams.get("input") ?? "{}") as Record<string, unknown>);
    const results = await Promise.all(
      paths.map(async (path, index) => {
        const input = inputs[String(index)];
        calls.push({ path, input });
        const handler = byPath[path];
        try {
          if (handler === undefined) throw new FakeError("NOT_FOUND", `No procedure on path "${path}"`);
          return { result: { data: await handler(input) } };
        } catch (error) {
          if (!(error instanceof FakeError)) throw error;
          return {
            error: {
              message: error.message,
              code: JSON_RPC_CODE[error.code],
              data: { code: error.code, httpStatus: HTTP_STATUS[error.code], path, ...error.extra },
            },
          };
        }
      }),
    );
    return new Response(JSON.stringify(results), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  };
  return {
    fetch,
    calls,
    inputsOf: <Path extends ProcedurePath>(path: Path) =>
      calls.filter((call) => call.path === path).map((call) => call.input as ProcedureInput<Path>),
  };
}

/** A promise a test settles when it chooses, to look at a pending state. */
export function deferred<Value>() {
  let resolve!: (value: Value) => void;
  const promise = new Promise<Value>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}
