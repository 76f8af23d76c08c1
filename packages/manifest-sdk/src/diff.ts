import { appendPath } from "./paths.js";
import type { KubernetesObject } from "./types.js";

export interface FieldChange {
  /** Leaf path such as `spec.template.spec.containers[0].image`; absent `before`/`after` = field added/removed. */
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface ObjectChange {
  /** "Kind/name", e.g. "Deployment/web". */
  object: string;
  apiVersion: string;
  namespace?: string;
  change: "added" | "removed" | "changed";
  /** Only for "changed". */
  fields?: FieldChange[];
}

/**
 * What changes between two sets of objects, matched by apiVersion, kind, namespace and name. Unchanged objects are
 * left out, so an empty result means "no change". Changed and removed objects come in `before` order, then added ones
 * in `after` order.
 */
export function diffManifests(
  before: readonly KubernetesObject[],
  after: readonly KubernetesObject[],
): ObjectChange[] {
  const afterByIdentity = new Map(after.map((object) => [identity(object), object]));
  const changes: ObjectChange[] = [];
  const seen = new Set<string>();
  for (const old of before) {
    const key = identity(old);
    seen.add(key);
    const current = afterByIdentity.get(key);
    if (current === undefined) {
      changes.push(describeObject(old, "removed"));
      continue;
    }
    const fields: FieldChange[] = [];
    diffValues(old, current, "", fields);
    if (fields.length > 0) changes.push({ ...describeObject(old, "changed"), fields });
  }
  for (const object of after) {
    if (!seen.has(identity(object))) changes.push(describeObject(object, "added"));
  }
  return changes;
}

function identity(object: KubernetesObject): string {
  return JSON.stringify([
    object.apiVersion,
    object.kind,
    object.metadata?.namespace ?? "",
    object.metadata?.name,
  ]);
}

function describeObject(object: KubernetesObject, change: ObjectChange["change"]): ObjectChange {
  const described: ObjectChange = {
    object: `${object.kind}/${object.metadata?.name}`,
    apiVersion: object.apiVersion,
    change,
  };
  if (object.metadata?.namespace !== undefined) described.namespace = object.metadata.namespace;
  return described;
}

function diffValues(before: unknown, after: unknown, path: string, fields: FieldChange[]): void {
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    for (let index = 0; index < length; index++) {
      const inBefore = index < before.length;
      const inAfter = index < after.length;
      diffEntry(
        before[index] as unknown,
        after[index] as unknown,
        inBefore,
        inAfter,
        appendPath(path, index),
        fields,
      );
    }
    return;
  }
  if (isRecord(before) && isRecord(after)) {
    for (const key of Object.keys(before)) {
      diffEntry(before[key], after[key], true, Object.hasOwn(after, key), appendPath(path, key), fields);
    }
    for (const key of Object.keys(after)) {
      if (!Object.hasOwn(before, key))
        diffEntry(undefined, after[key], false, true, appendPath(path, key), fields);
    }
    return;
  }
  if (!deepEqual(before, after)) fields.push({ path, before, after });
}

/** A key or index present on one side only is a leaf change carrying the whole value. */
function diffEntry(
  before: unknown,
  after: unknown,
  inBefore: boolean,
  inAfter: boolean,
  path: string,
  fields: FieldChange[],
): void {
  if (inBefore && inAfter) diffValues(before, after, path, fields);
  else if (inBefore) fields.push({ path, before });
  else fields.push({ path, after });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]))
    );
  }
  return false;
}

/** The changes for a terminal: `+` added, `-` removed, `~` changed with one line per field. */
export function formatDiff(changes: readonly ObjectChange[]): string {
  if (changes.length === 0) return "No changes.\n";
  const lines: string[] = [];
  for (const change of changes) {
    const where = change.namespace === undefined ? "" : ` (namespace ${change.namespace})`;
    const mark = change.change === "added" ? "+" : change.change === "removed" ? "-" : "~";
    lines.push(`${mark} ${change.object}${where} ${change.change}`);
    for (const field of change.fields ?? []) {
      if (!("before" in field)) lines.push(`    + ${field.path}: ${show(field.after)}`);
      else if (!("after" in field)) lines.push(`    - ${field.path}: ${show(field.before)}`);
      else lines.push(`    ~ ${field.path}: ${show(field.before)} -> ${show(field.after)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? "undefined";
}
