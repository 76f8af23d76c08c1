// create (POST), update (PUT), patch (PATCH: merge, strategic, JSON patch, server-side apply).
import { apiVersionOf } from "../../resources.js";
import { cloneJson, isPlainObject } from "../../store/clone.js";
import { now } from "../../store/object-store.js";
import { serverSideApply } from "../apply/apply.js";
import type { ResourceRequest, ServerContext } from "../context.js";
import { parseJson, readBody, sendJson } from "../http.js";
import { applyJsonPatch } from "../patch/json-patch.js";
import { applyMergePatch } from "../patch/merge.js";
import { applyStrategicMergePatch } from "../patch/strategic.js";
import { schemaForKind } from "../schema.js";
import { alreadyExists, badRequest, unsupportedMediaType } from "../status.js";
import { checkApplyConfiguration } from "../validation.js";
import { checkIdentity, checkPrecondition, commit, metadataOf, type CommitResult } from "./commit.js";
import { getObject } from "./read.js";
import {
  mediaType,
  parseYamlBody,
  PATCH_TYPES,
  readObjectBody,
  writeOptionsFor,
  type JsonObject,
} from "./request.js";

function respond(request: ResourceRequest, result: CommitResult): void {
  sendJson(request.response, result.created ? 201 : 200, result.object, result.warnings);
}

const RANDOM_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

function generateSuffix(): string {
  let suffix = "";
  for (let index = 0; index < 5; index++)
    suffix += RANDOM_ALPHABET.charAt(Math.floor(Math.random() * RANDOM_ALPHABET.length));
  return suffix;
}

export async function handleCreate(context: ServerContext, request: ResourceRequest): Promise<void> {
  const options = writeOptionsFor(request);
  const body = await readObjectBody(request);
  checkIdentity(request, body);
  const metadata = metadataOf(body);
  if (
    (metadata.name === undefined || metadata.name === "") &&
    typeof metadata.generateName === "string" &&
    metadata.generateName
  ) {
    metadata.name = `${metadata.generateName}${generateSuffix()}`;
  }
  const { info } = request;
  const name = typeof metadata.name === "string" ? metadata.name : "";
  if (info.namespaced) context.namespaces.assertCanCreateIn(info, request.namespace!, name);
  if (name && context.store.get(info.plural, request.namespace, name)) throw alreadyExists(info, name);
  delete metadata.managedFields;
  respond(request, commit(context, request, undefined, body, options));
}

export async function handleUpdate(context: ServerContext, request: ResourceRequest): Promise<void> {
  const options = writeOptionsFor(request);
  // The body first: reading it yields, and the stored object may change meanwhile.
  const body = await readObjectBody(request);
  const stored = getObject(context, request);
  checkIdentity(request, body);
  checkPrecondition(request, stored, body);
  metadataOf(body).managedFields = stored.metadata.managedFields;
  respond(request, commit(context, request, stored, body, options));
}

/** Applies a non-apply patch to `target` according to the request's Content-Type. */
export function applyPatchBody(
  request: ResourceRequest,
  target: JsonObject,
  text: string,
  schemaKind: { apiVersion: string; kind: string },
): JsonObject {
  const type = mediaType(request);
  const patch = parseJson(text);
  let patched: unknown;
  if (type === "application/merge-patch+json") patched = applyMergePatch(target, patch);
  else if (type === "application/json-patch+json") patched = applyJsonPatch(target, patch);
  else if (type === "application/strategic-merge-patch+json") {
    patched = applyStrategicMergePatch(target, patch, schemaForKind(schemaKind.apiVersion, schemaKind.kind));
  } else throw unsupportedMediaType(PATCH_TYPES);
  if (!isPlainObject(patched)) throw badRequest("the patch must leave an object");
  return patched;
}

export async function handlePatch(context: ServerContext, request: ResourceRequest): Promise<void> {
  if (mediaType(request) === "application/apply-patch+yaml") {
    await handleApply(context, request);
    return;
  }
  const options = writeOptionsFor(request);
  if (!(PATCH_TYPES as readonly string[]).includes(mediaType(request)))
    throw unsupportedMediaType(PATCH_TYPES);
  const text = await readBody(request.request);
  const stored = getObject(context, request);
  const { info } = request;
  const patched = applyPatchBody(request, cloneJson(stored), text, {
    apiVersion: apiVersionOf(info),
    kind: info.kind,
  });
  checkIdentity(request, patched);
  checkPrecondition(request, stored, patched);
  metadataOf(patched).managedFields = stored.metadata.managedFields;
  respond(request, commit(context, request, stored, patched, options));
}

async function handleApply(context: ServerContext, request: ResourceRequest): Promise<void> {
  const options = writeOptionsFor(request);
  if (!request.query.get("fieldManager")) {
    throw badRequest("PATCH requests with apply content type require a fieldManager");
  }
  const force = request.query.get("force") === "true";
  const config = parseYamlBody(await readBody(request.request));
  if (!isPlainObject(config)) throw badRequest("the applied configuration must be an object");
  const { info } = request;
  if (config.apiVersion === undefined || config.kind === undefined) {
    throw badRequest("apiVersion and kind must be set in an applied configuration");
  }
  checkIdentity(request, config);
  const metadata = metadataOf(config);
  const namespace = info.namespaced ? request.namespace : undefined;
  checkApplyConfiguration(info, config, namespace);
  const live = context.store.get(info.plural, namespace, request.name!);
  if (!live && info.namespaced) context.namespaces.assertCanCreateIn(info, namespace!, request.name!);
  if (live) checkPrecondition(request, live, config);
  delete metadata.resourceVersion;
  const merged = serverSideApply({
    live,
    config,
    schema: schemaForKind(apiVersionOf(info), info.kind),
    manager: options.manager,
    force,
    apiVersion: apiVersionOf(info),
    time: now(),
  });
  respond(request, commit(context, request, live, merged, { ...options, applied: true }));
}
