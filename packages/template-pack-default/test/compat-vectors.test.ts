// classic@1 against every vector of the parent project (see test/fixtures/README.md): the shared vectors and ours from
// the parent's schema limits. Render cases deep-equal the expected objects by role; reject cases throw
// ManifestInputError with an issue at the offending field.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validateManifests } from "@babyhelm/manifest-sdk";
import { inputErrorOf, render } from "./helpers/renderer.js";

interface Vector {
  id: string;
  kind: "application" | "project";
  input: unknown;
  parent: { accepted: boolean; error?: string };
  expect: "render" | "reject";
  expected?: Record<string, unknown>;
  relation: "same" | "fixed" | "extension";
  tag?: string;
  /** The offending field of a reject the parent accepted (our own vectors name it; the shared ones have a tag). */
  field?: string;
}

function vectorsOf(file: string): Vector[] {
  return readFileSync(new URL(`./fixtures/${file}`, import.meta.url), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Vector);
}

const sharedVectors = vectorsOf("babyhelm-v1-vectors.jsonl");
const schemaVectors = vectorsOf("classic-parent-schema-vectors.jsonl");
const vectors = [...sharedVectors, ...schemaVectors];

const ROLE_BY_KIND: Record<string, string> = {
  Deployment: "deployment",
  Service: "service",
  HorizontalPodAutoscaler: "hpa",
  Namespace: "namespace",
};

// Cases the parent accepted carry no error to read the field from; their tags say which field is wrong.
const FIELD_OF_FIXED_REJECTS: Record<string, string> = {
  "uppercase and space in name": "name",
  "underscore in name": "name",
  "name starting with a digit (service names must start with a letter)": "name",
  "60-char name (container name over 63)": "name",
  "space in env name": "envs[0].name",
  "space in image": "image",
};

/** The parent's "<code> at envs.0.name" as our path "envs[0].name"; projects only have `name`. */
function offendingField(vector: Vector): string {
  if (vector.kind === "project") return "name";
  const at = /\bat ([\w.]+)$/.exec(vector.parent.error ?? "")?.[1];
  if (at !== undefined) return at.replace(/\.(\d+)(?=\.|$)/g, "[$1]");
  const field = vector.field ?? FIELD_OF_FIXED_REJECTS[vector.tag ?? ""];
  if (field === undefined)
    throw new Error(`no offending field known for ${vector.id} (${vector.tag ?? "no tag"})`);
  return field;
}

describe("classic@1 against the parent's vectors", () => {
  it("has every vector of the fixtures", () => {
    expect(sharedVectors).toHaveLength(218);
    expect(schemaVectors).toHaveLength(26);
    expect(new Set(vectors.map((vector) => vector.id)).size).toBe(218 + 26);
  });

  it.each(
    vectors.filter((vector) => vector.expect === "render").map((vector) => [vector.id, vector] as const),
  )("%s renders the expected objects", (_id, vector) => {
    const objects = render("classic@1", vector.kind, vector.input);
    const byRole = Object.fromEntries(
      objects.map((object) => [ROLE_BY_KIND[object.kind] ?? object.kind, object]),
    );
    expect(objects).toHaveLength(Object.keys(vector.expected!).length);
    expect(byRole).toStrictEqual(vector.expected);
    // public-0011 repeats env names as the parent did: create/update accept that (the API server only warns),
    // so it validates; server-side apply would refuse it, which the second check pins.
    expect(validateManifests(objects)).toEqual([]);
    const envNames = (vector.input as { envs?: { name: string }[] }).envs?.map((env) => env.name) ?? [];
    const repeatsEnv = new Set(envNames).size < envNames.length;
    expect(validateManifests(objects, { serverSideApply: true }).length > 0).toBe(repeatsEnv);
  });

  it.each(
    vectors.filter((vector) => vector.expect === "reject").map((vector) => [vector.id, vector] as const),
  )("%s is rejected, naming the offending field", (_id, vector) => {
    const error = inputErrorOf("classic@1", vector.kind, vector.input);
    const field = offendingField(vector);
    const issue = error.issues.find((candidate) => candidate.path === field);
    expect(issue, `an issue at ${field}; got ${JSON.stringify(error.issues)}`).toBeDefined();
    // The message itself names the field (the last segment, without indexes) so it reads on its own.
    expect(issue!.message).toContain(
      field
        .replace(/\[\d+\]/g, "")
        .split(".")
        .at(-1),
    );
  });
});
