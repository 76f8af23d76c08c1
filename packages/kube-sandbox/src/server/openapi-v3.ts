// /openapi/v3, derived from the vendored v2 document. kubectl 1.32 reads v3 first (for fieldValidation support and
// for strategic-merge-patch metadata in client-side apply) and only accepts v2 as protobuf, which this server does
// not speak: so v3, as JSON, is what makes `kubectl apply` work.
import { createHash } from "node:crypto";
import { apiVersionOf, GROUP_VERSIONS } from "../resources.js";
import { isPlainObject } from "../store/clone.js";
import { openApiV2Document, type OpenApiDocument } from "./schema.js";

type Json = Record<string, unknown>;

/** "api/v1", "apis/apps/v1": how /openapi/v3 names a group version. */
function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes("/") ? `apis/${apiVersion}` : `api/${apiVersion}`;
}

const SERVED_PATHS = new Set(GROUP_VERSIONS.map((gv) => groupVersionPath(apiVersionOf(gv))));

function resolveParameter(parameter: Json, document: OpenApiDocument): Json {
  const ref = parameter.$ref;
  return typeof ref === "string" ? (document.parameters[ref.replace("#/parameters/", "")] ?? {}) : parameter;
}

function convertParameters(
  parameters: unknown,
  document: OpenApiDocument,
): { query: Json[]; body: Json | undefined } {
  const query: Json[] = [];
  let body: Json | undefined;
  for (const raw of Array.isArray(parameters) ? (parameters as Json[]) : []) {
    const parameter = resolveParameter(raw, document);
    if (parameter.in === "body") {
      body = parameter;
      continue;
    }
    const { name, description, required, type, uniqueItems } = parameter;
    query.push({ name, in: parameter.in, description, required, schema: { type, uniqueItems } });
  }
  return { query, body };
}

function convertOperation(operation: Json, document: OpenApiDocument): Json {
  const { query, body } = convertParameters(operation.parameters, document);
  const consumes = (operation.consumes as string[] | undefined) ?? ["application/json"];
  const produces = (operation.produces as string[] | undefined) ?? ["application/json"];
  const responses: Json = {};
  for (const [code, response] of Object.entries((operation.responses as Json | undefined) ?? {})) {
    const { description, schema } = response as Json;
    responses[code] = {
      description,
      ...(schema ? { content: Object.fromEntries(produces.map((type) => [type, { schema }])) } : {}),
    };
  }
  const copied = Object.fromEntries(
    ["description", "operationId", "tags", "x-kubernetes-action", "x-kubernetes-group-version-kind"]
      .filter((key) => operation[key] !== undefined)
      .map((key) => [key, operation[key]]),
  );
  return {
    ...copied,
    parameters: query,
    ...(body
      ? {
          requestBody: {
            content: Object.fromEntries(consumes.map((type) => [type, { schema: body.schema }])),
            required: true,
          },
        }
      : {}),
    responses,
  };
}

function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) for (const item of value) collectRefs(item, into);
  else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string") into.add(child.replace("#/definitions/", ""));
      else collectRefs(child, into);
    }
  }
}

function buildGroupVersion(document: OpenApiDocument, gvPath: string): Buffer {
  const prefix = `/${gvPath}/`;
  const paths: Json = {};
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith(prefix)) continue;
    const converted: Json = {};
    for (const [key, value] of Object.entries(item)) {
      if (key === "parameters") converted.parameters = convertParameters(value, document).query;
      else if (isPlainObject(value)) converted[key] = convertOperation(value, document);
    }
    paths[path] = converted;
  }
  // Only the schemas these paths reach, as the real server does: a whole-API document per group would be 4 MB.
  const reachable = new Set<string>();
  const pending = new Set<string>();
  collectRefs(paths, pending);
  for (const name of pending) {
    if (reachable.has(name)) continue;
    reachable.add(name);
    collectRefs(document.definitions[name], pending);
  }
  const schemas = Object.fromEntries([...reachable].sort().map((name) => [name, document.definitions[name]]));
  const v3 = {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.35.0" },
    paths,
    components: { schemas },
  };
  return Buffer.from(JSON.stringify(v3).replaceAll("#/definitions/", "#/components/schemas/"));
}

const cache = new Map<string, Buffer>();

/** The document of one group version ("apis/apps/v1"), or undefined when it is not served. */
export async function openApiV3GroupVersion(gvPath: string): Promise<Buffer | undefined> {
  if (!SERVED_PATHS.has(gvPath)) return undefined;
  let bytes = cache.get(gvPath);
  if (!bytes) {
    bytes = buildGroupVersion(await openApiV2Document(), gvPath);
    cache.set(gvPath, bytes);
  }
  return bytes;
}

/** The /openapi/v3 index: one entry per served group version that the OpenAPI document describes. */
export async function openApiV3Index(): Promise<unknown> {
  const document = await openApiV2Document();
  const paths: Json = {};
  for (const gvPath of SERVED_PATHS) {
    if (!Object.keys(document.paths).some((path) => path.startsWith(`/${gvPath}/`))) continue;
    const bytes = await openApiV3GroupVersion(gvPath);
    const hash = createHash("sha512").update(bytes!).digest("hex").slice(0, 64).toUpperCase();
    paths[gvPath] = { serverRelativeURL: `/openapi/v3/${gvPath}?hash=${hash}` };
  }
  return { paths };
}
