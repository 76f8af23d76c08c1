// Text PostgreSQL cannot store: a NUL character (text and jsonb refuse it) or a lone UTF-16 surrogate (not valid
// UTF-8). JSON can carry both, so any input may: one check of the raw input, before any procedure reads it, turns
// them into BAD_REQUEST naming the field instead of a database error, whatever the procedure's schema (packs' specs
// are `unknown` to the router).
import type { FieldIssue } from "./errors.js";

const MAX_DEPTH = 64;
// With the `u` flag a surrogate pair is one code point, so this matches only a lone (unpaired) surrogate.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** The first string (or object key) in `input` PostgreSQL would refuse, with its path; undefined when none. */
export function malformedText(input: unknown): FieldIssue | undefined {
  return visit(input, "", 0);
}

function problemOf(text: string): string | undefined {
  if (text.includes("\u0000")) return "must not contain a NUL character (\\u0000)";
  if (LONE_SURROGATE.test(text)) return "must be valid Unicode text (it has a lone UTF-16 surrogate)";
  return undefined;
}

function visit(value: unknown, path: string, depth: number): FieldIssue | undefined {
  if (typeof value === "string") {
    const message = problemOf(value);
    return message === undefined ? undefined : { path, message };
  }
  if (value === null || typeof value !== "object") return undefined;
  if (depth > MAX_DEPTH) return { path, message: `is nested more than ${MAX_DEPTH} levels deep` };
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = visit(item, `${path}[${index}]`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const at = path === "" ? key : `${path}.${key}`;
    const keyProblem = problemOf(key);
    if (keyProblem !== undefined)
      return { path: path === "" ? "(a key)" : `${path} (a key)`, message: keyProblem };
    const found = visit(item, at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
