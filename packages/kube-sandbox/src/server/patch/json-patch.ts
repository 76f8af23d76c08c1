// RFC 6902 JSON patch with RFC 6901 pointers.
import { cloneJson, isPlainObject, jsonEqual, removeKey } from "../../store/clone.js";
import { ApiError, badRequest } from "../status.js";

interface Operation {
  op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw badRequest(`invalid JSON pointer: "${pointer}"`);
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
}

type Container = Record<string, unknown> | unknown[];

/** Walks to the parent of the pointer's last token. */
function locate(document: unknown, pointer: string): { parent: Container; key: string } {
  const tokens = parsePointer(pointer);
  const key = tokens.pop();
  if (key === undefined) throw badRequest("the root of the document cannot be patched");
  let current: unknown = document;
  for (const token of tokens) {
    current = Array.isArray(current)
      ? current[Number(token)]
      : isPlainObject(current)
        ? current[token]
        : undefined;
    if (current === undefined) throw unprocessable(`doc is missing path: "${pointer}"`);
  }
  if (!Array.isArray(current) && !isPlainObject(current))
    throw unprocessable(`doc is missing path: "${pointer}"`);
  return { parent: current, key };
}

function unprocessable(message: string): ApiError {
  return new ApiError(422, "Invalid", message);
}

function arrayIndex(list: unknown[], key: string, allowEnd: boolean): number {
  if (key === "-" && allowEnd) return list.length;
  const index = Number(key);
  if (!/^\d+$/.test(key) || index > list.length || (!allowEnd && index === list.length)) {
    throw unprocessable(`array index out of bounds: ${key}`);
  }
  return index;
}

function read(document: unknown, pointer: string): unknown {
  if (pointer === "") return document;
  const { parent, key } = locate(document, pointer);
  const value = Array.isArray(parent) ? parent[arrayIndex(parent, key, false)] : parent[key];
  if (value === undefined) throw unprocessable(`doc is missing path: "${pointer}"`);
  return value;
}

function add(document: unknown, pointer: string, value: unknown): void {
  const { parent, key } = locate(document, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, value);
  else parent[key] = value;
}

function remove(document: unknown, pointer: string): void {
  const { parent, key } = locate(document, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false), 1);
  else {
    if (!(key in parent)) throw unprocessable(`doc is missing path: "${pointer}"`);
    removeKey(parent, key);
  }
}

export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw badRequest("json patch must be a list of operations");
  const document = cloneJson(target);
  for (const operation of patch as Operation[]) {
    if (!isPlainObject(operation) || typeof operation.path !== "string") {
      throw badRequest("json patch operations need an op and a path");
    }
    switch (operation.op) {
      case "add":
        add(document, operation.path, cloneJson(operation.value));
        break;
      case "remove":
        remove(document, operation.path);
        break;
      case "replace":
        read(document, operation.path);
        remove(document, operation.path);
        add(document, operation.path, cloneJson(operation.value));
        break;
      case "move": {
        const value = read(document, operation.from ?? "");
        remove(document, operation.from ?? "");
        add(document, operation.path, value);
        break;
      }
      case "copy":
        add(document, operation.path, cloneJson(read(document, operation.from ?? "")));
        break;
      case "test":
        if (!jsonEqual(read(document, operation.path), operation.value)) {
          throw unprocessable(`testing value ${operation.path} failed`);
        }
        break;
      default:
        throw badRequest(`unknown json patch operation: ${String((operation as { op: unknown }).op)}`);
    }
  }
  return document;
}
