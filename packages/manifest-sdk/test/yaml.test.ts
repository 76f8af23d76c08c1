import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ManifestInputError, parseManifests, toYaml } from "../src/index.js";
import { parseYamlDocuments } from "../src/yaml.js";

const awkwardStrings = fc.constantFrom(
  "yes",
  "no",
  "on",
  "off",
  "y",
  "n",
  "null",
  "~",
  "true",
  "0x10",
  "0o17",
  "010",
  "1_000",
  "1:20",
  "2001-12-14",
  "1e3",
  ".inf",
  "-1",
  "",
  " ",
  " lead",
  "trail ",
  "a\nb",
  "a\nb\n",
  "\n",
  " \n",
  " \n\n",
  "  \nx",
  "\t\n",
  " \t\n  y\n",
  "x\n \n",
  "\n \n",
  "a: b",
  "# c",
  "a #b",
  "---",
  "--- x",
  "...",
  "\t",
  "tab\there",
  "é€😀",
  "\u2028",
  "\u0085",
  "\ud800",
  "'",
  '"',
  "\\",
  "- x",
  "[a]",
  "{a}",
  "&a",
  "*a",
  "!t",
  "|",
  ">",
  "%",
  "@",
  "`",
  "x".repeat(1024),
  "a ".repeat(600),
  "line\n".repeat(30),
);
const anyString = fc.oneof(awkwardStrings, fc.string({ unit: "binary", maxLength: 40 }));
const jsonLike = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    anyString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(anyString, tie("value"), { maxKeys: 4, noNullPrototype: true }),
  ),
})).value;
const manifest = fc.record(
  {
    apiVersion: fc.constantFrom("v1", "apps/v1"),
    kind: fc.constantFrom("ConfigMap", "Deployment"),
    metadata: fc.record({ name: anyString }, { noNullPrototype: true }),
    data: fc.dictionary(anyString, jsonLike, { maxKeys: 5, noNullPrototype: true }),
  },
  { noNullPrototype: true },
);

describe("toYaml / parseManifests", () => {
  it("round-trips any JSON-like objects exactly", () => {
    fc.assert(
      fc.property(fc.array(manifest, { maxLength: 3 }), (objects) => {
        expect(parseManifests(toYaml(objects))).toStrictEqual(objects);
      }),
      { numRuns: 700 },
    );
  });

  it("round-trips text made of spaces, tabs and line breaks, which block scalars get wrong most easily", () => {
    const layout = fc.string({ unit: fc.constantFrom(" ", "  ", "\t", "\n", "x", "- ", "#"), maxLength: 12 });
    fc.assert(
      fc.property(layout, (text) => {
        const objects = [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { text } }];
        expect(parseManifests(toYaml(objects))).toStrictEqual(objects);
      }),
      { numRuns: 1000 },
    );
  });

  it("double-quotes a text that starts with lines of only spaces", () => {
    // Written as a block scalar, " \n" read back as "\n": the first line's spaces became indentation.
    for (const text of [" \n", " \n\n", "  \nx", "\t\n", "\n \n", "\n\n  \nx"]) {
      const yaml = toYaml([{ apiVersion: "v1", kind: "A", text }]);
      expect(yaml).toMatch(/^text: "/m);
      expect(parseManifests(yaml)).toStrictEqual([{ apiVersion: "v1", kind: "A", text }]);
    }
  });

  it("round-trips through the parser used for rendering too", () => {
    fc.assert(
      fc.property(
        fc.dictionary(anyString, jsonLike, { minKeys: 1, maxKeys: 5, noNullPrototype: true }),
        (value) => {
          expect(parseYamlDocuments(toYaml([value]))).toStrictEqual([value]);
        },
      ),
      { numRuns: 700 },
    );
  });

  it("writes documents separated by ---, keys in the given order, no folding", () => {
    const long = "word ".repeat(40).trim();
    const text = toYaml([
      { kind: "B", apiVersion: "v1", metadata: { name: "b" }, note: long },
      { apiVersion: "v1", kind: "A", metadata: { name: "a" } },
    ]);
    expect(text).toBe(
      `kind: B\napiVersion: v1\nmetadata:\n  name: b\nnote: ${long}\n---\napiVersion: v1\nkind: A\nmetadata:\n  name: a\n`,
    );
  });

  it("quotes strings that YAML 1.1 readers such as kubectl would read as something else", () => {
    const text = toYaml([{ yes: "on", n: "1:20", date: "2001-12-14", hex: "0x10", word: "web" }]);
    expect(text).toBe('"yes": "on"\n"n": "1:20"\ndate: "2001-12-14"\nhex: "0x10"\nword: web\n');
    const asYaml11 = parse(text, { version: "1.1" }) as Record<string, unknown>;
    expect(asYaml11).toEqual({ yes: "on", n: "1:20", date: "2001-12-14", hex: "0x10", word: "web" });
  });

  it("reads JSON objects, JSON arrays and kind: List", () => {
    const object = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } };
    expect(parseManifests(JSON.stringify(object))).toEqual([object]);
    expect(parseManifests(JSON.stringify([object, object]))).toEqual([object, object]);
    expect(parseManifests(toYaml([{ apiVersion: "v1", kind: "List", items: [object] }]))).toEqual([object]);
    expect(parseManifests("# nothing here\n---\n")).toEqual([]);
  });

  it("reports YAML syntax errors with their line", () => {
    let error: unknown;
    try {
      parseManifests("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a: b\n");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ManifestInputError);
    expect((error as ManifestInputError).issues).toEqual([
      { path: "line 4", message: expect.stringMatching(/^column 9: Nested mappings/) },
    ]);
    expect(() => parseManifests("a: 1\nb: 2\na: 3\n")).toThrow(/line 3: column 1: Map keys must be unique/);
  });

  it("reports documents that are not Kubernetes objects", () => {
    let error: unknown;
    try {
      parseManifests("just a string\n---\nkind: ConfigMap\n");
    } catch (caught) {
      error = caught;
    }
    expect((error as ManifestInputError).issues).toEqual([
      { path: "documents[0]", message: "expected a Kubernetes object, received a string" },
      { path: "documents[1].apiVersion", message: "required: a non-empty string" },
    ]);
  });
});

describe("parseManifests on hostile YAML", () => {
  it("refuses an alias bomb as invalid input", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
    ].join("\n");
    expect(() => parseManifests(bomb)).toThrow(ManifestInputError);
  });
});
