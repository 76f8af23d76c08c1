import { describe, expect, it } from "vitest";
import {
  appDocumentToYaml,
  formatIssue,
  ManifestInputError,
  parseAppDocument,
  sameAppSpec,
} from "../src/index.js";

function issuesOf(text: string, options?: { name?: string }): string[] {
  try {
    parseAppDocument(text, options);
  } catch (error) {
    if (error instanceof ManifestInputError) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error("expected the document to be refused");
}

describe("the app document", () => {
  const spec = { image: "nginx:1.27", ports: [{ port: 80 }], env: [{ name: "A", value: "yes" }] };

  it("reads back what it writes, the spec without its name", () => {
    const text = appDocumentToYaml({ name: "web", pack: "default@2.0.0", spec: { name: "web", ...spec } });
    expect(text).toMatch(
      /^# BabyHelm app: .*\nname: web\npack: default@2\.0\.0\nspec:\n {2}image: nginx:1\.27\n/,
    );
    // A YAML 1.1 word stays a string.
    expect(text).toContain('value: "yes"');
    expect(parseAppDocument(text)).toEqual({ name: "web", pack: "default@2.0.0", spec });
  });

  it("takes a bare spec named by the option or by itself, and JSON", () => {
    expect(parseAppDocument("image: nginx:1.27\n", { name: "api" })).toEqual({
      name: "api",
      spec: { image: "nginx:1.27" },
    });
    expect(parseAppDocument('{"name":"api","image":"nginx:1.27"}')).toEqual({
      name: "api",
      spec: { image: "nginx:1.27" },
    });
  });

  it("names each wrong field", () => {
    expect(issuesOf("- a\n- b\n")).toEqual(["expected a mapping ({ name, pack, spec }), received a list"]);
    expect(issuesOf("name: web\nspec: 3\npack: 2\nimage: x\n")).toEqual([
      "spec: expected a mapping, received a number",
      "image: unknown field: an app document has name, pack and spec",
      "pack: must be a pack reference such as default@2",
    ]);
    expect(issuesOf("image: nginx\n")).toEqual(["name: required: the app's name (or pass --name)"]);
    expect(issuesOf("name: web\nspec:\n  name: api\n", { name: "web" })).toEqual([
      'spec.name: must be the app\'s name "web" (or be left out)',
    ]);
    expect(issuesOf("name: web\nspec: {}\n", { name: "api" })).toEqual(['name: is "web", not "api"']);
  });

  it("compares a spec with what runs, key order and the stored name aside", () => {
    const running = {
      name: "web",
      env: [{ value: "yes", name: "A" }],
      ports: [{ port: 80 }],
      image: "nginx:1.27",
    };
    expect(sameAppSpec(running, spec)).toBe(true);
    expect(sameAppSpec(running, { ...spec, image: "nginx:1.28" })).toBe(false);
    expect(sameAppSpec(running, { ...spec, replicas: 2 })).toBe(false);
    expect(sameAppSpec(running, { ...spec, ports: [{ port: 80 }, { port: 81 }] })).toBe(false);
    expect(sameAppSpec(running, { ...spec, ports: { 0: { port: 80 } } })).toBe(false);
    expect(sameAppSpec(null, spec)).toBe(false);
  });

  it("leaves the platform-filled secretsVersion out of documents and comparisons", () => {
    const stored = {
      name: "web",
      ...spec,
      secrets: [{ name: "DB_PASSWORD" }],
      secretsVersion: "v2-0a1b2c3d",
    };
    const written = { ...spec, secrets: [{ name: "DB_PASSWORD" }] };
    expect(sameAppSpec(stored, written)).toBe(true);
    expect(sameAppSpec(stored, { ...written, secretsVersion: "v1-ffffffff" })).toBe(true);
    expect(sameAppSpec(stored, spec)).toBe(false);
    const text = appDocumentToYaml({ name: "web", pack: "default@2.1.0", spec: stored });
    expect(text).not.toContain("secretsVersion");
    expect(parseAppDocument(text).spec).toEqual(written);
  });
});
