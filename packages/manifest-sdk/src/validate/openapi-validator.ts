/**
 * Compiles OpenAPI v2 schema nodes into validating closures, one per definition, lazily and once.
 *
 * A compiled check walks a value and reports into an `IssueSink`; it never throws and never stops at
 * the first issue. `$ref`s compile to thunks that resolve their target on first call, so compiling a
 * definition costs only its own properties and recursive definitions (JSONSchemaProps) just work.
 */
import { isJsonObject } from "./access.js";
import { FIELD_ENUMS } from "./enums.js";
import { checkBase64, checkDateTime, checkQuantity, INTEGER_BOUNDS } from "./formats.js";
import { describeValue, invalidValue, jsonTypeOf, type IssueSink } from "./issues.js";
import { getDefinition, type SchemaNode } from "./schema-index.js";

/** Validates one value at the sink's current path. */
export type Check = (value: unknown, sink: IssueSink) => void;

const QUANTITY_DEFINITION = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const REF_PREFIX = "#/definitions/";

const compiled = new Map<string, Check>();

/** The compiled check of a named definition, compiled on first request and cached for the process. */
export function definitionCheck(name: string): Check {
  let check = compiled.get(name);
  if (check === undefined) {
    const node = getDefinition(name);
    if (name === QUANTITY_DEFINITION) check = checkQuantityValue;
    else check = node === undefined ? acceptAnything : compileNode(node, name, undefined);
    compiled.set(name, check);
  }
  return check;
}

const acceptAnything: Check = () => undefined;

function reportType(sink: IssueSink, expected: string, value: unknown): void {
  sink.here("type", invalidValue(value, `expected ${expected}, got ${jsonTypeOf(value)}`));
}

/** Quantity decodes from a JSON number or from a string in its own grammar. */
const checkQuantityValue: Check = (value, sink) => {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) reportType(sink, "quantity (string or number)", value);
    return;
  }
  if (typeof value !== "string") {
    reportType(sink, "quantity (string or number)", value);
    return;
  }
  const problem = checkQuantity(value);
  if (problem !== undefined) sink.here("format", invalidValue(value, problem));
};

function compileRef(ref: string): Check {
  const name = ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
  let target: Check | undefined;
  return (value, sink) => {
    (target ??= definitionCheck(name))(value, sink);
  };
}

/**
 * Whether repeated list-map keys are refused on every write or only by server-side apply. The API server's
 * create/update validation refuses most repeats (container and volume names, mount paths, Service ports)
 * but only warns about repeated env names and container ports, which the parent's classic manifests rely on.
 */
type ListUniqueness = "always" | "apply-only";

const CONTAINER_APPLY_ONLY = new Set(["env", "ports"]);
const APPLY_ONLY_UNIQUE: Readonly<Record<string, ReadonlySet<string>>> = {
  "io.k8s.api.core.v1.Container": CONTAINER_APPLY_ONLY,
  "io.k8s.api.core.v1.EphemeralContainer": CONTAINER_APPLY_ONLY,
};

function enumOf(node: SchemaNode, curated: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (curated !== undefined) return new Set(curated);
  const strings = node.enum?.filter((value): value is string => typeof value === "string");
  return strings === undefined || strings.length === 0 ? undefined : new Set(strings);
}

/**
 * @param definition the definition's name when `node` is a whole definition; it selects the curated enums
 * @param allowed the curated enum for the property this node describes (applied to items of an array)
 */
function compileNode(
  node: SchemaNode,
  definition: string | undefined,
  allowed: readonly string[] | undefined,
  uniqueness: ListUniqueness = "always",
): Check {
  if (node.$ref !== undefined) return compileRef(node.$ref);
  switch (node.type) {
    case "object":
      return compileObject(node, definition);
    case "array":
      return compileArray(node, allowed, uniqueness);
    case "string":
      return compileString(node, allowed);
    case "integer":
      return compileInteger(node);
    case "number":
      return (value, sink) => {
        if (typeof value !== "number" || !Number.isFinite(value)) reportType(sink, "number", value);
      };
    case "boolean":
      return (value, sink) => {
        if (typeof value !== "boolean") reportType(sink, "boolean", value);
      };
    default:
      // Untyped nodes are free JSON (apiextensions JSON, JSONSchemaPropsOrBool...), unless they list properties.
      return node.properties === undefined ? acceptAnything : compileObject(node, definition);
  }
}

function compileObject(node: SchemaNode, definition: string | undefined): Check {
  const enums = definition === undefined ? undefined : FIELD_ENUMS[definition];
  const properties = new Map<string, Check>();
  for (const [key, property] of Object.entries(node.properties ?? {})) {
    const uniqueness =
      definition !== undefined && APPLY_ONLY_UNIQUE[definition]?.has(key) ? "apply-only" : "always";
    properties.set(key, compileNode(property, undefined, enums?.[key], uniqueness));
  }
  const required = node.required ?? [];
  const extra = node.additionalProperties;
  const additional = typeof extra === "object" ? compileNode(extra, undefined, undefined) : undefined;
  // An object that declares nothing (FieldsV1, RawExtension) or says so is free-form, as the server decodes it.
  const open =
    extra === true ||
    node["x-kubernetes-preserve-unknown-fields"] === true ||
    (node.properties === undefined && extra === undefined);

  return (value, sink) => {
    if (!isJsonObject(value)) {
      reportType(sink, "object", value);
      return;
    }
    for (const key of Object.keys(value)) {
      const child = value[key];
      const check = properties.get(key) ?? additional;
      if (check === undefined) {
        if (!open && sink.unknownFields) sink.unknownField(key);
        continue;
      }
      // The server decodes an explicit null as "unset", so it is never a type error for a field.
      if (child === null || child === undefined) continue;
      sink.path.push(key);
      check(child, sink);
      sink.path.pop();
    }
    for (const key of required) {
      if (value[key] === undefined || value[key] === null) sink.here("required", "Required value", key);
    }
  };
}

function compileArray(
  node: SchemaNode,
  allowed: readonly string[] | undefined,
  uniqueness: ListUniqueness,
): Check {
  const items = node.items === undefined ? acceptAnything : compileNode(node.items, undefined, allowed);
  const identity = listIdentity(node);
  return (value, sink) => {
    if (!Array.isArray(value)) {
      reportType(sink, "array", value);
      return;
    }
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      sink.path.push(i);
      if (item === null || item === undefined) reportType(sink, "a value", item);
      else items(item, sink);
      sink.path.pop();
    }
    if (identity !== undefined && value.length > 1 && (uniqueness === "always" || sink.serverSideApply)) {
      checkUnique(value, identity, sink);
    }
  };
}

/** What makes an item unique in a list, and how to show it; undefined where items may repeat. */
interface ListIdentity {
  keyOf: (item: unknown) => unknown;
  describe: (item: unknown) => string;
}

/**
 * Lists typed `map` (containers by name, ports by containerPort+protocol, env by name...) and `set`
 * must not repeat an item in an apply configuration: server-side apply refuses them with "duplicate
 * entries for key", while create and update accept them (env names, for instance, with a warning). Key fields the server would default are compared with their default,
 * since that is what it compares: `protocol` is the only one among the map keys of the 1.35 spec.
 */
function listIdentity(node: SchemaNode): ListIdentity | undefined {
  const listType = node["x-kubernetes-list-type"];
  if (listType === "set") {
    return { keyOf: (item) => (typeof item === "object" ? undefined : item), describe: describeValue };
  }
  const keys = node["x-kubernetes-list-map-keys"];
  if (listType !== "map" || keys === undefined || keys.length === 0) return undefined;
  const fieldOf = (item: unknown, key: string): unknown => {
    const field = isJsonObject(item) ? item[key] : undefined;
    return field ?? (key === "protocol" ? "TCP" : undefined);
  };
  const tuple = (item: unknown) => Object.fromEntries(keys.map((key) => [key, fieldOf(item, key)]));
  return {
    keyOf:
      keys.length === 1
        ? (item) => (isJsonObject(item) ? fieldOf(item, keys[0]!) : undefined)
        : (item) =>
            isJsonObject(item) ? keys.map((key) => keyPart(fieldOf(item, key))).join("\u0000") : undefined,
    describe: (item) => JSON.stringify(tuple(item)),
  };
}

/** One field of a composite list-map key, typed so that 80 and "80" stay different. */
function keyPart(field: unknown): string {
  return `${typeof field}:${String(field)}`;
}

function checkUnique(list: readonly unknown[], identity: ListIdentity, sink: IssueSink): void {
  const seen = new Set<unknown>();
  for (let i = 0; i < list.length; i++) {
    const key = identity.keyOf(list[i]);
    if (key === undefined) continue;
    if (seen.has(key)) sink.here("duplicate", `Duplicate value: ${identity.describe(list[i])}`, i);
    seen.add(key);
  }
}

function compileString(node: SchemaNode, allowed: readonly string[] | undefined): Check {
  switch (node.format) {
    case "int-or-string": {
      const [min, max] = INTEGER_BOUNDS.int32!;
      return (value, sink) => {
        if (typeof value === "string") return;
        if (typeof value !== "number" || !Number.isInteger(value)) {
          reportType(sink, "integer or string", value);
          return;
        }
        if (value < min || value > max) sink.here("range", invalidValue(value, "out of int32 range"));
      };
    }
    case "byte":
      return formatted("string (base64)", checkBase64);
    case "date-time":
      return formatted("string (RFC 3339 date-time)", checkDateTime);
    default:
      break;
  }
  const values = enumOf(node, allowed);
  if (values === undefined) {
    return (value, sink) => {
      if (typeof value !== "string") reportType(sink, "string", value);
    };
  }
  const supported = [...values].map((v) => JSON.stringify(v)).join(", ");
  return (value, sink) => {
    if (typeof value !== "string") {
      reportType(sink, "string", value);
      return;
    }
    if (value !== "" && !values.has(value)) {
      sink.here("enum", `Unsupported value: ${describeValue(value)}: supported values: ${supported}`);
    }
  };
}

function formatted(expected: string, problemOf: (value: string) => string | undefined): Check {
  return (value, sink) => {
    if (typeof value !== "string") {
      reportType(sink, expected, value);
      return;
    }
    const problem = problemOf(value);
    if (problem !== undefined) sink.here("format", invalidValue(value, problem));
  };
}

function compileInteger(node: SchemaNode): Check {
  const format = node.format ?? "int64";
  const [min, max] = INTEGER_BOUNDS[format] ?? INTEGER_BOUNDS.int64!;
  return (value, sink) => {
    if (typeof value !== "number" || !Number.isInteger(value)) {
      reportType(sink, "integer", value);
      return;
    }
    if (value < min || value > max) sink.here("range", invalidValue(value, `out of ${format} range`));
  };
}
