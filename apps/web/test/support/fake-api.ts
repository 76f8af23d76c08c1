// A stand-in for the BabyHelm server in component tests: it answers tRPC's batched HTTP requests with what each
// test says, in the wire format the real server uses (see the error formatter in packages/api/src/trpc.ts).

export interface FieldIssue {
  path: string;
  message: string;
}

/** Thrown by a fake procedure to answer with a tRPC error. */
export class FakeError extends Error {
  constructor(
    readonly code: keyof typeof HTTP_STATUS,
    message: string,
    readonly extra: { issues?: FieldIssue[]; retryAfterSeconds?: number } = {},
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
};

export type Procedure = (input: any) => unknown;

export interface Call {
  path: string;
  input: any;
}

export interface FakeApi {
  fetch: typeof globalThis.fetch;
  calls: Call[];
  /** The inputs of every call of one procedure, in order. */
  inputsOf(path: string): any[];
}

export function fakeApi(procedures: Record<string, Procedure>): FakeApi {
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
        const procedure = procedures[path];
        try {
          if (procedure === undefined) throw new FakeError("NOT_FOUND", `No procedure on path "${path}"`);
          return { result: { data: await procedure(input) } };
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
    inputsOf: (path) => calls.filter((call) => call.path === path).map((call) => call.input),
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
