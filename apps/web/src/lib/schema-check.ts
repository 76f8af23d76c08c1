// The cheap half of validation, done as the person types: the pack's own JSON Schema (from `apps.packs`) checked for
// the rules a form can break (required, types, ranges, lengths, patterns, choices). The server checks everything
// again with the pack's zod schema, and its issues take over where this says nothing.
import type { FieldIssue } from "./errors.js";

export interface JsonSchema {
  $schema?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  description?: string;
  default?: unknown;
  /** What a pack says the field is (its `describes`): "image", "env", "ports", "secrets" or "replicas". */
  "x-babyhelm-role"?: string;
}

/**
 * What a pattern means, by the path of the value it checks: a regular expression is no explanation. Worded to follow
 * the field's label ("Image must be…").
 */
const PATTERN_RULES: [RegExp, string][] = [
  [/^name$/, "must be lowercase letters, digits and '-', starting with a letter and not ending with '-'"],
  [/^envs?\[\d+\]\.name$/, "must be letters, digits, '_', '.' and '-', not starting with a digit"],
  [/^secrets\[\d+\]\.name$/, "must be letters, digits, '_', '.' and '-', not starting with a digit"],
  [/^volumes\[\d+\]\.name$/, "must be lowercase letters, digits and '-', starting with a letter"],
  [/\.(size|sizeLimit)$/, "must be a Kubernetes quantity such as 1Gi or 500Mi"],
  [/(mountPath|^files\[\d+\]\.path)$/, "must be an absolute path such as /var/lib/data"],
  [/^ports\[\d+\]\.name$/, "must be at most 15 lowercase letters, digits and '-', with at least one letter"],
  [
    /(^|\.)image$/,
    "must be an image reference such as nginxinc/nginx-unprivileged:1.27 or ghcr.io/org/app:v1, without spaces",
  ],
  [/\.cpu$/, "must be a Kubernetes quantity such as 250m (a quarter of a core) or 1"],
  [/\.memory$/, "must be a Kubernetes quantity such as 128Mi or 1Gi"],
  [/\.host$/, "must be a lowercase host name such as app.example.com"],
  [/\.path$/, "must start with '/' and use only URL path characters"],
  [/[pP]ort$/, "must be a port number or the name of one of the app's ports"],
  [/\.loadBalancerClass$/, "must be a class name such as example.com/internal"],
  [/\.secretName$/, "must be a Secret name: lowercase letters, digits, '-' and '.'"],
  [/\.clusterIssuer$/, "must be a ClusterIssuer name: lowercase letters, digits, '-' and '.'"],
  [/\.className$/, "must be an IngressClass name: lowercase letters, digits, '-' and '.'"],
];

function patternRule(path: string): string {
  return PATTERN_RULES.find(([where]) => where.test(path))?.[1] ?? "is not in the expected format";
}

/** `ports[0].port` from ["ports", 0, "port"]: the server's way of writing paths. */
export function formatPath(path: readonly (string | number)[]): string {
  let text = "";
  for (const key of path) text += typeof key === "number" ? `[${key}]` : text === "" ? key : `.${key}`;
  return text;
}

/** Every rule of `schema` that `value` breaks, with the path of the value that breaks it. */
export function schemaIssues(schema: JsonSchema, value: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  check(schema, value, [], issues);
  return issues;
}

function check(schema: JsonSchema, value: unknown, path: (string | number)[], issues: FieldIssue[]): void {
  const at = (message: string) => {
    issues.push({ path: formatPath(path), message });
  };
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives !== undefined) {
    const results = alternatives.map((alternative) => {
      const found: FieldIssue[] = [];
      check(alternative, value, path, found);
      return found;
    });
    if (results.some((found) => found.length === 0)) return;
    // Report against the alternative the value meant: the one whose `const` tag it carries, else the one of its type.
    let index = alternatives.findIndex((alternative) => constTagMatches(alternative, value));
    if (index === -1) index = alternatives.findIndex((alternative) => typeMatches(alternative, value));
    if (index === -1) at(describeTypes(alternatives));
    else issues.push(...results[index]!);
    return;
  }
  if (schema.const !== undefined && value !== schema.const) {
    at(`must be ${JSON.stringify(schema.const)}`);
    return;
  }
  if (schema.type !== undefined && !typeMatches(schema, value)) {
    at(describeTypes([schema]));
    return;
  }
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    at(`must be one of ${schema.enum.map((option) => JSON.stringify(option)).join(", ")}`);
    return;
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) at(`must be at least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) at(`must be at most ${schema.maximum}`);
  } else if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      at(schema.minLength === 1 ? "must not be empty" : `must be at least ${schema.minLength} characters`);
    } else if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      at(`must be at most ${schema.maxLength} characters`);
    } else if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) {
      at(value === "" ? "must not be empty" : patternRule(formatPath(path)));
    }
  } else if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      at(schema.minItems === 1 ? "needs at least one entry" : `needs at least ${schema.minItems} entries`);
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      at(`takes at most ${schema.maxItems} entries`);
    }
    if (schema.items !== undefined) {
      value.forEach((item, index) => {
        check(schema.items!, item, [...path, index], issues);
      });
    }
  } else if (isRecord(value)) {
    for (const key of schema.required ?? []) {
      if (value[key] === undefined) issues.push({ path: formatPath([...path, key]), message: "is required" });
    }
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      if (value[key] !== undefined) check(property, value[key], [...path, key], issues);
    }
  }
}

function constTagMatches(schema: JsonSchema, value: unknown): boolean {
  if (!isRecord(value)) return false;
  return Object.entries(schema.properties ?? {}).some(
    ([key, property]) => property.const !== undefined && value[key] === property.const,
  );
}

function typeMatches(schema: JsonSchema, value: unknown): boolean {
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length === 0) return true;
  return types.some((type) => {
    switch (type) {
      case "integer":
        return typeof value === "number" && Number.isInteger(value);
      case "number":
        return typeof value === "number" && Number.isFinite(value);
      case "array":
        return Array.isArray(value);
      case "object":
        return isRecord(value);
      case "null":
        return value === null;
      default:
        return typeof value === type;
    }
  });
}

function describeTypes(schemas: readonly JsonSchema[]): string {
  const types = new Set(
    schemas.flatMap((schema) => (Array.isArray(schema.type) ? schema.type : [schema.type])),
  );
  if (types.has("integer") && types.has("string")) return "must be a whole number or a name";
  if (types.has("integer")) return "must be a whole number";
  if (types.has("number")) return "must be a number";
  if (types.has("boolean")) return "must be true or false";
  if (types.has("string")) return "must be text";
  return "has the wrong type";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
