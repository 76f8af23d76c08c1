// delete and deletecollection, with propagationPolicy and preconditions.
import type { StoredObject } from "../../contract.js";
import { apiVersionOf, STORED_RESOURCES } from "../../resources.js";
import { isPlainObject } from "../../store/clone.js";
import { now } from "../../store/object-store.js";
import type { ResourceRequest, ServerContext } from "../context.js";
import { parseJson, readBodyBytes, sendJson } from "../http.js";
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from "../protobuf.js";
import { combineSelectors, parseFieldSelector, parseLabelSelector } from "../selectors.js";
import { badRequest, conflict, STALE_OBJECT, successStatus, type StatusDetails } from "../status.js";
import { getObject } from "./read.js";
import { isDryRun, mediaType } from "./request.js";

type Propagation = "Background" | "Foreground" | "Orphan";

interface DeleteOptions {
  propagationPolicy: Propagation;
  preconditions: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

/** DeleteOptions in the body as JSON, or as protobuf from client-go's typed clients. */
async function bodyOptions(request: ResourceRequest): Promise<unknown> {
  const bytes = await readBodyBytes(request.request);
  if (mediaType(request) === PROTOBUF_MEDIA_TYPE && bytes.length > 0) {
    return decodeProtobufObject(bytes, "DeleteOptions");
  }
  const text = bytes.toString("utf8");
  return text.trim() === "" ? {} : parseJson(text);
}

/** DeleteOptions come in the query (kubectl, client-node) or in the body (older clients, client-go). */
async function deleteOptions(request: ResourceRequest): Promise<DeleteOptions> {
  const body = await bodyOptions(request);
  const fromBody = isPlainObject(body) ? body : {};
  const policy =
    request.query.get("propagationPolicy") ??
    (fromBody.propagationPolicy as string | undefined) ??
    "Background";
  if (policy !== "Background" && policy !== "Foreground" && policy !== "Orphan") {
    throw badRequest(
      `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  const orphan = request.query.get("orphanDependents") ?? fromBody.orphanDependents;
  const bodyDryRun = Array.isArray(fromBody.dryRun) && fromBody.dryRun.includes("All");
  return {
    propagationPolicy: orphan === true || orphan === "true" ? "Orphan" : policy,
    preconditions: isPlainObject(fromBody.preconditions) ? fromBody.preconditions : {},
    dryRun: isDryRun(request.query) || bodyDryRun,
  };
}

function dependentsOf(
  context: ServerContext,
  owner: StoredObject,
): { resource: string; object: StoredObject }[] {
  const dependents: { resource: string; object: StoredObject }[] = [];
  for (const info of STORED_RESOURCES) {
    if (!info.namespaced) continue;
    for (const object of context.store.list(info.plural, owner.metadata.namespace)) {
      if (object.metadata.ownerReferences?.some((reference) => reference.uid === owner.metadata.uid)) {
        dependents.push({ resource: info.plural, object });
      }
    }
  }
  return dependents;
}

/**
 * Background deletion leaves dependents to the garbage collector (the simulation); Foreground removes them first
 * (here at once, rather than through the foregroundDeletion finalizer); Orphan strips their owner references.
 */
function removeWithPolicy(
  context: ServerContext,
  resource: string,
  object: StoredObject,
  policy: Propagation,
): void {
  if (policy === "Foreground") {
    for (const dependent of dependentsOf(context, object))
      removeWithPolicy(context, dependent.resource, dependent.object, policy);
  } else if (policy === "Orphan") {
    for (const { resource: dependentResource, object: dependent } of dependentsOf(context, object)) {
      dependent.metadata.ownerReferences = dependent.metadata.ownerReferences?.filter(
        (reference) => reference.uid !== object.metadata.uid,
      );
      context.store.update(dependentResource, dependent);
    }
  }
  context.store.delete(resource, object.metadata.namespace, object.metadata.name);
}

function deletedResponse(request: ResourceRequest, object: StoredObject): unknown {
  const { info } = request;
  // Objects the real server deletes gracefully (namespaces, pods) come back as objects; the rest as a Status.
  if (info.plural === "namespaces" || info.plural === "pods") return object;
  const details: StatusDetails = {
    name: object.metadata.name,
    group: info.group || undefined,
    kind: info.plural,
    uid: object.metadata.uid,
  };
  return successStatus(details);
}

export async function handleDelete(context: ServerContext, request: ResourceRequest): Promise<void> {
  const options = await deleteOptions(request);
  const stored = getObject(context, request);
  const { uid, resourceVersion } = options.preconditions;
  if (
    (uid && uid !== stored.metadata.uid) ||
    (resourceVersion && resourceVersion !== stored.metadata.resourceVersion)
  ) {
    throw conflict(request.info, stored.metadata.name, `Precondition failed: ${STALE_OBJECT}`);
  }
  if (request.info.plural === "namespaces") {
    sendJson(request.response, 200, context.namespaces.terminate(stored, options.dryRun));
    return;
  }
  if (!options.dryRun) removeWithPolicy(context, request.info.plural, stored, options.propagationPolicy);
  const gone: StoredObject = { ...stored, metadata: { ...stored.metadata, deletionTimestamp: now() } };
  sendJson(request.response, 200, deletedResponse(request, options.dryRun ? gone : stored));
}

export async function handleDeleteCollection(
  context: ServerContext,
  request: ResourceRequest,
): Promise<void> {
  const options = await deleteOptions(request);
  const { info, namespace, query } = request;
  const selector = combineSelectors(
    parseLabelSelector(query.get("labelSelector")),
    parseFieldSelector(query.get("fieldSelector")),
  );
  const items = context.store.list(info.plural, namespace).filter(selector);
  if (!options.dryRun) {
    for (const object of items) removeWithPolicy(context, info.plural, object, options.propagationPolicy);
  }
  sendJson(request.response, 200, {
    kind: `${info.kind}List`,
    apiVersion: apiVersionOf(info),
    metadata: { resourceVersion: context.store.resourceVersion },
    items,
  });
}
