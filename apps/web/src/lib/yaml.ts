// Kubernetes objects as YAML for people to read: block style, two-space indents, strings quoted (as JSON, which is
// valid YAML) whenever a plain scalar could be read as something else. Enough for the manifests the server renders,
// which are plain JSON data; not a general YAML library.

const RESERVED_WORDS = /^(true|false|yes|no|on|off|y|n|null|~)$/i;
const NUMBER_LIKE = /^[-+]?(\.?\d[\d_]*\.?\d*([eE][-+]?\d+)?|\.(inf|nan)|0x[\da-f]+|0o[0-7]+)$/i;
const PLAIN = /^[A-Za-z0-9_/.$][A-Za-z0-9_/.$@%+:-]*(?: [A-Za-z0-9_/.$@%+:()-]+)*$/;

function scalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const plain =
    PLAIN.test(text) &&
    !RESERVED_WORDS.test(text) &&
    !NUMBER_LIKE.test(text) &&
    !text.includes(": ") &&
    !text.endsWith(":");
  return plain ? text : JSON.stringify(text);
}

function key(name: string): string {
  return scalar(name);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isEmptyCollection(value: unknown): boolean {
  return (Array.isArray(value) && value.length === 0) || (isRecord(value) && Object.keys(value).length === 0);
}

function lines(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (isEmptyCollection(item) || !(Array.isArray(item) || isRecord(item))) {
        return [`${indent}- ${inline(item)}`];
      }
      // The first line of a nested block goes after the dash; the rest keep its indent.
      const [first = "", ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${first.slice(indent.length + 2)}`, ...rest];
    });
  }
  if (isRecord(value)) {
    return Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .flatMap(([name, item]) =>
        (Array.isArray(item) || isRecord(item)) && !isEmptyCollection(item)
          ? [`${indent}${key(name)}:`, ...lines(item, Array.isArray(item) ? indent : `${indent}  `)]
          : [`${indent}${key(name)}: ${inline(item)}`],
      );
  }
  return [`${indent}${scalar(value)}`];
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return "[]";
  if (isRecord(value)) return "{}";
  return scalar(value);
}

/** One document. */
export function toYaml(value: unknown): string {
  return `${lines(value, "").join("\n")}\n`;
}

/** Several documents, separated by `---` as `kubectl apply -f` reads them. */
export function toYamlDocuments(values: readonly unknown[]): string {
  return values.map((value) => toYaml(value)).join("---\n");
}
