// worker@1: goldens, strict Kubernetes 1.35 validity of what it renders, and bad input refused field by field.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ManifestInputError, parseManifests, toYaml, validateManifests } from "@babyhelm/manifest-sdk";
import { worker } from "../src/index.js";

const GOLDEN = new URL("../golden/worker@1.0.0/", import.meta.url);
const inputs = readdirSync(GOLDEN).filter((file) => file.endsWith(".input.yaml"));
const base = { name: "mailer", image: "ghcr.io/acme/mailer:1.4" };

function issuesOf(input: unknown) {
  try {
    worker.render("application", input);
  } catch (error) {
    if (error instanceof ManifestInputError) return error.issues;
    throw error;
  }
  return expect.fail(`expected ${JSON.stringify(input)} to be refused`);
}

describe("worker@1.0.0", () => {
  it("has golden cases", () => {
    expect(inputs.length).toBeGreaterThanOrEqual(3);
  });

  it.each(inputs)("%s renders its golden output, valid for Kubernetes 1.35", (file) => {
    const objects = worker.render("application", parse(readFileSync(new URL(file, GOLDEN), "utf8")));
    const outputFile = new URL(file.replace(".input.yaml", ".output.yaml"), GOLDEN);
    // UPDATE_GOLDEN=1 rewrites outputs from the templates; review the diff like code.
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(outputFile, toYaml(objects));
    expect(objects).toEqual(parseManifests(readFileSync(outputFile, "utf8")));
    expect(validateManifests(objects, { serverSideApply: true })).toEqual([]);
  });

  it("renders a Deployment and nothing else: no Service, no ports", () => {
    const objects = worker.render("application", base);
    expect(objects.map((object) => object.kind)).toEqual(["Deployment"]);
    expect(JSON.stringify(objects)).not.toContain("containerPort");
  });

  it("renders the project's Namespace", () => {
    const objects = worker.render("project", { name: "team-a" });
    expect(objects).toMatchObject([{ kind: "Namespace", metadata: { name: "team-a" } }]);
    expect(validateManifests(objects)).toEqual([]);
  });

  it.each([
    [{ ...base, name: "Mailer" }, "name", "lowercase DNS label"],
    [{ ...base, name: "a".repeat(64) }, "name", "at most 63"],
    [{ ...base, image: "has space" }, "image", "image reference"],
    [{ name: "mailer" }, "image", ""],
    [{ ...base, replicas: 101 }, "replicas", "0 to 100"],
    [{ ...base, replicas: 1.5 }, "replicas", "whole number"],
    [{ ...base, command: "node worker.js" }, "command", ""],
    [{ ...base, env: [{ name: "1A", value: "x" }] }, "env[0].name", "not starting with a digit"],
    [{ ...base, env: [{ name: "A", value: 1 }] }, "env[0].value", "must be a string"],
    [
      {
        ...base,
        env: [
          { name: "A", value: "1" },
          { name: "A", value: "2" },
        ],
      },
      "env",
      "repeat",
    ],
    [{ ...base, resources: { limits: { memory: "lots" } } }, "resources.limits.memory", "quantity"],
    [{ ...base, resources: { requests: { gpu: "1" } } }, "resources.requests.gpu", "unknown field"],
    [{ ...base, port: 80 }, "port", "unknown field"],
  ])("refuses %j at its field", (input, path, message) => {
    const issue = issuesOf(input).find((candidate) => candidate.path === path);
    expect(issue, `an issue at ${path}`).toBeDefined();
    expect(issue!.message).toContain(message);
  });

  it("describes every field in its JSON Schema", () => {
    const schema = worker.jsonSchema("application") as {
      properties: Record<string, { description?: string }>;
    };
    for (const [field, property] of Object.entries(schema.properties)) {
      expect(property.description, field).toBeTruthy();
    }
    expect(Object.keys(schema.properties)).toEqual([
      "name",
      "image",
      "command",
      "args",
      "env",
      "replicas",
      "resources",
    ]);
  });

  it("describes the fields a generic client needs, marking them in its JSON Schema", () => {
    const describes = { image: "image", env: "env", replicas: "replicas" };
    expect(worker.describes).toEqual(describes);
    const { properties } = worker.jsonSchema("application") as {
      properties: Record<string, Record<string, unknown>>;
    };
    for (const [role, field] of Object.entries(describes)) {
      expect(properties[field]?.["x-babyhelm-role"], field).toBe(role);
    }
  });
});
