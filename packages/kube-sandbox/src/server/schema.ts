// The vendored Kubernetes OpenAPI v2 document: served at /openapi/v2 and read for the list/map semantics that
// strategic merge patch and server-side apply need (x-kubernetes-list-type, -list-map-keys, -patch-merge-key...).
// It is 4 MB, so it is read once, on first use.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { isPlainObject } from "../store/clone.js";

export interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  "x-kubernetes-list-type"?: "atomic" | "map" | "set";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: "atomic" | "granular";
  "x-kubernetes-patch-merge-key"?: string;
  "x-kubernetes-patch-strategy"?: string;
  "x-kubernetes-group-version-kind"?: { group: string; version: string; kind: string }[];
}

export interface OpenApiDocument {
  definitions: Record<string, Schema>;
  parameters: Record<string, Record<string, unknown>>;
  paths: Record<string, Record<string, unknown>>;
}

let loading: Promise<{ raw: Buffer; document: OpenApiDocument }> | undefined;
let definitions: Record<string, Schema> | undefined;
const kindIndex = new Map<string, Schema>();

function load(): Promise<{ raw: Buffer; document: OpenApiDocument }> {
  loading ??= (async () => {
    const path = createRequire(import.meta.url).resolve("@babyhelm/manifest-sdk/openapi-v2.json");
    const raw = await readFile(path);
    const document = JSON.parse(raw.toString("utf8")) as OpenApiDocument;
    definitions = document.definitions;
    for (const schema of Object.values(definitions)) {
      for (const gvk of schema["x-kubernetes-group-version-kind"] ?? []) {
        const apiVersion = gvk.group === "" ? gvk.version : `${gvk.group}/${gvk.version}`;
        kindIndex.set(`${apiVersion}/${gvk.kind}`, schema);
      }
    }
    return { raw, document };
  })();
  return loading;
}

/** Loads the schemas so that the synchronous lookups below work. */
export async function loadSchemas(): Promise<void> {
  await load();
}

export async function openApiV2Bytes(): Promise<Buffer> {
  return (await load()).raw;
}

export async function openApiV2Document(): Promise<OpenApiDocument> {
  return (await load()).document;
}

/** The schema of a kind, or undefined (unknown kind, or schemas not loaded yet: callers then treat data as untyped). */
export function schemaForKind(apiVersion: string, kind: string): Schema | undefined {
  return kindIndex.get(`${apiVersion}/${kind}`);
}

export function resolve(schema: Schema | undefined): Schema | undefined {
  let current = schema;
  // Guard against reference cycles in malformed documents.
  for (let depth = 0; current?.$ref && depth < 16; depth++) {
    const name = current.$ref.replace("#/definitions/", "");
    current = definitions?.[name];
  }
  return current;
}

/** The schema of `schema[key]`: a declared property, or the value type of a map. */
export function fieldSchema(schema: Schema | undefined, key: string): Schema | undefined {
  const resolved = resolve(schema);
  if (!resolved) return undefined;
  const property = resolved.properties?.[key];
  if (property) return resolve(property);
  return isPlainObject(resolved.additionalProperties) ? resolve(resolved.additionalProperties) : undefined;
}

export function itemSchema(schema: Schema | undefined): Schema | undefined {
  return resolve(resolve(schema)?.items);
}

export function isAtomic(schema: Schema | undefined): boolean {
  return resolve(schema)?.["x-kubernetes-map-type"] === "atomic";
}

/**
 * How server-side apply treats a list: "map" lists merge items by their keys, "set" lists merge scalar items,
 * anything else is replaced whole. Lists that only declare a strategic patch merge key behave as maps.
 */
export function listSemantics(
  schema: Schema | undefined,
): { type: "map"; keys: string[] } | { type: "set" | "atomic" } {
  const resolved = resolve(schema);
  const keys = resolved?.["x-kubernetes-list-map-keys"];
  if (keys?.length) return { type: "map", keys };
  const mergeKey = resolved?.["x-kubernetes-patch-merge-key"];
  if (mergeKey && resolved["x-kubernetes-patch-strategy"]?.includes("merge"))
    return { type: "map", keys: [mergeKey] };
  if (resolved?.["x-kubernetes-list-type"] === "set") return { type: "set" };
  return { type: "atomic" };
}
