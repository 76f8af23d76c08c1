/**
 * Strict validation of Kubernetes manifests against the Kubernetes 1.35 OpenAPI v2 document and the
 * naming and cross-field rules a real API server enforces.
 *
 * What is checked:
 * 1. `apiVersion` and `kind` are present strings (`required`, `type`) and name a kind Kubernetes 1.35
 *    serves (`unknown-kind`, naming the versions that do exist, e.g. `autoscaling/v2` for a removed
 *    `autoscaling/v2beta2` HPA).
 * 2. The schema, deeply: undeclared fields (`unknown-field`), JSON types, integrality and int32/int64
 *    ranges (`type`, `range`), `required`, closed value sets (`enum`, see enums.ts), maps, free-form
 *    objects, and the formats int-or-string, Quantity, date-time and byte (`format`). `status` and
 *    read-only metadata are accepted: they are in the schema.
 * 3. The semantic rules listed in kind-rules.ts (names, labels, ports, env vars, selectors, HPA bounds...).
 *
 * Compiled checks are cached per definition for the life of the process; the 4 MB document is read on
 * first use only.
 */
import { asObject, asString } from "./access.js";
import { invalidValue, IssueSink, jsonTypeOf, type ManifestIssue } from "./issues.js";
import { checkKindRules } from "./kind-rules.js";
import { definitionCheck } from "./openapi-validator.js";
import { findDefinition, knownApiVersions, preloadSchema } from "./schema-index.js";

export { DECODE_RULES, type IssueRule, type ManifestIssue } from "./issues.js";
export { findDefinition, knownApiVersions, preloadSchema, type KindDefinition } from "./schema-index.js";
export { quantityValue } from "./formats.js";

/** Options of {@link validateObject}. */
export interface ValidateOptions {
  /**
   * Report fields the schema does not declare (default true). The sandbox turns this off for
   * `fieldValidation=Ignore`, and filters `unknown-field` issues into warnings for `Warn`.
   */
  unknownFields?: boolean;
  /** The object's position in its list, used to name it when it has no usable name (default 0). */
  index?: number;
  /**
   * Validate as a server-side apply configuration (default false): list-map keys (env names,
   * containerPort+protocol, volume names...) must then be unique, as apply refuses repeats with "duplicate
   * entries for key" while create and update accept them. The sandbox sets it for apply requests.
   */
  serverSideApply?: boolean;
}

/** Options of {@link validateManifests}. */
export type ValidateManifestsOptions = Pick<ValidateOptions, "serverSideApply">;

/**
 * Validates every object of a manifest list and returns all issues found, in order; `[]` when all
 * objects are valid. Never throws for any input: a non-object item is itself an issue. (Only a broken
 * installation, where the vendored spec cannot be read, throws.)
 */
export function validateManifests(
  objects: readonly unknown[],
  options: ValidateManifestsOptions = {},
): ManifestIssue[] {
  // JavaScript callers can pass anything; a lone object is validated as a list of one.
  if (!Array.isArray(objects)) return validateObject(objects, options);
  const issues: ManifestIssue[] = [];
  for (let index = 0; index < objects.length; index++) {
    issues.push(...validateObject(objects[index], { ...options, index }));
  }
  return issues;
}

/**
 * Validates one object (what the sandbox does per request). Never throws for any input.
 *
 * @returns all issues, `[]` when the object is valid
 */
export function validateObject(object: unknown, options: ValidateOptions = {}): ManifestIssue[] {
  const index = options.index ?? 0;
  // Outside the catch below: a missing spec must fail loudly, not pass for a problem with the object.
  preloadSchema();
  try {
    return collectIssues(object, index, options.unknownFields ?? true, options.serverSideApply ?? false);
  } catch (error) {
    // Only values no JSON document can hold get here (a throwing getter or proxy, a cycle through a
    // recursive schema): say so rather than throw, so a caller can always answer with the issues.
    const reason = error instanceof Error ? error.message : String(error);
    return [
      {
        object: `#${index}`,
        path: "",
        message: `Invalid value: not plain JSON data (${reason})`,
        rule: "type",
      },
    ];
  }
}

function collectIssues(
  object: unknown,
  index: number,
  unknownFields: boolean,
  serverSideApply: boolean,
): ManifestIssue[] {
  const manifest = asObject(object);
  if (manifest === undefined) {
    const sink = new IssueSink(`#${index}`, unknownFields, serverSideApply);
    sink.at([], "type", invalidValue(object, `expected a Kubernetes object, got ${jsonTypeOf(object)}`));
    return sink.issues;
  }
  const sink = new IssueSink(objectLabel(manifest, index), unknownFields, serverSideApply);
  const apiVersion = asString(manifest.apiVersion);
  const kind = asString(manifest.kind);
  for (const field of ["apiVersion", "kind"] as const) {
    const value = manifest[field];
    if (value === undefined || value === null || value === "") sink.at([field], "required", "Required value");
    else if (typeof value !== "string") {
      sink.at([field], "type", invalidValue(value, `expected string, got ${jsonTypeOf(value)}`));
    }
  }
  if (!apiVersion || !kind) return sink.issues;
  const definition = findDefinition(apiVersion, kind);
  if (definition === undefined) {
    sink.at(["apiVersion"], "unknown-kind", unknownKindMessage(apiVersion, kind));
    return sink.issues;
  }
  definitionCheck(definition.definition)(manifest, sink);
  checkKindRules(manifest, definition, sink);
  return sink.issues;
}

function unknownKindMessage(apiVersion: string, kind: string): string {
  const message = `no matches for kind ${JSON.stringify(kind)} in version ${JSON.stringify(apiVersion)}`;
  const known = knownApiVersions(kind);
  return known.length === 0
    ? `${message}: Kubernetes 1.35 has no kind ${JSON.stringify(kind)}`
    : `${message}: Kubernetes 1.35 serves ${kind} as ${known.join(", ")}`;
}

/** `Deployment/web (namespace shop)`, or `#2 (Deployment)` / `#2` without a usable name. */
function objectLabel(object: Record<string, unknown>, index: number): string {
  const kind = asString(object.kind) || undefined;
  const meta = asObject(object.metadata);
  const name = asString(meta?.name);
  if (!name || kind === undefined) return kind === undefined ? `#${index}` : `#${index} (${kind})`;
  const namespace = asString(meta?.namespace);
  return namespace ? `${kind}/${name} (namespace ${namespace})` : `${kind}/${name}`;
}
