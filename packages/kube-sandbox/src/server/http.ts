// Request bodies and JSON responses.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, type Status } from "./status.js";

const MAX_BODY_BYTES = 3 * 1024 * 1024; // the API server's request size limit

export async function readBody(request: IncomingMessage): Promise<string> {
  return (await readBodyBytes(request)).toString("utf8");
}

/** The body as bytes, for binary media types (protobuf). */
export async function readBodyBytes(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES)
      throw new ApiError(413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiError(
      400,
      "BadRequest",
      `the body of the request could not be decoded: ${(error as Error).message}`,
    );
  }
}

export function sendJson(
  response: ServerResponse,
  code: number,
  body: unknown,
  warnings: readonly string[] = [],
): void {
  const payload = JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(payload)),
    "Cache-Control": "no-cache, private",
  };
  // One header line per warning, quoted like Go's strconv.Quote in the real server.
  if (warnings.length > 0) headers.Warning = warnings.map((warning) => `299 - ${JSON.stringify(warning)}`);
  response.writeHead(code, headers);
  response.end(payload);
}

/** A prepared JSON document (the OpenAPI documents), sent as is. */
export function sendJsonBytes(response: ServerResponse, bytes: Buffer): void {
  response.writeHead(200, { "Content-Type": "application/json", "Content-Length": String(bytes.length) });
  response.end(bytes);
}

export function sendStatus(response: ServerResponse, status: Status): void {
  sendJson(response, status.code, status);
}
