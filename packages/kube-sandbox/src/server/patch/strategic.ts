// Strategic merge patch, as kubectl sends it (apply, edit, rollout restart, label, annotate): like a merge patch,
// but lists whose schema declares x-kubernetes-patch-strategy "merge" merge item by item on the
// x-kubernetes-patch-merge-key, and the $patch / $retainKeys / $deleteFromPrimitiveList directives are honoured.
// $setElementOrder only orders items, so it is dropped.
import { cloneJson, isPlainObject, jsonEqual, removeKey } from "../../store/clone.js";
import { fieldSchema, itemSchema, resolve, type Schema } from "../schema.js";
import { badRequest } from "../status.js";

const DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/";
const SET_ELEMENT_ORDER = "$setElementOrder/";

function isDirectiveKey(key: string): boolean {
  return key.startsWith("$");
}

/** A patch value that is stored as is: any directives inside it have no original to act on. */
function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.filter((item) => !(isPlainObject(item) && item.$patch === "delete")).map(stripDirectives);
  }
  if (!isPlainObject(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!isDirectiveKey(key) && item !== null) result[key] = stripDirectives(item);
  }
  return result;
}

function mergeList(original: unknown, patch: unknown[], schema: Schema | undefined): unknown[] {
  const resolved = resolve(schema);
  const strategy = resolved?.["x-kubernetes-patch-strategy"] ?? "";
  if (!strategy.includes("merge") || !Array.isArray(original)) return stripDirectives(patch) as unknown[];
  if (patch.some((item) => isPlainObject(item) && item.$patch === "replace")) {
    return stripDirectives(
      patch.filter((item) => !(isPlainObject(item) && item.$patch === "replace")),
    ) as unknown[];
  }
  const mergeKey = resolved?.["x-kubernetes-patch-merge-key"];
  if (!mergeKey) {
    // A merged list of scalars (finalizers): the union, original order first.
    const result: unknown[] = [...(original as unknown[])];
    for (const item of patch) if (!result.some((existing) => jsonEqual(existing, item))) result.push(item);
    return result;
  }
  const result = cloneJson(original);
  const items = itemSchema(schema);
  for (const item of patch) {
    if (!isPlainObject(item))
      throw badRequest(`strategic merge patch: list items of ${mergeKey}-keyed lists must be objects`);
    if (!(mergeKey in item))
      throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    const index = result.findIndex(
      (existing) => isPlainObject(existing) && jsonEqual(existing[mergeKey], item[mergeKey]),
    );
    if (item.$patch === "delete") {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = applyStrategicMergePatch(result[index], item, items);
    } else {
      result.push(stripDirectives(item));
    }
  }
  return result;
}

export function applyStrategicMergePatch(
  original: unknown,
  patch: unknown,
  schema: Schema | undefined,
): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  if (patch.$patch === "delete") return undefined;
  if (patch.$patch === "replace" || !isPlainObject(original)) return stripDirectives(patch);
  const result: Record<string, unknown> = { ...original };
  const retainKeys = patch.$retainKeys;
  if (Array.isArray(retainKeys)) {
    for (const key of Object.keys(result)) if (!retainKeys.includes(key)) removeKey(result, key);
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      const field = key.slice(DELETE_FROM_PRIMITIVE_LIST.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) {
        result[field] = current.filter((item) => !value.some((removed) => jsonEqual(removed, item)));
      }
      continue;
    }
    if (key.startsWith(SET_ELEMENT_ORDER) || isDirectiveKey(key)) continue;
    if (value === null) {
      removeKey(result, key);
      continue;
    }
    const childSchema = fieldSchema(schema, key);
    const merged = Array.isArray(value)
      ? mergeList(result[key], value, childSchema)
      : applyStrategicMergePatch(result[key], value, childSchema);
    if (merged === undefined) removeKey(result, key);
    else result[key] = merged;
  }
  return result;
}
