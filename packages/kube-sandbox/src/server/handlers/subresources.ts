// /status, /scale, pods/log and the metrics.k8s.io API.
import { PodLogError, type PodLogOptions, type StoredObject } from "../../contract.js";
import { apiVersionOf } from "../../resources.js";
import { cloneJson, isPlainObject } from "../../store/clone.js";
import type { ResourceRequest, ServerContext } from "../context.js";
import { readBodyBytes, sendJson } from "../http.js";
import {
  ApiError,
  badRequest,
  methodNotAllowed,
  notFound,
  pathNotFound,
  unsupportedMediaType,
} from "../status.js";
import { checkPrecondition, commit } from "./commit.js";
import { getObject } from "./read.js";
import { decodeObjectBody, mediaType, PATCH_TYPES, writeOptionsFor, type JsonObject } from "./request.js";
import { applyPatchBody } from "./write.js";

function labelSelectorString(selector: unknown): string {
  if (!isPlainObject(selector)) return "";
  const terms = Object.entries((selector.matchLabels as Record<string, string> | undefined) ?? {}).map(
    ([key, value]) => `${key}=${value}`,
  );
  for (const expression of (selector.matchExpressions as
    { key: string; operator: string; values?: string[] }[] | undefined) ?? []) {
    const values = expression.values ?? [];
    if (expression.operator === "In") terms.push(`${expression.key} in (${values.join(",")})`);
    else if (expression.operator === "NotIn") terms.push(`${expression.key} notin (${values.join(",")})`);
    else if (expression.operator === "Exists") terms.push(expression.key);
    else terms.push(`!${expression.key}`);
  }
  return terms.join(",");
}

function scaleOf(object: StoredObject): JsonObject {
  const spec = (object.spec ?? {}) as JsonObject;
  const status = (object.status ?? {}) as JsonObject;
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: typeof spec.replicas === "number" ? spec.replicas : 1 },
    status: {
      replicas: typeof status.replicas === "number" ? status.replicas : 0,
      selector: labelSelectorString(spec.selector),
    },
  };
}

/** The written object of a PUT (the whole body) or a PATCH (the patch applied to `current`). */
async function writtenObject(
  request: ResourceRequest,
  body: Buffer,
  current: JsonObject,
  schemaKind: { apiVersion: string; kind: string },
): Promise<JsonObject> {
  if (request.verb !== "update") return applyPatchBody(request, current, body.toString("utf8"), schemaKind);
  return decodeObjectBody(request, body, schemaKind);
}

/** The body first, then the stored object: reading the body yields, and the object may change meanwhile. */
async function bodyAndObject(
  context: ServerContext,
  request: ResourceRequest,
): Promise<{ body: Buffer; stored: StoredObject }> {
  const body = request.verb === "get" ? Buffer.alloc(0) : await readBodyBytes(request.request);
  return { body, stored: getObject(context, request) };
}

async function handleScale(context: ServerContext, request: ResourceRequest): Promise<void> {
  const { body, stored } = await bodyAndObject(context, request);
  if (request.verb === "get") {
    sendJson(request.response, 200, scaleOf(stored));
    return;
  }
  const scale = await writtenObject(request, body, scaleOf(stored), {
    apiVersion: "autoscaling/v1",
    kind: "Scale",
  });
  checkPrecondition(request, stored, scale);
  const replicas = isPlainObject(scale.spec) ? scale.spec.replicas : undefined;
  if (typeof replicas !== "number" || !Number.isInteger(replicas)) {
    throw new ApiError(
      422,
      "Invalid",
      `Scale.autoscaling "${stored.metadata.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be an integer`,
    );
  }
  const candidate = cloneJson(stored) as JsonObject;
  candidate.spec = { ...(candidate.spec as object), replicas };
  const result = commit(context, request, stored, candidate, writeOptionsFor(request));
  sendJson(request.response, 200, scaleOf(result.object));
}

async function handleStatus(context: ServerContext, request: ResourceRequest): Promise<void> {
  const { body, stored } = await bodyAndObject(context, request);
  if (request.verb === "get") {
    sendJson(request.response, 200, stored);
    return;
  }
  const { info } = request;
  const written = await writtenObject(request, body, cloneJson(stored), {
    apiVersion: apiVersionOf(info),
    kind: info.kind,
  });
  checkPrecondition(request, stored, written);
  const candidate = { ...cloneJson(stored), status: written.status } as JsonObject;
  const result = commit(context, request, stored, candidate, {
    ...writeOptionsFor(request),
    subresource: "status",
  });
  sendJson(request.response, 200, result.object);
}

function logOptions(query: URLSearchParams): PodLogOptions {
  const number = (name: string): number | undefined => {
    const value = query.get(name);
    if (value === null) return undefined;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0)
      throw badRequest(`${name}: Invalid value: "${value}": must be a non-negative integer`);
    return parsed;
  };
  const sinceTime = query.get("sinceTime");
  const sinceTimeMs = sinceTime === null ? undefined : Date.parse(sinceTime);
  if (sinceTimeMs !== undefined && (Number.isNaN(sinceTimeMs) || !/^\d{4}-\d\d-\d\dT/.test(sinceTime!)))
    throw badRequest(`sinceTime: Invalid value: "${sinceTime}": must be an RFC 3339 time`);
  if (sinceTimeMs !== undefined && query.get("sinceSeconds") !== null)
    throw badRequest("at most one of sinceTime or sinceSeconds may be specified");
  return {
    ...(sinceTimeMs === undefined ? {} : { sinceTimeMs }),
    container: query.get("container") ?? undefined,
    follow: query.get("follow") === "true",
    timestamps: query.get("timestamps") === "true",
    previous: query.get("previous") === "true",
    tailLines: number("tailLines"),
    sinceSeconds: number("sinceSeconds"),
  };
}

async function handleLog(context: ServerContext, request: ResourceRequest): Promise<void> {
  const pod = getObject(context, request);
  const abort = new AbortController();
  let lines: AsyncIterable<string> | undefined;
  try {
    lines = context.simulation?.podLog(
      request.namespace!,
      pod.metadata.name,
      logOptions(request.query),
      abort.signal,
    );
  } catch (error) {
    if (error instanceof PodLogError) throw badRequest(error.message);
    throw error;
  }
  if (!lines) throw notFound(request.info, pod.metadata.name);
  const { response } = request;
  response.on("close", () => {
    abort.abort();
  });
  response.writeHead(200, { "Content-Type": "text/plain", "Cache-Control": "no-cache, private" });
  response.flushHeaders();
  try {
    for await (const line of lines) {
      if (response.destroyed) break;
      response.write(line.endsWith("\n") ? line : `${line}\n`);
    }
  } finally {
    abort.abort();
    if (!response.writableEnded) response.end();
  }
}

/** metrics.k8s.io/v1beta1 pods: PodMetrics from the simulation, like metrics-server. */
export function handleMetrics(context: ServerContext, request: ResourceRequest): void {
  const { namespace, name, query, info } = request;
  if (request.verb !== "get" && request.verb !== "list") throw methodNotAllowed();
  const items =
    context.simulation?.podMetrics(namespace, name, query.get("labelSelector") ?? undefined) ?? [];
  if (name !== undefined) {
    const found = items.find((item) => item.metadata.name === name);
    if (!found) throw notFound({ group: info.group, plural: "podmetrics" }, `${namespace ?? ""}/${name}`);
    sendJson(request.response, 200, found);
    return;
  }
  sendJson(request.response, 200, {
    kind: "PodMetricsList",
    apiVersion: apiVersionOf(info),
    metadata: {},
    items,
  });
}

export async function handleSubresource(context: ServerContext, request: ResourceRequest): Promise<void> {
  const { subresource, verb, info } = request;
  if (!subresource || !info.subresources.includes(subresource)) throw pathNotFound();
  if (verb === "patch") {
    const type = mediaType(request);
    if (type === "application/apply-patch+yaml" || !(PATCH_TYPES as readonly string[]).includes(type)) {
      throw unsupportedMediaType(
        PATCH_TYPES.filter((patchType) => patchType !== "application/apply-patch+yaml"),
      );
    }
  }
  if (subresource === "log") {
    if (verb !== "get") throw methodNotAllowed();
    await handleLog(context, request);
    return;
  }
  if (verb !== "get" && verb !== "update" && verb !== "patch") throw methodNotAllowed();
  if (subresource === "scale") await handleScale(context, request);
  else if (subresource === "status") await handleStatus(context, request);
  else throw methodNotAllowed();
}
