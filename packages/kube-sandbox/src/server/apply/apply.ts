// Server-side apply: merge the applied configuration into the live object, track which manager owns which
// field, refuse (409) to change fields another manager owns unless forced, and remove fields the manager
// applied before but no longer applies when nobody else owns them.
import type { StoredObject } from "../../contract.js";
import { cloneJson, isPlainObject, jsonEqual, removeKey } from "../../store/clone.js";
import { fieldSchema, isAtomic, itemSchema, listSemantics, type Schema } from "../schema.js";
import { ApiError, type StatusCause } from "../status.js";
import {
  describePath,
  fieldsOf,
  isItemPath,
  keyValue,
  ownsWithin,
  parseManagedFields,
  pruneMissing,
  removeAt,
  serializeManagedFields,
  valueAt,
  type ManagedFieldsEntry,
  type ManagerFields,
} from "./managed-fields.js";

function sameKeys(a: Record<string, unknown>, b: Record<string, unknown>, keys: readonly string[]): boolean {
  return keys.every((key) => jsonEqual(keyValue(a, key), keyValue(b, key)));
}

/**
 * The live value with the applied one merged in: structs and maps field by field, map lists item by item.
 * The result shares structure with both inputs: callers pass copies they own.
 */
export function mergeApplied(live: unknown, applied: unknown, schema: Schema | undefined): unknown {
  if (isPlainObject(applied) && isPlainObject(live) && !isAtomic(schema)) {
    const result: Record<string, unknown> = { ...live };
    for (const [key, value] of Object.entries(applied)) {
      if (value === null) removeKey(result, key);
      else result[key] = mergeApplied(live[key], value, fieldSchema(schema, key));
    }
    return result;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const semantics = listSemantics(schema);
    if (semantics.type === "map") {
      const items = itemSchema(schema);
      const result: unknown[] = [...(live as unknown[])];
      for (const item of applied) {
        if (!isPlainObject(item)) continue;
        const index = result.findIndex(
          (existing) => isPlainObject(existing) && sameKeys(existing, item, semantics.keys),
        );
        if (index >= 0) result[index] = mergeApplied(result[index], item, items);
        else result.push(item);
      }
      return result;
    }
    if (semantics.type === "set") {
      const result: unknown[] = [...(live as unknown[])];
      for (const item of applied)
        if (!result.some((existing) => jsonEqual(existing, item))) result.push(item);
      return result;
    }
  }
  return applied;
}

export interface ApplyRequest {
  /** The stored object, or undefined when apply creates it. */
  live: StoredObject | undefined;
  /** The applied configuration (already checked: apiVersion, kind, name); owned by the apply, which changes it. */
  config: Record<string, unknown>;
  schema: Schema | undefined;
  manager: string;
  force: boolean;
  apiVersion: string;
  time: string;
}

function conflictError(conflicts: Map<ManagerFields, string[]>): ApiError {
  const count = [...conflicts.values()].reduce((total, paths) => total + paths.length, 0);
  const causes: StatusCause[] = [];
  const groups: string[] = [];
  for (const [owner, paths] of conflicts) {
    const who = `"${owner.manager}" using ${owner.apiVersion}`;
    for (const path of paths)
      causes.push({ reason: "FieldManagerConflict", message: `conflict with ${who}`, field: path });
    groups.push(
      count === 1
        ? `conflict with ${who}: ${paths[0]!}`
        : `conflicts with ${who}:\n${paths.map((path) => `- ${path}`).join("\n")}`,
    );
  }
  const plural = count === 1 ? "conflict" : "conflicts";
  return new ApiError(409, "Conflict", `Apply failed with ${count} ${plural}: ${groups.join("\n")}`, {
    causes,
  });
}

/** The object after the apply, with its new managedFields. Throws a 409 ApiError on conflicts without force. */
export function serverSideApply(request: ApplyRequest): Record<string, unknown> {
  const { live, config, schema, manager } = request;
  const managers = parseManagedFields(live?.metadata.managedFields);
  const base: Record<string, unknown> = live ? { ...live, metadata: { ...live.metadata } } : {};
  if (isPlainObject(base.metadata)) delete base.metadata.managedFields;
  const appliedConfig = config;
  if (isPlainObject(appliedConfig.metadata)) delete appliedConfig.metadata.managedFields;

  const applied = fieldsOf(appliedConfig, schema);
  let merged = mergeApplied(base, appliedConfig, schema) as Record<string, unknown>;

  const conflicts = new Map<ManagerFields, string[]>();
  for (const other of managers) {
    if (other.manager === manager || other.subresource) continue;
    for (const path of applied) {
      if (!other.fields.has(path) || isItemPath(path)) continue;
      if (jsonEqual(valueAt(base, path), valueAt(merged, path))) continue;
      if (request.force) other.fields.delete(path);
      else conflicts.set(other, [...(conflicts.get(other) ?? []), describePath(path)]);
    }
  }
  if (conflicts.size > 0) throw conflictError(conflicts);

  let own = managers.find(
    (entry) => entry.manager === manager && entry.operation === "Apply" && !entry.subresource,
  );
  const previouslyApplied = own?.fields ?? new Set<string>();
  const others = managers.filter((entry) => entry !== own);
  // Shallowest first: a removed list item takes its fields with it (removing its key fields first would make the
  // item impossible to find).
  const dropped = [...previouslyApplied]
    .filter(
      (path) =>
        !applied.has(path) &&
        !ownsWithin(applied, path) &&
        !others.some((entry) => ownsWithin(entry.fields, path)),
    )
    .sort((a, b) => a.length - b.length);
  const changed = dropped.length > 0 || !jsonEqual(merged, base);
  // `merged` shares structure with the live object, and removal works in place: copy first (rarely needed).
  if (dropped.length > 0) merged = cloneJson(merged);
  for (const path of dropped) removeAt(merged, path);

  if (!own) {
    own = {
      manager,
      operation: "Apply",
      apiVersion: request.apiVersion,
      time: request.time,
      fields: applied,
    };
    managers.push(own);
  } else {
    own.fields = applied;
    own.apiVersion = request.apiVersion;
    if (changed) own.time = request.time;
  }
  pruneMissing(managers, merged);
  const managedFields: ManagedFieldsEntry[] = serializeManagedFields(managers);
  const metadata = isPlainObject(merged.metadata) ? merged.metadata : {};
  merged.metadata = { ...metadata, managedFields };
  return merged;
}
