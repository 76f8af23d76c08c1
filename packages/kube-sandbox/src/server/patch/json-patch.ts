// PATCH with application/json-patch+json (RFC 6902). fast-json-patch applies the operations; this module turns a
// patch that is malformed (400) or does not apply (422, naming the path) into the Status the sandbox answers with,
// refuses what the library would let through (a root path, an empty array index, inherited names such as
// "/toString"), and works on a copy so the stored object is never touched.
import jsonPatch, { type Operation } from "fast-json-patch";
import { isPlainObject, jsonEqual } from "../../store/clone.js";
import { ApiError, badRequest } from "../status.js";

// The default import because the package's CommonJS build fills its exports with Object.assign, which Node cannot
// turn into named ESM exports.
const { applyOperation, deepClone, JsonPatchError, unescapePathComponent } = jsonPatch;

// Checked here, not by the library: it also runs its internal `_get`, and it looks operation names up on a plain
// object, so "toString" would pass for one.
const OPERATIONS = new Set(["add", "remove", "replace", "move", "copy", "test"]);

function unprocessable(message: string): ApiError {
  return new ApiError(422, "Invalid", message);
}

/**
 * Runs one library operation on `document` in place. Validated, because without validation the library skips a
 * missing path silently or fails on it with a TypeError.
 */
function perform(document: unknown, step: Operation): ReturnType<typeof applyOperation> {
  // The library reads a pointer without its leading "/" as if it had one, and replaces the whole document at "".
  if (step.path !== "" && !step.path.startsWith("/"))
    throw badRequest(`invalid JSON pointer: "${step.path}"`);
  if (step.path === "" && step.op !== "_get") throw badRequest("the root of the document cannot be patched");
  // It also reads an empty array token as index 0 rather than as no element.
  if (
    step.op === "add" &&
    step.path.endsWith("/") &&
    Array.isArray(tryRead(document, step.path.slice(0, -1)))
  ) {
    throw unresolved(document, step.path);
  }
  try {
    return applyOperation(document, step, true, true, true);
  } catch (error) {
    if (error instanceof JsonPatchError) {
      switch (error.name) {
        case "OPERATION_VALUE_REQUIRED":
          throw badRequest(`json patch ${step.op} operations need a value`);
        case "OPERATION_PATH_UNRESOLVABLE":
        case "OPERATION_PATH_CANNOT_ADD":
        case "OPERATION_PATH_ILLEGAL_ARRAY_INDEX":
        case "OPERATION_VALUE_OUT_OF_BOUNDS":
          throw unresolved(document, step.path);
      }
    }
    // The library's guard against prototype pollution, a plain TypeError: the sandbox refuses such a path outright.
    if (error instanceof TypeError && error.message.startsWith("JSON-Patch: modifying `__proto__`")) {
      throw badRequest(
        `json patch paths cannot go through __proto__ or constructor/prototype: "${step.path}"`,
      );
    }
    throw error;
  }
}

/** The value at `pointer`. `_get` is the library's own read; validated, it fails on a path that does not exist. */
function read(document: unknown, pointer: string): unknown {
  const step: Operation = { op: "_get", path: pointer, value: undefined };
  perform(document, step);
  // The library finds inherited names too ("/toString"); JSON holds no functions, so that is no member.
  if (typeof step.value === "function") throw unresolved(document, pointer);
  return step.value;
}

function tryRead(document: unknown, pointer: string): unknown {
  try {
    return read(document, pointer);
  } catch (error) {
    if (error instanceof ApiError) return undefined;
    throw error;
  }
}

/** A path that does not resolve. Under an array that means a bad index, which the message says. */
function unresolved(document: unknown, pointer: string): ApiError {
  const cut = pointer.lastIndexOf("/");
  if (Array.isArray(tryRead(document, pointer.slice(0, cut)))) {
    return unprocessable(`array index out of bounds: ${unescapePathComponent(pointer.slice(cut + 1))}`);
  }
  return unprocessable(`doc is missing path: "${pointer}"`);
}

export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw badRequest("json patch must be a list of operations");
  const document = deepClone(target) as unknown;
  // Cloned because the library inserts the patch's values as they are, and the result must not share them.
  for (const operation of deepClone(patch) as unknown[]) {
    if (!isPlainObject(operation) || typeof operation.path !== "string") {
      throw badRequest("json patch operations need an op and a path");
    }
    const { op, path, from, value } = operation;
    if (typeof op !== "string" || !OPERATIONS.has(op)) {
      throw badRequest(`unknown json patch operation: ${String(op)}`);
    }
    if (op === "move" || op === "copy") {
      if (typeof from !== "string") throw badRequest(`json patch ${op} operations need a "from" pointer`);
      // Run as the read, remove and add that RFC 6902 defines them by, each checked against the document as it is
      // then. The library's own move and copy check the target before the source is removed and then add unchecked:
      // an index past the end appends, and a target inside `from` fails with a TypeError.
      const source = read(document, from);
      if (op === "move") perform(document, { op: "remove", path: from });
      perform(document, { op: "add", path, value: op === "copy" ? (deepClone(source) as unknown) : source });
    } else if (op === "test") {
      // Not the library's test: its comparison calls the value's own hasOwnProperty, which a key can shadow.
      if (!jsonEqual(read(document, path), value)) throw unprocessable(`testing value ${path} failed`);
    } else {
      perform(document, operation as unknown as Operation);
    }
  }
  return document;
}
