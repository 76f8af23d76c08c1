// The request pipeline: health checks, authentication, fault injection, then discovery, OpenAPI or a resource
// handler chosen from the URL the way the apiserver's RequestInfoFactory reads it.
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { FaultInjector, RequestAttributes } from "../faults.js";
import { findResource, type Verb } from "../resources.js";
import { authenticate, isSuperuser } from "./auth.js";
import { authorize, forbiddenError, requestAttributes, type AuthorizationDecision } from "./authorization.js";
import type { ResourceRequest, ServerContext } from "./context.js";
import { apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from "./discovery.js";
import { handleDelete, handleDeleteCollection } from "./handlers/delete.js";
import { handleGet, handleList, handleWatch } from "./handlers/read.js";
import { handleMetrics, handleSubresource } from "./handlers/subresources.js";
import { handleCreate, handlePatch, handleUpdate } from "./handlers/write.js";
import { sendJson, sendJsonBytes, sendStatus } from "./http.js";
import { openApiV3GroupVersion, openApiV3Index } from "./openapi-v3.js";
import { openApiV2Bytes } from "./schema.js";
import { handleTokenRequest, type ServiceAccountTokens, type UserInfo } from "./service-account-tokens.js";
import { ApiError, failureStatus, methodNotAllowed, pathNotFound, unauthorized } from "./status.js";

export interface RouterOptions {
  token: string;
  tokens: ServiceAccountTokens;
  faults: FaultInjector;
  /** Told every RBAC decision (the admin's requests are never judged). */
  onAuthorization: (decision: AuthorizationDecision) => void;
}

interface ParsedPath {
  group: string;
  version: string;
  namespace: string | undefined;
  parts: string[];
}

/** Splits /api/v1/... and /apis/{group}/{version}/... into group version, namespace and the rest. */
function parseResourcePath(segments: string[]): ParsedPath | undefined {
  let group: string;
  let rest: string[];
  if (segments[0] === "api" && segments.length >= 3) {
    group = "";
    rest = segments.slice(1);
  } else if (segments[0] === "apis" && segments.length >= 4) {
    group = segments[1]!;
    rest = segments.slice(2);
  } else return undefined;
  const version = rest[0]!;
  let parts = rest.slice(1);
  let namespace: string | undefined;
  // namespaces/{ns}/{resource}... addresses content of a namespace; namespaces/{ns}[/status|/finalize] the namespace.
  if (parts[0] === "namespaces" && parts.length >= 3 && parts[2] !== "status" && parts[2] !== "finalize") {
    namespace = parts[1];
    parts = parts.slice(2);
  }
  return { group, version, namespace, parts };
}

function verbOf(method: string, hasName: boolean, query: URLSearchParams): Verb | undefined {
  const watch = query.get("watch");
  switch (method) {
    case "GET":
      if (watch === "true" || watch === "1") return "watch";
      return hasName ? "get" : "list";
    case "POST":
      return hasName ? undefined : "create";
    case "PUT":
      return hasName ? "update" : undefined;
    case "PATCH":
      return hasName ? "patch" : undefined;
    case "DELETE":
      return hasName ? "delete" : "deletecollection";
    default:
      return undefined;
  }
}

function resolveResource(
  method: string,
  path: ParsedPath,
  query: URLSearchParams,
  request: IncomingMessage,
  response: ServerResponse,
): ResourceRequest | undefined {
  const [plural, name, subresource, ...extra] = path.parts;
  if (plural === undefined || extra.length > 0) return undefined;
  const info = findResource(path.group, path.version, plural);
  if (!info) return undefined;
  if (!info.namespaced && path.namespace !== undefined) return undefined;
  // TokenRequest is the one subresource created by POST on a named object.
  const verb =
    method === "POST" && subresource === "token" ? "create" : verbOf(method, name !== undefined, query);
  if (!verb) throw methodNotAllowed();
  // Subresources have their own verbs; the main resource's verbs are the table's.
  if (subresource === undefined && !info.verbs.includes(verb)) throw methodNotAllowed();
  return { verb, info, namespace: path.namespace, name, subresource, query, request, response };
}

async function dispatch(context: ServerContext, resource: ResourceRequest): Promise<void> {
  if (resource.info.virtual) {
    handleMetrics(context, resource);
    return;
  }
  if (resource.subresource !== undefined) {
    await handleSubresource(context, resource);
    return;
  }
  switch (resource.verb) {
    case "get":
      handleGet(context, resource);
      return;
    case "list":
      handleList(context, resource);
      return;
    case "watch":
      await handleWatch(context, resource);
      return;
    case "create":
      await handleCreate(context, resource);
      return;
    case "update":
      await handleUpdate(context, resource);
      return;
    case "patch":
      await handlePatch(context, resource);
      return;
    case "delete":
      await handleDelete(context, resource);
      return;
    case "deletecollection":
      await handleDeleteCollection(context, resource);
      return;
  }
}

/** Non-resource GETs: discovery and OpenAPI. Returns false when the path is not one of them. */
async function serveNonResource(
  segments: string[],
  request: IncomingMessage,
  response: ServerResponse,
): Promise<boolean> {
  const path = `/${segments.join("/")}`;
  let body: unknown;
  if (path === "/version") body = SERVER_VERSION;
  else if (path === "/api") body = apiVersions(request.headers.host ?? "127.0.0.1");
  else if (path === "/apis") body = apiGroupList();
  else if (segments[0] === "api" && segments.length === 2)
    body = apiResourceList({ group: "", version: segments[1]! });
  else if (segments[0] === "apis" && segments.length === 2) body = apiGroup(segments[1]!);
  else if (segments[0] === "apis" && segments.length === 3)
    body = apiResourceList({ group: segments[1]!, version: segments[2]! });
  else if (path === "/openapi/v3") body = await openApiV3Index();
  else if (segments[0] === "openapi" && (segments[1] === "v2" || segments[1] === "v3")) {
    const bytes =
      path === "/openapi/v2"
        ? await openApiV2Bytes()
        : await openApiV3GroupVersion(segments.slice(2).join("/"));
    if (!bytes) throw pathNotFound();
    sendJsonBytes(response, bytes);
    return true;
  } else return false;
  if (body === undefined) throw pathNotFound();
  if (request.method !== "GET") throw methodNotAllowed();
  sendJson(response, 200, body);
  return true;
}

function attributesOf(segments: string[], method: string, query: URLSearchParams): RequestAttributes {
  const path = parseResourcePath(segments);
  const [resource, name] = path?.parts ?? [];
  const verb = verbOf(method, name !== undefined, query) ?? "get";
  return { verb, resource, namespace: path?.namespace, name, dryRun: query.get("dryRun") === "All" };
}

/** RBAC for everyone but the admin; throws the 403 the API server answers. */
function authorizeRequest(
  context: ServerContext,
  onAuthorization: RouterOptions["onAuthorization"],
  user: UserInfo,
  method: string,
  segments: string[],
  query: URLSearchParams,
  request: IncomingMessage,
): void {
  const attributes = requestAttributes(user, method, segments, query);
  const decision = authorize(context.store, attributes);
  onAuthorization({ ...attributes, allowed: decision.allowed });
  if (!decision.allowed) throw forbiddenError(attributes, decision.reason);
  // Server-side apply that would create the object is also a create (the apiserver's create-on-update check),
  // refused with the authorizer's reason alone.
  const applies = (request.headers["content-type"] ?? "").startsWith("application/apply-patch");
  if (attributes.verb !== "patch" || !applies || attributes.subresource !== "") return;
  const existing = context.store.get(attributes.resource, attributes.namespace || undefined, attributes.name);
  if (existing) return;
  const create = { ...attributes, verb: "create" };
  const createDecision = authorize(context.store, create);
  onAuthorization({ ...create, allowed: createDecision.allowed });
  if (!createDecision.allowed) throw forbiddenError(create, createDecision.reason, { withMessage: false });
}

export function createRouter(context: ServerContext, options: RouterOptions) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      const url = new URL(request.url ?? "/", "http://sandbox");
      const segments = url.pathname
        .split("/")
        .filter((segment) => segment !== "")
        .map(decodeURIComponent);
      const method = request.method ?? "GET";
      if (method === "GET" && ["/healthz", "/livez", "/readyz"].includes(url.pathname)) {
        response.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
        return;
      }
      const user = authenticate(request, options.token, options.tokens);
      if (!user) throw unauthorized();
      if (!isSuperuser(user))
        authorizeRequest(context, options.onAuthorization, user, method, segments, url.searchParams, request);
      const attributes = attributesOf(segments, method, url.searchParams);
      options.faults.notify(attributes);
      const latency = options.faults.latencyFor(attributes);
      if (latency > 0) await sleep(latency);
      const fault = options.faults.take(attributes);
      if (fault?.kind === "drop") {
        request.socket.destroy();
        return;
      }
      if (fault?.kind === "hang") {
        options.faults.hold(request.socket);
        return;
      }
      if (fault?.kind === "fail") {
        sendStatus(response, failureStatus(fault.code, fault.reason, fault.message));
        return;
      }
      if (await serveNonResource(segments, request, response)) return;
      const parsed = parseResourcePath(segments);
      const resource = parsed && resolveResource(method, parsed, url.searchParams, request, response);
      if (!resource) throw pathNotFound();
      if (resource.info.plural === "serviceaccounts" && resource.subresource === "token") {
        if (resource.verb !== "create") throw methodNotAllowed();
        await handleTokenRequest(options.tokens, resource);
        return;
      }
      await dispatch(context, resource);
    } catch (error) {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof ApiError) sendStatus(response, error.toStatus());
      else
        sendStatus(
          response,
          failureStatus(500, "InternalError", `Internal error occurred: ${(error as Error).message}`),
        );
    }
  };
}
