// The commit path every write shares: check the object against the URL, reset server-owned fields, default,
// validate, admit (LimitRanger, ResourceQuota), record field ownership (non-apply writes), honour dryRun, store.
import { admit } from "../../admission/index.js";
import type { NewObject, StoredObject } from "../../contract.js";
import { apiVersionOf, type ResourceInfo } from "../../resources.js";
import { cloneJson, isPlainObject, jsonEqual, removeKey } from "../../store/clone.js";
import { now } from "../../store/object-store.js";
import {
  parseManagedFields,
  pruneMissing,
  recordUpdate,
  serializeManagedFields,
} from "../apply/managed-fields.js";
import type { ResourceRequest, ServerContext } from "../context.js";
import { defaultService, defaultVolumeClaim } from "../defaults.js";
import { schemaForKind } from "../schema.js";
import { badRequest, conflict, STALE_OBJECT } from "../status.js";
import { validateWrite } from "../validation.js";
import { podSpecWarnings } from "../warnings.js";
import type { JsonObject, WriteOptions } from "./request.js";

export function metadataOf(object: JsonObject): JsonObject {
  if (object.metadata === undefined || object.metadata === null) object.metadata = {};
  if (!isPlainObject(object.metadata)) throw badRequest("metadata must be an object");
  return object.metadata;
}

/**
 * Checks the incoming object against the URL (the real server's decoding and REST checks): apiVersion and kind
 * default to the URL's and must match it, the namespace defaults to the URL's and must match, and the name must
 * match the URL's name.
 */
export function checkIdentity(request: ResourceRequest, object: JsonObject): void {
  const { info } = request;
  const apiVersion = apiVersionOf(info);
  object.apiVersion ??= apiVersion;
  object.kind ??= info.kind;
  if (object.apiVersion !== apiVersion) {
    throw badRequest(
      `the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${apiVersion})`,
    );
  }
  if (object.kind !== info.kind) {
    throw badRequest(
      `the kind in the data (${String(object.kind)}) does not match the expected kind (${info.kind})`,
    );
  }
  const metadata = metadataOf(object);
  if (info.namespaced) {
    if (
      metadata.namespace !== undefined &&
      metadata.namespace !== "" &&
      metadata.namespace !== request.namespace
    ) {
      throw badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    metadata.namespace = request.namespace;
  } else {
    delete metadata.namespace;
  }
  if (request.name !== undefined && metadata.name !== request.name) {
    throw badRequest(
      `the name of the object (${String(metadata.name)}) does not match the name on the URL (${request.name})`,
    );
  }
}

function hasStatusSubresource(info: ResourceInfo): boolean {
  return info.subresources.includes("status");
}

/** Fields only the server (or the /status subresource) sets, taken from the stored object whatever the client sent. */
function resetServerFields(info: ResourceInfo, object: JsonObject, stored: StoredObject | undefined): void {
  const metadata = metadataOf(object);
  for (const field of [
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "generation",
    "deletionTimestamp",
  ] as const) {
    if (stored?.metadata[field] !== undefined) metadata[field] = stored.metadata[field];
    else removeKey(metadata, field);
  }
  if (info.plural === "namespaces") {
    object.status = stored?.status ?? { phase: "Active" };
    metadata.labels = {
      ...(metadata.labels as object | undefined),
      "kubernetes.io/metadata.name": metadata.name,
    };
  } else if (hasStatusSubresource(info)) {
    if (stored?.status !== undefined) object.status = stored.status;
    else delete object.status;
  }
}

export interface CommitResult {
  object: StoredObject;
  created: boolean;
  warnings: string[];
}

export interface CommitOptions {
  /** managedFields already computed (server-side apply); otherwise the write is recorded as an Update. */
  applied?: boolean;
  subresource?: string;
}

/** Validates and stores the outcome of a write (or only computes it, under dryRun). */
export function commit(
  context: ServerContext,
  request: ResourceRequest,
  stored: StoredObject | undefined,
  candidate: JsonObject,
  options: WriteOptions & CommitOptions,
): CommitResult {
  const { info } = request;
  if (!options.subresource) {
    resetServerFields(info, candidate, stored);
    defaultService(info, candidate, stored, context.services);
    defaultVolumeClaim(info, candidate, stored);
  }
  // An unchanged object is as valid as when it was stored: skip validation (re-applies are the common case).
  const unchanged = stored !== undefined && jsonEqual(candidate, stored);
  const { warnings } = unchanged ? { warnings: [] } : validateWrite(info, candidate, options.fieldValidation);
  // Like the real server, only a new or changed spec is warned about, not every later write of the object.
  if (!options.subresource && (!stored || !jsonEqual(stored.spec, candidate.spec)))
    warnings.push(...podSpecWarnings(info.kind, candidate));
  if (!options.subresource && !unchanged && info.namespaced) {
    candidate = admit(context.store, {
      info,
      namespace: request.namespace!,
      object: candidate as NewObject,
      old: stored,
    });
  }
  const metadata = metadataOf(candidate);
  const schema = schemaForKind(apiVersionOf(info), info.kind);
  const time = now();
  if (options.applied) {
    // Fields pruned by validation (fieldValidation=Ignore/Warn) are owned by nobody.
    const managers = parseManagedFields(metadata.managedFields);
    pruneMissing(managers, candidate);
    metadata.managedFields = serializeManagedFields(managers);
  } else if (!options.subresource) {
    metadata.managedFields = recordUpdate(stored, candidate, schema, {
      manager: options.manager,
      apiVersion: apiVersionOf(info),
      time,
    });
  }
  if (stored && jsonEqual(candidate, stored)) return { object: stored, created: false, warnings };
  const namespace = info.namespaced ? request.namespace : undefined;
  if (options.dryRun) {
    return { object: dryRunResult(stored, candidate, time), created: !stored, warnings };
  }
  if (!stored) {
    if (info.namespaced) context.namespaces.assertCanCreateIn(info, namespace!, String(metadata.name));
    return {
      object: context.store.create(info.plural, candidate as NewObject, { adopt: true }),
      created: true,
      warnings,
    };
  }
  const written =
    options.subresource === "status"
      ? context.store.updateStatus(info.plural, namespace, stored.metadata.name, candidate.status)!
      : context.store.update(info.plural, candidate as StoredObject, { adopt: true });
  return { object: written, created: false, warnings };
}

/** What the store would have made of the write, without storing it. */
function dryRunResult(stored: StoredObject | undefined, candidate: JsonObject, time: string): StoredObject {
  const object = cloneJson(candidate) as StoredObject;
  if (stored) {
    const generation = stored.metadata.generation;
    if (generation !== undefined)
      object.metadata.generation = jsonEqual(stored.spec, object.spec) ? generation : generation + 1;
    return object;
  }
  object.metadata.uid = crypto.randomUUID();
  object.metadata.creationTimestamp = time;
  if ("spec" in object) object.metadata.generation = 1;
  return object;
}

export function checkPrecondition(
  request: ResourceRequest,
  stored: StoredObject,
  candidate: JsonObject,
): void {
  const version = metadataOf(candidate).resourceVersion;
  if (version !== undefined && version !== "" && version !== stored.metadata.resourceVersion) {
    throw conflict(request.info, stored.metadata.name, STALE_OBJECT);
  }
}
