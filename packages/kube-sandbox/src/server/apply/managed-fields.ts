// Field ownership in the FieldsV1 format the API server writes in metadata.managedFields:
// {"f:spec":{"f:replicas":{}},"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{}}}}.
// Internally a field set is a Set of encoded paths (path elements joined by NUL), which makes union,
// difference and "who else owns this" plain set operations.
import { cloneJson, isPlainObject, jsonEqual, removeKey } from "../../store/clone.js";
import { fieldSchema, isAtomic, itemSchema, listSemantics, type Schema } from "../schema.js";

export type FieldSet = Set<string>;

const SEPARATOR = "\u0000";

export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** Server-owned metadata that no manager owns. */
const SYSTEM_METADATA = new Set([
  "name",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "selfLink",
]);

function join(prefix: string, element: string): string {
  return prefix === "" ? element : `${prefix}${SEPARATOR}${element}`;
}

/**
 * Memoised parsing: the same paths and keys come back on every apply of an object, and parsing them again
 * (k:{...} elements are JSON) dominated the cost of ownership bookkeeping.
 */
function memoize<T>(parse: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    let value = cache.get(text);
    if (value === undefined) {
      if (cache.size > 50_000) cache.clear();
      value = parse(text);
      cache.set(text, value);
    }
    return value;
  };
}

export const split = memoize((path: string): readonly string[] => path.split(SEPARATOR));
const parseJsonElement = memoize((text: string): unknown => JSON.parse(text));

/**
 * Key fields the real server defaults before it merges (ports' protocol): without defaulting, an applied
 * `{port: 80}` must still be the same item as a stored `{port: 80, protocol: TCP}`.
 */
const KEY_DEFAULTS: Readonly<Record<string, unknown>> = { protocol: "TCP" };

export function keyValue(item: Record<string, unknown>, name: string): unknown {
  return item[name] ?? KEY_DEFAULTS[name];
}

/** The k:{...} element of a map-list item: its key fields, in the declared key order. */
function keyElement(item: Record<string, unknown>, keys: readonly string[]): string {
  const key: Record<string, unknown> = {};
  for (const name of keys) {
    const value = keyValue(item, name);
    if (value !== undefined) key[name] = value;
  }
  return `k:${JSON.stringify(key)}`;
}

function collect(value: unknown, schema: Schema | undefined, path: string, into: FieldSet): void {
  if (isPlainObject(value) && !isAtomic(schema) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) {
      if (child !== undefined) collect(child, fieldSchema(schema, key), join(path, `f:${key}`), into);
    }
    return;
  }
  if (Array.isArray(value)) {
    const semantics = listSemantics(schema);
    if (semantics.type === "map") {
      const items = itemSchema(schema);
      for (const item of value) {
        if (!isPlainObject(item)) continue;
        const itemPath = join(path, keyElement(item, semantics.keys));
        into.add(itemPath);
        collect(item, items, itemPath, into);
      }
      return;
    }
    if (semantics.type === "set") {
      for (const item of value) into.add(join(path, `v:${JSON.stringify(item)}`));
      return;
    }
  }
  if (path !== "") into.add(path);
}

/** Every field an object sets (what a manager owns by applying it), leaving out server-owned metadata and status. */
export function fieldsOf(object: Record<string, unknown>, schema: Schema | undefined): FieldSet {
  const set: FieldSet = new Set();
  for (const [key, value] of Object.entries(object)) {
    if (key === "apiVersion" || key === "kind" || key === "status") continue;
    if (key === "metadata" && isPlainObject(value)) {
      const metadataSchema = fieldSchema(schema, "metadata");
      for (const [field, child] of Object.entries(value)) {
        if (!SYSTEM_METADATA.has(field) && child !== undefined) {
          collect(child, fieldSchema(metadataSchema, field), join("f:metadata", `f:${field}`), set);
        }
      }
      continue;
    }
    collect(value, fieldSchema(schema, key), `f:${key}`, set);
  }
  return set;
}

/** Follows one path element; undefined when the value is absent. */
function step(value: unknown, element: string): unknown {
  const kind = element.slice(0, 2);
  const rest = element.slice(2);
  if (kind === "f:") return isPlainObject(value) ? value[rest] : undefined;
  if (!Array.isArray(value)) return undefined;
  if (kind === "k:") {
    const key = parseJsonElement(rest) as Record<string, unknown>;
    return value.find(
      (item) =>
        isPlainObject(item) &&
        Object.entries(key).every(([name, wanted]) => jsonEqual(keyValue(item, name), wanted)),
    );
  }
  if (kind === "v:") {
    const wanted = parseJsonElement(rest);
    return value.find((item) => jsonEqual(item, wanted));
  }
  if (kind === "i:") return value[Number(rest)];
  return undefined;
}

export function valueAt(object: unknown, path: string): unknown {
  let current = object;
  for (const element of split(path)) {
    current = step(current, element);
    if (current === undefined) return undefined;
  }
  return current;
}

/** Removes the field or list item at `path` (in place); missing paths are ignored. */
export function removeAt(object: unknown, path: string): void {
  const elements = split(path);
  const last = elements.at(-1)!;
  let parent = object;
  for (const element of elements.slice(0, -1)) parent = step(parent, element);
  if (last.startsWith("f:")) {
    if (isPlainObject(parent)) removeKey(parent, last.slice(2));
    return;
  }
  if (!Array.isArray(parent)) return;
  const item = step(parent, last);
  const index = parent.indexOf(item);
  if (index >= 0) parent.splice(index, 1);
}

/** Whether `path` is an item marker (".") rather than a leaf value: map-list and set items. */
export function isItemPath(path: string): boolean {
  const last = path.slice(path.lastIndexOf(SEPARATOR) + 1);
  return last.startsWith("k:") || last.startsWith("v:");
}

/** Fields of `after` whose value differs from `before`: what an update changed. */
export function changedFields(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
  schema: Schema | undefined,
): FieldSet {
  const changed: FieldSet = new Set();
  for (const path of fieldsOf(after, schema)) {
    const previous = before === undefined ? undefined : valueAt(before, path);
    if (previous === undefined || (!isItemPath(path) && !jsonEqual(previous, valueAt(after, path))))
      changed.add(path);
  }
  return changed;
}

/** `.spec.template.spec.containers[name="web"].image`: how conflict messages name a field. */
export function describePath(path: string): string {
  return split(path)
    .map((element) => {
      const rest = element.slice(2);
      if (element.startsWith("f:")) return `.${rest}`;
      if (element.startsWith("k:")) {
        const key = JSON.parse(rest) as Record<string, unknown>;
        return `[${Object.entries(key)
          .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
          .join(",")}]`;
      }
      return `[${rest}]`;
    })
    .join("");
}

export function toFieldsV1(set: FieldSet): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  // Shorter paths first, so an item marker exists as a node before its children are added under it.
  for (const path of [...set].sort()) {
    let node = root;
    const elements = split(path);
    elements.forEach((element, index) => {
      const child = (node[element] ??= {}) as Record<string, unknown>;
      if (index === elements.length - 1 && Object.keys(child).length === 0 && isItemPath(path))
        child["."] = {};
      node = child;
    });
  }
  // A node that is a leaf ({}) only because it is an item marker keeps "." only when it has children.
  const prune = (node: Record<string, unknown>): void => {
    for (const child of Object.values(node)) {
      if (!isPlainObject(child)) continue;
      if (Object.keys(child).length === 1 && "." in child) delete child["."];
      prune(child);
    }
  };
  prune(root);
  return root;
}

export function fromFieldsV1(fields: unknown, prefix = "", into: FieldSet = new Set()): FieldSet {
  if (!isPlainObject(fields)) return into;
  const entries = Object.entries(fields);
  if (entries.length === 0 && prefix !== "") into.add(prefix);
  for (const [element, child] of entries) {
    if (element === ".") into.add(prefix);
    else fromFieldsV1(child, join(prefix, element), into);
  }
  return into;
}

/** Whether `set` holds `path` itself or anything beneath it. */
export function ownsWithin(set: FieldSet, path: string): boolean {
  if (set.has(path)) return true;
  const prefix = path + SEPARATOR;
  for (const owned of set) if (owned.startsWith(prefix)) return true;
  return false;
}

export interface ManagerFields {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  subresource?: string;
  fields: FieldSet;
}

export function parseManagedFields(managedFields: unknown): ManagerFields[] {
  if (!Array.isArray(managedFields)) return [];
  return managedFields.filter(isPlainObject).map((entry) => ({
    manager: typeof entry.manager === "string" ? entry.manager : "",
    operation: entry.operation === "Apply" ? "Apply" : "Update",
    apiVersion: typeof entry.apiVersion === "string" ? entry.apiVersion : "",
    time: typeof entry.time === "string" ? entry.time : "",
    ...(typeof entry.subresource === "string" ? { subresource: entry.subresource } : {}),
    fields: fromFieldsV1(entry.fieldsV1),
  }));
}

export function serializeManagedFields(managers: readonly ManagerFields[]): ManagedFieldsEntry[] {
  return managers
    .filter((entry) => entry.fields.size > 0)
    .map((entry) => ({
      manager: entry.manager,
      operation: entry.operation,
      apiVersion: entry.apiVersion,
      time: entry.time,
      fieldsType: "FieldsV1",
      fieldsV1: toFieldsV1(entry.fields),
      ...(entry.subresource ? { subresource: entry.subresource } : {}),
    }));
}

/** Drops ownership of fields that no longer exist in the object. */
export function pruneMissing(managers: ManagerFields[], object: unknown): void {
  for (const entry of managers) {
    for (const path of entry.fields) if (valueAt(object, path) === undefined) entry.fields.delete(path);
  }
}

/**
 * Ownership after a non-apply write (create, update, patch): the writer takes every field it changed, away
 * from everybody else, as the real server does for Update operations.
 */
export function recordUpdate(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
  schema: Schema | undefined,
  writer: { manager: string; apiVersion: string; time: string; subresource?: string },
): ManagedFieldsEntry[] {
  const managers = parseManagedFields(
    before && (before.metadata as Record<string, unknown> | undefined)?.managedFields,
  );
  const changed = changedFields(before, stripManagedFields(after), schema);
  for (const entry of managers) for (const path of changed) entry.fields.delete(path);
  let own = managers.find(
    (entry) =>
      entry.manager === writer.manager &&
      entry.operation === "Update" &&
      entry.subresource === writer.subresource,
  );
  if (!own) {
    own = { ...writer, operation: "Update", fields: new Set() };
    managers.push(own);
  }
  if (changed.size > 0) {
    own.time = writer.time;
    own.apiVersion = writer.apiVersion;
  }
  for (const path of changed) own.fields.add(path);
  pruneMissing(managers, after);
  return serializeManagedFields(managers);
}

export function stripManagedFields<T extends Record<string, unknown>>(object: T): T {
  const metadata = object.metadata;
  if (!isPlainObject(metadata) || !("managedFields" in metadata)) return object;
  const copy = cloneJson(object);
  delete (copy.metadata as Record<string, unknown>).managedFields;
  return copy;
}
