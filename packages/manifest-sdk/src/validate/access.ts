/**
 * Defensive readers for the semantic rules. The schema walker has already reported wrong types, so a
 * rule that meets one just sees `undefined` and skips instead of reporting the same problem twice.
 */
import { invalidValue, type IssueSink, type PathSegment } from "./issues.js";
import type { NameRule } from "./name-rules.js";

/** A decoded JSON object. */
export type JsonObject = Record<string, unknown>;

/** A JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value` when it is a JSON object, else undefined. */
export function asObject(value: unknown): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

/** `value` when it is an array, else undefined. */
export function asArray(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** `value` when it is a string, else undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** `value` when it is an integral number, else undefined. */
export function asInteger(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) ? value : undefined;
}

/** Follows `keys` through nested objects. */
export function dig(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = asObject(current)?.[key];
  return current;
}

/**
 * Reports each problem `rule` finds as one `name` issue at `path`. `checked` is what the rule sees when
 * the server checks a normalised form (lowercased annotation keys, a generateName with its dash masked);
 * the message always shows `value` as written.
 */
export function checkName(
  sink: IssueSink,
  path: readonly PathSegment[],
  value: string,
  rule: NameRule,
  checked: string = value,
): void {
  for (const problem of rule(checked)) sink.at(path, "name", invalidValue(value, problem));
}

/** A port number check shared by container, Service and Ingress ports. */
export function checkPortNumber(
  sink: IssueSink,
  path: readonly PathSegment[],
  port: number,
  min = 1,
  max = 65535,
): void {
  if (port < min || port > max) {
    sink.at(path, "range", invalidValue(port, `must be between ${min} and ${max}, inclusive`));
  }
}
