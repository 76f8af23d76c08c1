import {
  Document,
  parse,
  parseAllDocuments,
  visit,
  type CreateNodeOptions,
  type DocumentOptions,
  type ToStringOptions,
} from "yaml";
import { ManifestInputError, type InputIssue } from "./errors.js";
import { parseSimpleYaml } from "./fast-yaml.js";
import { describeValue } from "./input.js";
import type { KubernetesObject } from "./types.js";

/** A YAML syntax error with its position, before the caller decides whose fault it is. */
export class YamlSyntaxError extends Error {
  override readonly name = "YamlSyntaxError";
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
  }
}

// Anchors and aliases can expand exponentially ("billion laughs"); yaml's own limit stays on.
const PARSE_OPTIONS = { uniqueKeys: true, prettyErrors: false } as const;
const TO_JS_OPTIONS = { maxAliasCount: 100 } as const;

/** Every non-empty document of a YAML stream, as plain values. Throws YamlSyntaxError on bad YAML. */
export function parseYamlDocuments(text: string): unknown[] {
  const fast = parseSimpleYaml(text);
  if (fast !== undefined) return fast;
  const values: unknown[] = [];
  for (const document of parseAllDocuments(text, PARSE_OPTIONS)) {
    const error = document.errors[0];
    if (error !== undefined) {
      const { line, column } = positionOf(text, error.pos[0]);
      throw new YamlSyntaxError(error.message.split("\n", 1)[0]!, line, column);
    }
    let value: unknown;
    try {
      value = document.toJS(TO_JS_OPTIONS);
    } catch (error) {
      // toJS refuses alias bombs ("Excessive alias count"): bad input, reported where its document starts.
      const { line, column } = positionOf(text, document.range[0]);
      throw new YamlSyntaxError(error instanceof Error ? error.message : String(error), line, column);
    }
    // "---" alone, or a template branch that rendered nothing, is an empty document: it emits nothing.
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

/** 1-based line and column of an offset. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (
    let index = text.indexOf("\n");
    index !== -1 && index < offset;
    index = text.indexOf("\n", index + 1)
  ) {
    line++;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** A single spec (YAML or JSON) as a value, for the CLI. Bad syntax or several documents → ManifestInputError. */
export function parseSpecText(text: string): unknown {
  const documents = parseOrReject(text, "Invalid spec");
  if (documents.length > 1) {
    throw new ManifestInputError(
      [{ path: "", message: `expected one document, found ${documents.length}` }],
      "Invalid spec",
    );
  }
  return documents[0] ?? null;
}

function parseOrReject(text: string, title: string): unknown[] {
  const trimmed = text.trimStart();
  // JSON first: it is much faster than YAML for large files, and YAML is only needed when JSON.parse fails.
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return [JSON.parse(text)];
    } catch {
      // Not strict JSON; YAML flow style may still read it, and otherwise reports the line.
    }
  }
  try {
    return parseYamlDocuments(text);
  } catch (error) {
    if (error instanceof YamlSyntaxError) {
      throw new ManifestInputError(
        [
          {
            path: `line ${error.line}`,
            message: `column ${error.column}: ${error.reason}`,
          },
        ],
        title,
      );
    }
    throw error;
  }
}

/**
 * Kubernetes objects from multi-document YAML, a JSON object or array, or a `kind: List` (expanded to its items).
 * Each must be a mapping with string `apiVersion` and `kind`; everything else is left to validateManifests.
 */
export function parseManifests(text: string): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  const issues: InputIssue[] = [];
  const collect = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        collect(item, `${path}[${index}]`);
      });
      return;
    }
    if (value === null || typeof value !== "object") {
      issues.push({ path, message: `expected a Kubernetes object, received ${describeValue(value)}` });
      return;
    }
    const object = value as Record<string, unknown>;
    if (isList(object)) {
      collect(object.items, `${path}.items`);
      return;
    }
    for (const field of ["apiVersion", "kind"] as const) {
      if (typeof object[field] !== "string" || object[field] === "") {
        issues.push({ path: `${path}.${field}`, message: "required: a non-empty string" });
      }
    }
    const metadata = object.metadata;
    if (
      metadata !== undefined &&
      (metadata === null || typeof metadata !== "object" || Array.isArray(metadata))
    ) {
      issues.push({
        path: `${path}.metadata`,
        message: `expected an object, received ${describeValue(metadata)}`,
      });
    }
    objects.push(object as KubernetesObject);
  };
  parseOrReject(text, "Invalid manifests").forEach((document, index) => {
    collect(document, `documents[${index}]`);
  });
  if (issues.length > 0) throw new ManifestInputError(issues, "Invalid manifests");
  return objects;
}

function isList(object: Record<string, unknown>): boolean {
  return typeof object.kind === "string" && object.kind.endsWith("List") && Array.isArray(object.items);
}

const STRINGIFY_OPTIONS: DocumentOptions & CreateNodeOptions & ToStringOptions = {
  aliasDuplicateObjects: false,
  lineWidth: 0,
  minContentWidth: 0,
  version: "1.2",
};

// Plain words YAML 1.1 readers (kubectl's go-yaml among them) would turn into booleans, numbers, nulls or dates.
const YAML_11_CANDIDATE = /^[-+.~0-9A-Za-z_: ]{1,40}$/;
// A block scalar's indentation is taken from its first non-empty line, and the yaml package writes no indentation
// indicator when the lines before it hold only spaces or tabs, so those would read back as part of the indentation
// (" \n" and "\n \n" lost their spaces). Text that starts with such a line is written double-quoted instead.
const LEADING_BLANK_LINE_WITH_SPACES = /^[ \t\n]*[ \t]\n/;

/**
 * Multi-document YAML of the objects, keys in the given order, no folding. Strings that a YAML 1.1 or 1.2 reader
 * would not read back as the same string (`yes`, `0x10`, `1:20`, `2001-12-14`, leading lines of only spaces) are
 * double-quoted.
 */
export function toYaml(objects: readonly unknown[]): string {
  return objects
    .map((object) => {
      const document = new Document(object, STRINGIFY_OPTIONS);
      visit(document, {
        Scalar(_key, node) {
          if (
            typeof node.value === "string" &&
            (LEADING_BLANK_LINE_WITH_SPACES.test(node.value) || needsQuotesForYaml11(node.value))
          ) {
            node.type = "QUOTE_DOUBLE";
          }
        },
      });
      return document.toString(STRINGIFY_OPTIONS);
    })
    .join("---\n");
}

function needsQuotesForYaml11(value: string): boolean {
  if (!YAML_11_CANDIDATE.test(value)) return value === "";
  try {
    return parse(value, { version: "1.1" }) !== value;
  } catch {
    return true;
  }
}
