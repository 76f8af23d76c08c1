// fieldValidation (Strict | Warn | Ignore) and object validation, through the manifest SDK's validator, with the
// API server's outcomes: decoding problems are 400s (or warnings), validation problems are 422 Invalid with causes.
import { validateObject } from "@babyhelm/manifest-sdk";
import { apiVersionOf, type ResourceInfo } from "../resources.js";
import { isPlainObject, removeKey } from "../store/clone.js";
import { fieldSchema, itemSchema, listSemantics, schemaForKind, type Schema } from "./schema.js";
import { ApiError, badRequest, invalid, type StatusCause } from "./status.js";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export function parseFieldValidation(value: string | null, fallback: FieldValidation): FieldValidation {
  if (value === null || value === "") return fallback;
  if (value === "Strict" || value === "Warn" || value === "Ignore") return value;
  throw badRequest(`fieldValidation parameter unsupported: ${value}, supported values: Ignore, Strict, Warn`);
}

const CAUSE_REASONS: [prefix: string, reason: string][] = [
  ["Required value", "FieldValueRequired"],
  ["Unsupported value", "FieldValueNotSupported"],
  ["Duplicate value", "FieldValueDuplicate"],
  ["Too long", "FieldValueTooLong"],
  ["Too many", "FieldValueTooMany"],
  ["Forbidden", "FieldValueForbidden"],
];

function causeReason(message: string): string {
  return CAUSE_REASONS.find(([prefix]) => message.startsWith(prefix))?.[1] ?? "FieldValueInvalid";
}

type PathSegment = string | number;

/** Parses the validator's paths (`spec.containers[0].env`, `metadata.labels["a/b"]`) back into segments. */
export function parseFieldPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const pattern = /\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < path.length && (match = pattern.exec(path)) !== null) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3]!) as string);
  }
  return segments;
}

function removeField(object: unknown, segments: PathSegment[]): void {
  let current = object;
  for (const segment of segments.slice(0, -1)) {
    current =
      isPlainObject(current) || Array.isArray(current)
        ? (current as Record<PathSegment, unknown>)[segment]
        : undefined;
  }
  const last = segments.at(-1);
  if (isPlainObject(current) && typeof last === "string") removeKey(current, last);
}

export interface ValidationOutcome {
  /** Warning texts for `Warning: 299 - "..."` headers (fieldValidation=Warn). */
  warnings: string[];
}

/**
 * Validates a write's resulting object. Unknown fields: 400 under Strict, warnings under Warn, silently pruned
 * (from `object`, in place) under Ignore, as the real server prunes what it cannot decode. Type errors are 400s
 * ("cannot be handled as a Deployment"); everything else is a 422 with one cause per problem.
 */
export function validateWrite(
  info: ResourceInfo,
  object: Record<string, unknown>,
  mode: FieldValidation,
): ValidationOutcome {
  const issues = validateObject(object);
  const unknown = issues.filter((issue) => issue.rule === "unknown-field");
  const warnings: string[] = [];
  if (unknown.length > 0) {
    if (mode === "Strict") {
      throw badRequest(`strict decoding error: ${unknown.map((issue) => issue.message).join(", ")}`);
    }
    if (mode === "Warn") warnings.push(...unknown.map((issue) => issue.message));
    for (const issue of unknown) removeField(object, parseFieldPath(issue.path));
  }
  const typeErrors = issues.filter((issue) => issue.rule === "type");
  if (typeErrors.length > 0) {
    const [first] = typeErrors;
    throw badRequest(
      `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: ${first!.path}: ${first!.message}`,
    );
  }
  const problems = issues.filter((issue) => issue.rule !== "unknown-field" && issue.rule !== "type");
  if (problems.length > 0) {
    const causes: StatusCause[] = problems.map((issue) => ({
      reason: causeReason(issue.message),
      message: issue.message,
      field: issue.path,
    }));
    const metadata = isPlainObject(object.metadata) ? object.metadata : {};
    const name = typeof metadata.name === "string" ? metadata.name : "";
    throw invalid(info, name, causes);
  }
  return { warnings };
}

/** structured-merge-diff's rendering of a list item in a path: by key (`[name="web"]`), by value, or by index. */
function pathElement(list: Schema | undefined, item: unknown, index: number): string {
  const semantics = listSemantics(list);
  if (semantics.type === "map" && isPlainObject(item)) {
    // A key field left out has its default where the schema gives one: protocol is the only such key field.
    const parts = semantics.keys.map(
      (key) => `${key}=${JSON.stringify(item[key] ?? (key === "protocol" ? "TCP" : null))}`,
    );
    return `[${parts.join(",")}]`;
  }
  if (semantics.type === "set") return `[=${JSON.stringify(item)}]`;
  return `[${index}]`;
}

/**
 * Server-side apply first turns the applied configuration into a typed object, which refuses a repeated list-map
 * key (env names, containerPort+protocol, container names...) that create and update accept. The real API server
 * answers a 500 whose message is structured-merge-diff's, for example
 * `failed to create typed patch object (shop/web; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="web"].env: duplicate entries for key [name="A"]`
 * (that error is not a Status there, hence the 500 and no reason). Only the configuration counts: applying to an
 * object that already holds duplicates (made by create or update) works, as it does on a real cluster.
 */
export function checkApplyConfiguration(
  info: ResourceInfo,
  config: Record<string, unknown>,
  namespace: string | undefined,
): void {
  const apiVersion = apiVersionOf(info);
  const schema = schemaForKind(apiVersion, info.kind);
  const errors = new Set<string>();
  for (const issue of validateObject(config, { serverSideApply: true, unknownFields: false })) {
    const segments = parseFieldPath(issue.path);
    // List-map duplicates are reported on the repeated item itself (`...env[2]`); other duplicate rules (port names,
    // which are no list key) name a field inside it and are ordinary validation errors.
    const index = segments.at(-1);
    if (issue.rule !== "duplicate" || typeof index !== "number") continue;
    let value: unknown = config;
    let current: Schema | undefined = schema;
    let path = "";
    for (const segment of segments.slice(0, -1)) {
      const container: unknown = value;
      value = (container as Record<string | number, unknown> | undefined)?.[segment];
      if (typeof segment === "number") {
        path += pathElement(current, value, segment);
        current = itemSchema(current);
      } else {
        path += `.${segment}`;
        current = fieldSchema(current, segment);
      }
    }
    const item = Array.isArray(value) ? (value as unknown[])[index] : undefined;
    errors.add(`${path}: duplicate entries for key ${pathElement(current, item, index)}`);
  }
  if (errors.size === 0) return;
  const metadata = isPlainObject(config.metadata) ? config.metadata : {};
  const name = typeof metadata.name === "string" ? metadata.name : "";
  const gvk = `${info.group}/${info.version}, Kind=${info.kind}`;
  // In path order, as structured-merge-diff walks fields sorted by name.
  const list = [...errors].sort();
  const detail = list.length === 1 ? list[0]! : ["errors:", ...list.map((error) => `  ${error}`)].join("\n");
  throw new ApiError(
    500,
    "",
    `failed to create typed patch object (${namespace ?? ""}/${name}; ${gvk}): ${detail}`,
  );
}
