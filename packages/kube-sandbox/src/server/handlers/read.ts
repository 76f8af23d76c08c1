// get, list (selectors, pagination) and watch.
import type { StoredObject } from "../../contract.js";
import { apiVersionOf } from "../../resources.js";
import type { ResourceRequest, ServerContext } from "../context.js";
import { sendJson } from "../http.js";
import { combineSelectors, parseFieldSelector, parseLabelSelector, type Selector } from "../selectors.js";
import { ApiError, badRequest, notFound } from "../status.js";
import { toTable, wantsTable } from "../table.js";
import { streamWatch } from "../watch.js";

export function getObject(context: ServerContext, request: ResourceRequest): StoredObject {
  const { info, namespace, name } = request;
  const found = context.store.get(info.plural, info.namespaced ? namespace : undefined, name!);
  if (!found) throw notFound(info, name!);
  return found;
}

/** The objects as JSON, or as a Table when the client asked for one (kubectl get). */
function sendObjects(
  request: ResourceRequest,
  single: StoredObject | undefined,
  list: () => unknown,
  items: StoredObject[],
  metadata: Record<string, unknown>,
): void {
  const { request: incoming, response, info, query } = request;
  if (wantsTable(incoming.headers.accept)) {
    sendJson(
      response,
      200,
      toTable(info.kind, single ? [single] : items, metadata, query.get("includeObject")),
    );
  } else {
    sendJson(response, 200, single ?? list());
  }
}

export function handleGet(context: ServerContext, request: ResourceRequest): void {
  const object = getObject(context, request);
  sendObjects(request, object, () => object, [], { resourceVersion: object.metadata.resourceVersion });
}

function selectorOf(query: URLSearchParams): Selector {
  return combineSelectors(
    parseLabelSelector(query.get("labelSelector")),
    parseFieldSelector(query.get("fieldSelector")),
  );
}

interface ContinueToken {
  resourceVersion: string;
  after: string;
}

function decodeContinue(token: string): ContinueToken {
  try {
    const decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as ContinueToken;
    if (typeof decoded.after === "string" && typeof decoded.resourceVersion === "string") return decoded;
  } catch {
    // fall through to the real server's error
  }
  throw badRequest(
    "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
  );
}

const objectKey = (object: StoredObject): string =>
  `${object.metadata.namespace ?? ""}/${object.metadata.name}`;

export function handleList(context: ServerContext, request: ResourceRequest): void {
  const { info, namespace, query } = request;
  const selector = selectorOf(query);
  let items = context.store.list(info.plural, namespace).filter(selector);
  let resourceVersion = context.store.resourceVersion;
  const metadata: Record<string, unknown> = {};
  const continueToken = query.get("continue");
  if (continueToken) {
    // Pages are cut from the current state (not a consistent snapshot as etcd would give): fine for a sandbox.
    const token = decodeContinue(continueToken);
    items = items.filter((object) => objectKey(object) > token.after);
    resourceVersion = token.resourceVersion;
  }
  const limit = Number(query.get("limit") ?? 0);
  if (limit > 0 && items.length > limit) {
    const remaining = items.length - limit;
    items = items.slice(0, limit);
    const token: ContinueToken = { resourceVersion, after: objectKey(items.at(-1)!) };
    metadata.continue = Buffer.from(JSON.stringify(token)).toString("base64url");
    metadata.remainingItemCount = remaining;
  }
  const listMetadata = { resourceVersion, ...metadata };
  sendObjects(
    request,
    undefined,
    () => ({ kind: `${info.kind}List`, apiVersion: apiVersionOf(info), metadata: listMetadata, items }),
    items,
    listMetadata,
  );
}

function parseVersion(value: string | null): number | undefined {
  if (value === null || value === "" || value === "0") return undefined;
  const version = Number(value);
  if (!Number.isInteger(version) || version < 0) {
    throw new ApiError(
      400,
      "BadRequest",
      `resourceVersion: Invalid value: "${value}": must be a non-negative integer`,
    );
  }
  return version;
}

export async function handleWatch(context: ServerContext, request: ResourceRequest): Promise<void> {
  const { info, namespace, query } = request;
  const selector = selectorOf(query);
  const name = request.name;
  // A watch on one object (GET .../deployments/web?watch=1) is a watch with a name field selector.
  const filter =
    name === undefined ? selector : combineSelectors(selector, (object) => object.metadata.name === name);
  const since = parseVersion(query.get("resourceVersion"));
  const timeout = query.get("timeoutSeconds");
  const allowBookmarks = query.get("allowWatchBookmarks") === "true";
  const asTable = wantsTable(request.request.headers.accept);
  const includeObject = query.get("includeObject");
  await streamWatch(
    request.response,
    (deliver) =>
      context.hub.watch({ resource: info.plural, namespace, selector: filter }, since, (type, object) => {
        // kubectl get -w: every event carries a one-row Table.
        deliver(
          type,
          asTable
            ? toTable(
                info.kind,
                [object],
                { resourceVersion: object.metadata.resourceVersion },
                includeObject,
              )
            : object,
        );
      }),
    {
      timeoutSeconds: timeout === null ? undefined : Number(timeout),
      bookmarks: allowBookmarks
        ? { intervalMs: context.bookmarkIntervalMs, apiVersion: apiVersionOf(info), kind: info.kind }
        : undefined,
      currentVersion: () => context.store.resourceVersion,
    },
  );
}
