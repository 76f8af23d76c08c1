// tRPC at /trpc, through tRPC's public entry points only. tRPC's own node adapter function turns the Node request
// into a Fetch Request (`incomingMessageToRequest`: URL, headers, the body with its size limit, a signal that aborts
// when the client leaves), and its fetch adapter (`fetchRequestHandler`) decides everything about the call: routing,
// batches, method override, context, errors, and the answer's status, headers and body.
//
// Only copying that Fetch Response onto the Node response is written here, by hand: tRPC's node adapter copies it
// through a WritableStream and `pipeTo`, and Node's `Readable.fromWeb` with `pipeline` cost as much; for a body of one
// chunk (any query's JSON) that was about an eighth of the server's CPU per `projects.list` call
// (bench/projects-list.bench.ts, profiled). The copy does what tRPC's node adapter does: a status already set on the
// response stays, the headers are the Response's (cookies one by one), the body goes chunk by chunk with
// back-pressure, and a client that leaves cancels the body, which ends what produces it (an SSE subscription).
//
// A request that cannot become a Request (a Host header that makes no URL) goes to tRPC's standalone handler, which
// answers it as it always did.
import type { IncomingMessage, ServerResponse } from "node:http";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { incomingMessageToRequest } from "@trpc/server/adapters/node-http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { appRouter, type Context } from "@babyhelm/api/runtime";

export interface TrpcHandlerOptions {
  createContext: (opts: { req: IncomingMessage; res: ServerResponse }) => Context;
  /** Larger request bodies are refused with 413. */
  maxBodySize: number;
  /** Larger batches are refused with 400. */
  maxBatchSize: number;
}

const ENDPOINT = "/trpc";

/**
 * Answers one request under /trpc. Rejects only on a failure tRPC did not answer itself, or of the copy (which has
 * then ended the response).
 */
export type TrpcHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createTrpcHandler({
  createContext,
  maxBodySize,
  maxBatchSize,
}: TrpcHandlerOptions): TrpcHandler {
  // A query's input travels in the URL, which Node caps at 16 KB of headers: clients send queries with large inputs
  // (apps.previewManifests' spec) as POST. Queries only read, so a cross-site POST learns nothing.
  const allowMethodOverride = true;
  // Errors are logged once, with the request id, by the procedure middleware in packages/api/src/trpc.ts.
  const onError = () => undefined;
  const standalone = createHTTPHandler({
    router: appRouter,
    basePath: `${ENDPOINT}/`,
    maxBodySize,
    maxBatchSize,
    allowMethodOverride,
    createContext,
    onError,
  });

  return async (req, res) => {
    let request: Request;
    try {
      request = incomingMessageToRequest(req, res, { maxBodySize });
    } catch {
      standalone(req, res);
      return;
    }
    const response = await fetchRequestHandler({
      req: request,
      endpoint: ENDPOINT,
      router: appRouter,
      maxBatchSize,
      allowMethodOverride,
      createContext: () => createContext({ req, res }),
      onError,
    });
    await send(response, request.signal, res);
  };
}

async function send(response: Response, signal: AbortSignal, res: ServerResponse): Promise<void> {
  if (res.statusCode === 200) res.statusCode = response.status;
  for (const [name, value] of response.headers) if (name !== "set-cookie") res.setHeader(name, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  try {
    if (response.body !== null) await copyBody(response.body, signal, res);
  } catch (error) {
    if (!res.headersSent) res.statusCode = 500;
    throw error;
  } finally {
    res.end();
  }
}

async function copyBody(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  res: ServerResponse,
): Promise<void> {
  const reader = body.getReader();
  const cancel = () => {
    reader.cancel(signal.reason).catch(() => undefined);
  };
  if (signal.aborted) {
    cancel();
    return;
  }
  signal.addEventListener("abort", cancel, { once: true });
  try {
    // A cancelled reader ends the loop: its pending and later reads are done.
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      if (!res.write(chunk.value)) await drained(res);
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    signal.removeEventListener("abort", cancel);
  }
}

/** Until the response can take more, or will take nothing more. */
function drained(res: ServerResponse): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      res.off("error", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
    res.once("error", done);
  });
}
