// Reading a write request: its options (dryRun, fieldValidation, fieldManager) and its body.
import { parse as parseYaml } from "yaml";
import { apiVersionOf } from "../../resources.js";
import { isPlainObject } from "../../store/clone.js";
import type { ResourceRequest } from "../context.js";
import { parseJson, readBodyBytes } from "../http.js";
import { acceptsProtobuf, decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from "../protobuf.js";
import { badRequest, unsupportedMediaType } from "../status.js";
import { parseFieldValidation, type FieldValidation } from "../validation.js";

export type JsonObject = Record<string, unknown>;

export const PATCH_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
] as const;

export interface WriteOptions {
  dryRun: boolean;
  fieldValidation: FieldValidation;
  manager: string;
}

export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll("dryRun");
  for (const value of values) {
    if (value !== "All") throw badRequest(`Invalid dry run value: ${value}; supported values: All`);
  }
  return values.length > 0;
}

export function writeOptionsFor(request: ResourceRequest): WriteOptions {
  const { query } = request;
  const manager = query.get("fieldManager") ?? defaultManager(request.request.headers["user-agent"]);
  if (manager.length > 128) throw badRequest(`fieldManager: Too long: may not be more than 128 bytes`);
  return {
    dryRun: isDryRun(query),
    // kubectl sends Strict; clients that send nothing get the server default, Warn.
    fieldValidation: parseFieldValidation(query.get("fieldValidation"), "Warn"),
    manager,
  };
}

/** The real server names an unnamed writer after its User-Agent's product: "kubectl", "node-fetch". */
function defaultManager(userAgent: string | undefined): string {
  const product = userAgent?.split("/")[0]?.trim();
  return product ? product.slice(0, 128) : "unknown";
}

export function mediaType(request: ResourceRequest): string {
  return (request.request.headers["content-type"] ?? "application/json").split(";")[0]!.trim().toLowerCase();
}

/** The body of a create or update of the request's resource. */
export async function readObjectBody(request: ResourceRequest): Promise<JsonObject> {
  const { info } = request;
  return decodeObjectBody(request, await readBodyBytes(request.request), {
    apiVersion: apiVersionOf(info),
    kind: info.kind,
  });
}

/** A whole object in any of the media types the API server reads for its kind (JSON, YAML, protobuf). */
export async function decodeObjectBody(
  request: ResourceRequest,
  bytes: Buffer,
  expected: { apiVersion: string; kind: string },
): Promise<JsonObject> {
  const type = mediaType(request);
  const protobufAccepted = acceptsProtobuf(expected.apiVersion, expected.kind);
  let body: unknown;
  if (type === "application/json") body = parseJson(bytes.toString("utf8"));
  else if (type === "application/yaml") body = parseYamlBody(bytes.toString("utf8"));
  else if (type === PROTOBUF_MEDIA_TYPE && protobufAccepted)
    body = await decodeProtobufObject(bytes, expected.kind);
  else {
    throw unsupportedMediaType([
      "application/json",
      "application/yaml",
      ...(protobufAccepted ? [PROTOBUF_MEDIA_TYPE] : []),
    ]);
  }
  if (!isPlainObject(body)) throw badRequest("the body of the request must be a JSON object");
  return body;
}

export function parseYamlBody(text: string): unknown {
  // JSON is YAML, and clients (client-node, kubectl) send JSON even as apply-patch+yaml: take the fast parser first.
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      // not JSON after all: YAML flow mappings start with "{" too
    }
  }
  try {
    return parseYaml(text) as unknown;
  } catch (error) {
    throw badRequest(`error decoding YAML: ${(error as Error).message}`);
  }
}
