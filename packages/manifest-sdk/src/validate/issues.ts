/**
 * What a validation issue is, and the sink that collects issues while one object is walked.
 *
 * Paths are kept as a stack of segments and only turned into text when an issue is reported, so a
 * valid object costs no string building at all. The text form is the SDK's one (`a.b[0]["x/y"]`, see
 * ../paths.ts), so validation issues and input issues name fields alike.
 */
import { appendPath, formatPath } from "../paths.js";

/**
 * The closed set of reasons an object can be refused.
 *
 * Decode-time rules (what a real API server rejects with 400 while decoding, before validation):
 * - `unknown-field`: a field the schema does not declare (strict decoding error).
 * - `type`: the JSON type is wrong (a string where an integer is expected, a non-object in the list...).
 *
 * Validation rules (what a real API server answers with 422 Invalid, one cause per issue):
 * - `required`: a required field is missing, null or empty.
 * - `enum`: a value outside the field's closed set of values.
 * - `format`: a string that does not parse as its format (quantity, date-time, base64 bytes).
 * - `name`: a name, label, annotation key, port name or env var name that breaks its naming rule.
 * - `range`: a number (or a size) outside its allowed range.
 * - `duplicate`: a value that must be unique is repeated (container names, port names, and with
 *   `serverSideApply` any list-map key such as env names).
 * - `invalid`: a cross-field rule (selector does not match the template labels, forbidden combinations).
 * - `unknown-kind`: no schema for this `apiVersion`/`kind` pair, or they are missing.
 */
export type IssueRule =
  | "unknown-field"
  | "type"
  | "required"
  | "enum"
  | "format"
  | "name"
  | "range"
  | "duplicate"
  | "invalid"
  | "unknown-kind";

/** The rules a real API server reports while decoding (HTTP 400) rather than validating (HTTP 422). */
export const DECODE_RULES: ReadonlySet<IssueRule> = new Set<IssueRule>(["unknown-field", "type"]);

/** One problem found in one object. */
export interface ManifestIssue {
  /**
   * Which object: `Deployment/web`, `Deployment/web (namespace shop)`, or, without a usable name,
   * `#2 (Deployment)` / `#2` where 2 is the object's 0-based position in the validated array.
   */
  object: string;
  /**
   * The field path, e.g. `spec.template.spec.containers[0].ports[1].containerPort` or
   * `metadata.labels["app.kubernetes.io/name"]`; the empty string means the object itself.
   */
  path: string;
  /**
   * What is wrong, worded like the API server's field errors (`Required value`,
   * `Invalid value: 70000: must be between 1 and 65535, inclusive`, `unknown field "spec.replicaz"`).
   */
  message: string;
  rule: IssueRule;
}

/** A field name or an array index. */
export type PathSegment = string | number;

/** Renders a value for a message the way the API server's `Invalid value: ...` does, kept short. */
export function describeValue(value: unknown): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (Array.isArray(value)) return "[...]";
  if (typeof value === "object") return "{...}";
  return typeof value;
}

/** The API server's `field.Invalid` wording: `Invalid value: 70000: must be between 1 and 65535, inclusive`. */
export function invalidValue(value: unknown, detail: string): string {
  return `Invalid value: ${describeValue(value)}: ${detail}`;
}

/** The API server's `field.Duplicate` wording. */
export function duplicateValue(value: unknown): string {
  return `Duplicate value: ${describeValue(value)}`;
}

/** The JSON type name of a value, as used in type messages. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** Collects the issues of one object while the schema walker keeps `path` at its current position. */
export class IssueSink {
  readonly issues: ManifestIssue[] = [];
  /** The walker's current position; pushed and popped around each child. */
  readonly path: PathSegment[] = [];

  constructor(
    readonly object: string,
    /** Whether undeclared fields are reported (the sandbox turns this off for `fieldValidation=Ignore`). */
    readonly unknownFields: boolean,
    /** Whether the stricter rules of a server-side apply configuration hold (unique list-map keys). */
    readonly serverSideApply = false,
  ) {}

  /** Reports at the current position, or at its `child` when given. */
  here(rule: IssueRule, message: string, child?: PathSegment): void {
    const path = formatPath(this.path);
    this.report(child === undefined ? path : appendPath(path, child), rule, message);
  }

  /** Reports an undeclared field `key` under the current position, worded like strict decoding. */
  unknownField(key: string): void {
    const path = appendPath(formatPath(this.path), key);
    this.issues.push({
      object: this.object,
      path,
      message: `unknown field ${JSON.stringify(path)}`,
      rule: "unknown-field",
    });
  }

  /** Reports at an explicit path, for rules that look at an object from the top. */
  at(path: readonly PathSegment[], rule: IssueRule, message: string): void {
    this.report(formatPath(path), rule, message);
  }

  private report(path: string, rule: IssueRule, message: string): void {
    this.issues.push({ object: this.object, path, message, rule });
  }
}
