// RFC 7386 JSON merge patch: objects merge recursively, null deletes, anything else (lists too) replaces.
import { cloneJson, isPlainObject, removeKey } from "../../store/clone.js";

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) removeKey(result, key);
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
