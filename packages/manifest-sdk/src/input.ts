import { z } from "zod";
import { ManifestInputError, PackError, type InputIssue } from "./errors.js";
import { appendPath, formatPath } from "./paths.js";

/** Deeper inputs are rejected before any recursive code (ours or zod's) can run out of stack. */
export const MAX_INPUT_DEPTH = 64;
/** An app spec has tens of values; a cap keeps a hostile 10^8-element array from costing seconds and gigabytes. */
export const MAX_INPUT_VALUES = 100_000;

/**
 * Copies an untrusted input into plain JSON-like data, collecting what makes it unusable. Validating a snapshot
 * instead of the caller's object means no getter, proxy trap or prototype runs during schema parsing, so anything
 * zod throws afterwards is the pack's fault, not the input's.
 */
export function snapshotInput(input: unknown, issues: InputIssue[]): unknown {
  if (!isPlainObject(input)) {
    issues.push({ path: "", message: `expected an object, received ${describeValue(input)}` });
    return undefined;
  }
  try {
    const copy = new PlainCopy().copy(input, 0);
    if (copy !== NOT_PLAIN) return copy;
  } catch {
    // A getter or proxy trap threw: the careful copy below reports where.
  }
  return new Snapshot(issues).copy(input);
}

/** The fast copy met something that is an input issue (or may be one): the careful copy then finds and names it. */
const NOT_PLAIN = Symbol("not plain data");

/**
 * The copy of a valid input, in one pass without the bookkeeping that naming an issue needs (the path, the set of
 * ancestors, a try per field): almost every input is valid, so renders pay for that bookkeeping only when something
 * is wrong. A cycle is caught by the depth limit. Anything unusual gives up, so Snapshot alone decides what is an
 * issue (a getter then runs twice, as it may on any read).
 */
class PlainCopy {
  private values = 0;

  copy(value: unknown, depth: number): unknown {
    if (++this.values > MAX_INPUT_VALUES) return NOT_PLAIN;
    if (value === null || typeof value !== "object") {
      const type = typeof value;
      return type === "bigint" || type === "symbol" || type === "function" ? NOT_PLAIN : value;
    }
    if (depth >= MAX_INPUT_DEPTH) return NOT_PLAIN;
    if (Array.isArray(value)) {
      const length = value.length;
      if (length > MAX_INPUT_VALUES) return NOT_PLAIN;
      const copy = new Array<unknown>(length);
      for (let index = 0; index < length; index++) {
        const item = this.copy(value[index], depth + 1);
        if (item === NOT_PLAIN) return NOT_PLAIN;
        copy[index] = item;
      }
      return copy;
    }
    if (!isPlainObject(value)) return NOT_PLAIN;
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      if (key === "__proto__") return NOT_PLAIN;
      const field = this.copy(value[key], depth + 1);
      if (field === NOT_PLAIN) return NOT_PLAIN;
      copy[key] = field;
    }
    return copy;
  }
}

class Snapshot {
  /** The path to the value being copied, formatted only when an issue needs it (the common case has none). */
  private readonly path: (string | number)[] = [];
  private readonly ancestors = new Set<object>();
  private values = 0;

  constructor(private readonly issues: InputIssue[]) {}

  copy(value: unknown): unknown {
    if (++this.values > MAX_INPUT_VALUES) {
      if (this.values === MAX_INPUT_VALUES + 1)
        this.report(`the input has more than ${MAX_INPUT_VALUES} values`);
      return undefined;
    }
    if (value === null || typeof value !== "object") {
      if (typeof value === "bigint" || typeof value === "symbol" || typeof value === "function") {
        this.report(`expected a JSON value, received ${typeof value}`);
        return undefined;
      }
      return value;
    }
    if (this.path.length >= MAX_INPUT_DEPTH) {
      this.report(`nested deeper than ${MAX_INPUT_DEPTH} levels`);
      return undefined;
    }
    if (this.ancestors.has(value)) {
      this.report("circular reference");
      return undefined;
    }
    this.ancestors.add(value);
    try {
      return Array.isArray(value) ? this.copyArray(value) : this.copyObject(value);
    } catch (error) {
      // A proxy trap (ownKeys, getPrototypeOf) threw: the object cannot be read, which is an input problem.
      this.report(`could not be read: ${errorMessage(error)}`);
      return undefined;
    } finally {
      this.ancestors.delete(value);
    }
  }

  private copyArray(array: readonly unknown[]): unknown[] {
    const length = Math.min(array.length, MAX_INPUT_VALUES + 1);
    const copy = new Array<unknown>(length);
    for (let index = 0; index < length; index++) copy[index] = this.copyField(array, index);
    return copy;
  }

  private copyObject(object: object): Record<string, unknown> | undefined {
    if (!isPlainObject(object)) {
      this.report(`expected a plain object or array, received ${describeValue(object)}`);
      return undefined;
    }
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(object)) {
      if (key === "__proto__") {
        this.path.push(key);
        this.report('the key "__proto__" is not allowed');
        this.path.pop();
        continue;
      }
      copy[key] = this.copyField(object, key);
    }
    return copy;
  }

  private copyField(container: object, key: string | number): unknown {
    this.path.push(key);
    try {
      let value: unknown;
      try {
        value = (container as Record<string | number, unknown>)[key];
      } catch (error) {
        this.report(`could not be read: ${errorMessage(error)}`);
        return undefined;
      }
      return this.copy(value);
    } finally {
      this.path.pop();
    }
  }

  private report(message: string): void {
    this.issues.push({ path: formatPath(this.path), message });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  try {
    const prototype: unknown = Object.getPrototypeOf(value);
    return prototype === Object.prototype || prototype === null;
  } catch {
    return false;
  }
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") {
    try {
      const name: unknown = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)
        ?.constructor?.name;
      return typeof name === "string" && name !== "" && name !== "Object" ? `a ${name}` : "an object";
    } catch {
      return "an object";
    }
  }
  return `a ${typeof value}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Zod's issues as ours: one entry per unknown key, unions summarised unless they have their own message, paths in
 * `a[0].b` form.
 */
export function fromZodIssues(zodIssues: readonly z.core.$ZodIssue[]): InputIssue[] {
  const issues: InputIssue[] = [];
  for (const issue of zodIssues) {
    const path = formatPath(issue.path);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) issues.push({ path: appendPath(path, key), message: "unknown field" });
    } else if (issue.code === "invalid_union") {
      issues.push({ path, message: hasDefaultMessage(issue) ? summariseUnion(issue) : issue.message });
    } else {
      issues.push({ path, message: trimZodPrefix(issue.message) });
    }
  }
  return issues;
}

/**
 * Whether an issue's message is the one zod writes when the schema gives none (z.union(members, { error }) gives
 * one, and a pack's own words say more than any summary of the branches). Zod keeps no trace of where a message came
 * from, so the default is worked out again the way zod does: the global error maps, then "Invalid input".
 */
function hasDefaultMessage(issue: z.core.$ZodIssue): boolean {
  const { customError, localeError } = z.config();
  const raw = issue as unknown as z.core.$ZodRawIssue;
  const fallback = messageOf(customError?.(raw)) ?? messageOf(localeError?.(raw)) ?? "Invalid input";
  return issue.message === fallback;
}

function messageOf(result: ReturnType<z.core.$ZodErrorMap>): string | undefined {
  return typeof result === "string" ? result : (result?.message ?? undefined);
}

function summariseUnion(issue: z.core.$ZodIssueInvalidUnion): string {
  const expected: string[] = [];
  for (const branch of issue.errors) {
    const only = branch.length === 1 ? branch[0] : undefined;
    if (only?.code !== "invalid_type" || only.path.length > 0) return trimZodPrefix(issue.message);
    expected.push(only.expected);
  }
  return expected.length > 0
    ? `expected ${[...new Set(expected)].join(" or ")}`
    : trimZodPrefix(issue.message);
}

function trimZodPrefix(message: string): string {
  return message.startsWith("Invalid input: ") ? message.slice("Invalid input: ".length) : message;
}

/**
 * Validates an untrusted input against a pack schema; returns the parsed values or throws ManifestInputError with
 * every problem found. A schema that throws on plain data is a pack bug and becomes a PackError.
 */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  context: { pack: string; target: string },
): z.output<Schema> {
  const issues: InputIssue[] = [];
  const snapshot = snapshotInput(input, issues);
  if (issues.length > 0) throw new ManifestInputError(issues, inputErrorTitle(context));
  let result: z.ZodSafeParseResult<z.output<Schema>>;
  try {
    result = schema.safeParse(snapshot);
  } catch (error) {
    throw new PackError(`the ${context.target} schema threw while validating input: ${errorMessage(error)}`, {
      pack: context.pack,
      cause: error,
    });
  }
  if (!result.success)
    throw new ManifestInputError(fromZodIssues(result.error.issues), inputErrorTitle(context));
  return result.data;
}

function inputErrorTitle(context: { pack: string; target: string }): string {
  return `Invalid ${context.target} spec for pack ${context.pack}`;
}
