import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { parseSimpleYaml, UNSUPPORTED_CHARACTERS } from "../src/fast-yaml.js";

/** The reference: the non-empty documents the full `yaml` parser reads (an explicit null counts as empty), or "error". */
function fullParse(text: string): unknown[] | "error" {
  const values: unknown[] = [];
  for (const document of parseAllDocuments(text, { uniqueKeys: true })) {
    if (document.errors.length > 0) return "error";
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

function expectSameAsFullParser(text: string): void {
  const fast = parseSimpleYaml(text);
  if (fast === undefined) return;
  const full = fullParse(text);
  expect(full, `full parser rejects what the fast path accepted:\n${text}`).not.toBe("error");
  expect(fast, text).toStrictEqual(full);
}

// Building blocks of pack output, including the awkward ones YAML treats specially.
const plainWords = fc.constantFrom(
  "web",
  "0",
  "00",
  "123456789012345678",
  "_x",
  "a/b",
  "apps/v1",
  "Deployment",
  "TCP",
  "app.kubernetes.io/name",
  "128Mi",
  "100m",
  "nginx:1.27",
  "true",
  "false",
  "null",
  "Null",
  "~",
  "yes",
  "no",
  "on",
  "1",
  "-1",
  "0x10",
  "0o17",
  "1e3",
  ".inf",
  "-.inf",
  ".nan",
  "1_000",
  "010",
  "2001-12-14",
  "a b",
  "a  b",
  "a: b",
  "a:",
  "a #b",
  "a#b",
  "-",
  "- x",
  "-x",
  "&a",
  "*a",
  "!tag",
  "|",
  ">",
  "'q'",
  '"q"',
  "?",
  ":",
  "[a]",
  "{a: 1}",
  "%x",
  "@x",
  "`x",
  "it's",
  "__proto__",
  "<<",
  "=",
  "a,b",
  "--- x",
  "---",
  "...",
  // Characters only a full YAML reader handles, raw rather than escaped by JSON: each must send the text there.
  "x\r",
  "a\rb: c",
  "\u0085x",
  "x\u2028",
  "\ufeffx",
  "\u0001",
  "é",
);
const jsonLike = fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value));
const specialStrings = fc
  .constantFrom(
    "a\nb",
    "\t",
    "\u2028",
    "\u0085",
    "\ufeff",
    "\u007f",
    "\ud800",
    "😀",
    "é",
    "#",
    ": ",
    "---",
    "\\",
    '"',
  )
  .map((value) => JSON.stringify(value));
const scalarText = fc.oneof(plainWords, jsonLike, specialStrings, fc.constant(""));
const keyText = fc.oneof(
  fc.constantFrom(
    "name",
    "a",
    "b",
    "app.kubernetes.io/name",
    "1",
    "true",
    "null",
    "yes",
    "__proto__",
    "<<",
    "a b",
    "-a",
  ),
  fc.string({ maxLength: 6 }).map((value) => JSON.stringify(value)),
);
const line = fc
  .record({
    indent: fc.constantFrom("", "", " ", "  ", "    ", "      ", "\t"),
    dash: fc.constantFrom("", "", "- ", "-   ", "-"),
    key: fc.option(keyText, { nil: undefined }),
    separator: fc.constantFrom(": ", ": ", ":", ":  "),
    value: scalarText,
    comment: fc.constantFrom("", "", "", " # note"),
  })
  .map(({ indent, dash, key, separator, value, comment }) =>
    key === undefined
      ? `${indent}${dash}${value}${comment}`
      : `${indent}${dash}${key}${separator}${value}${comment}`,
  );
const extraLine = fc.constantFrom(
  "---",
  "# comment",
  "",
  "  ",
  "...",
  "--- # c",
  "%YAML 1.2",
  "# c\ra: 1",
  "# \u2028",
  "\ufeff# c",
  '"\u0085": 1',
  "\r",
);

/**
 * Writes a value the way templates do: block mappings and sequences, every scalar and key through JSON.stringify
 * (like `it.json`), sequences either indented or at their key's column, empty collections as JSON.
 */
function packStyle(value: unknown, indent: number, sameColumnSequences: boolean): string {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    return value
      .map((item) => {
        if (isNonEmptyCollection(item)) {
          const nested = packStyle(item, indent + 2, sameColumnSequences);
          return Array.isArray(item) ? `${pad}-\n${nested}` : `${pad}- ${nested.slice(indent + 2)}`;
        }
        return `${pad}- ${JSON.stringify(item)}\n`;
      })
      .join("");
  }
  return Object.entries(value as Record<string, unknown>)
    .map(([key, item]) => {
      const head = `${pad}${JSON.stringify(key)}:`;
      if (!isNonEmptyCollection(item)) return `${head} ${JSON.stringify(item)}\n`;
      const childIndent = Array.isArray(item) && sameColumnSequences ? indent : indent + 2;
      return `${head}\n${packStyle(item, childIndent, sameColumnSequences)}`;
    })
    .join("");
}

function isNonEmptyCollection(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).length > 0;
}

describe("parseSimpleYaml", () => {
  it("reads every pack-style document and gets the same values as JSON", () => {
    const documentValue = fc.dictionary(
      fc.string({ maxLength: 10, unit: "binary" }),
      fc.jsonValue({ maxDepth: 5, stringUnit: "binary" }),
      {
        minKeys: 1,
        maxKeys: 6,
      },
    );
    fc.assert(
      fc.property(
        fc.array(documentValue, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (values, sameColumn) => {
          const text = values.map((value) => packStyle(value, 0, sameColumn)).join("---\n");
          const fast = parseSimpleYaml(text);
          const unsupported = UNSUPPORTED_CHARACTERS.test(text);
          // Never read here with a character only the full parser handles, wherever it is; always read without one.
          if (unsupported) expect(fast, text).toBeUndefined();
          else expect(fast, text).toBeDefined();
          // JSON.parse(JSON.stringify(v)) is the value as the template meant it (-0 becomes 0 and so on).
          if (fast !== undefined) expect(fast).toStrictEqual(JSON.parse(JSON.stringify(values)));
          expectSameAsFullParser(text);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("reads pack-shaped YAML exactly like the full parser", () => {
    const text = [
      "# leading comment",
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata:",
      '  name: "web"',
      "  labels:",
      '    "app.kubernetes.io/name": "web"',
      "spec:",
      "  replicas: 3",
      "  containers:",
      '  - name: "app"',
      '    ports: [{"containerPort":80}]',
      "    env:",
      "      -",
      '        name: "A"',
      "      - null",
      "  empty:",
      "---",
      "---",
      "apiVersion: v1",
      "kind: Service",
    ].join("\n");
    const fast = parseSimpleYaml(text);
    expect(fast).toBeDefined();
    expect(fast).toStrictEqual(fullParse(text));
    expect(fast).toHaveLength(2);
  });

  it("leaves YAML it does not handle to the full parser", () => {
    for (const text of [
      "a: |\n  x\n",
      "a: &x 1\nb: *x\n",
      "a: 'q'\n",
      "a: 1 # c\n",
      "a: b\n  c\n",
      "a:\tb\n",
      "  a: 1\n",
      "a: x\r\n",
      'a: "x"\r\n',
      "# c\ra: 1\n",
      "\ufeffa: 1\n",
      "a: \u0085x\n",
      'a: "\u2028"\n',
      '"\u2029": 1\n',
      'a: ["\u0085"]\n',
      "a:\n  - x\u007f\n",
    ]) {
      expect(parseSimpleYaml(text), text).toBeUndefined();
    }
  });

  it("rejects duplicate keys, in blocks and in JSON flow mappings, like the full parser", () => {
    expect(parseSimpleYaml("a: 1\na: 2\n")).toBeUndefined();
    expect(parseSimpleYaml('a: {"x":1,"x":2}\n')).toBeUndefined();
    expect(fullParse('a: {"x":1,"x":2}\n')).toBe("error");
  });

  it("tells duplicate keys of one mapping from equal keys of nested and sibling mappings", () => {
    const many = (count: number) => Array.from({ length: count }, (_, index) => `k${index}: ${index}`);
    const texts = [
      "a:\n  a: 1\na: 2\n",
      "a:\n  b: 1\nb: 2\n",
      "- a: 1\n  b: 2\n- a: 3\n  a: 4\n",
      "- a: 1\n- a: 2\n",
      `${many(20).join("\n")}\n`,
      `${many(20).join("\n")}\nk3: again\n`,
      `${many(20).join("\n")}\nnested:\n  k3: fine\n`,
      "minReplicas: 1\nmaxReplicas: 2\nspec:\n  maxReplicas: 3\n  minReplicas: 4\n",
    ];
    for (const text of texts) {
      const full = fullParse(text);
      const fast = parseSimpleYaml(text);
      if (full === "error") expect(fast, text).toBeUndefined();
      else expect(fast, text).toStrictEqual(full);
    }
  });

  it("reads integers up to 15 digits itself and leaves longer or zero-led ones to the full parser's rules", () => {
    const text = "a: 0\nb: 7\nc: 123456789012345\nd: 1234567890123456789\ne: 0012\n";
    expect(parseSimpleYaml(text)).toStrictEqual(fullParse(text));
  });

  it("keeps __proto__ as an own key, as the full parser does", () => {
    const [value] = parseSimpleYaml("__proto__:\n  polluted: true\n")!;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value as object)).toEqual(["__proto__"]);
  });

  it("agrees with the full parser on random line soups whenever it answers", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 6, arbitrary: line }, { weight: 1, arbitrary: extraLine }), {
          maxLength: 12,
        }),
        (lines) => {
          expectSameAsFullParser(lines.join("\n"));
        },
      ),
      { numRuns: Number(process.env.SOUP_RUNS ?? 3000) },
    );
  });

  it("agrees with the full parser on documents the yaml package writes", () => {
    const documents = fc.array(
      fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 }),
      {
        minLength: 1,
        maxLength: 3,
      },
    );
    fc.assert(
      fc.property(documents, fc.constantFrom(0, 2), (values, indentSeq) => {
        const text = values
          .map((value) =>
            stringify(value, { indentSeq: indentSeq === 2, lineWidth: 0, defaultStringType: "QUOTE_DOUBLE" }),
          )
          .join("---\n");
        expectSameAsFullParser(text);
        expectSameAsFullParser(values.map((value) => stringify(value, { lineWidth: 0 })).join("---\n"));
      }),
      { numRuns: 500 },
    );
  });
});
