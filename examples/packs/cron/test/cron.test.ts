// cron@1: goldens, strict Kubernetes 1.35 validity of what it renders, and bad input refused field by field.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ManifestInputError, parseManifests, toYaml, validateManifests } from "@babyhelm/manifest-sdk";
import { cron } from "../src/index.js";

const GOLDEN = new URL("../golden/cron@1.0.0/", import.meta.url);
const inputs = readdirSync(GOLDEN).filter((file) => file.endsWith(".input.yaml"));
const base = { name: "report", image: "busybox:1.36", schedule: "0 3 * * *" };

function issuesOf(input: unknown) {
  try {
    cron.render("application", input);
  } catch (error) {
    if (error instanceof ManifestInputError) return error.issues;
    throw error;
  }
  return expect.fail(`expected ${JSON.stringify(input)} to be refused`);
}

describe("cron@1.0.0", () => {
  it("has golden cases", () => {
    expect(inputs.length).toBeGreaterThanOrEqual(3);
  });

  it.each(inputs)("%s renders its golden output, valid for Kubernetes 1.35", (file) => {
    const objects = cron.render("application", parse(readFileSync(new URL(file, GOLDEN), "utf8")));
    const outputFile = new URL(file.replace(".input.yaml", ".output.yaml"), GOLDEN);
    // UPDATE_GOLDEN=1 rewrites outputs from the templates; review the diff like code.
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(outputFile, toYaml(objects));
    expect(objects).toEqual(parseManifests(readFileSync(outputFile, "utf8")));
    expect(validateManifests(objects, { serverSideApply: true })).toEqual([]);
  });

  it("renders one CronJob with the defaults a scheduled task wants", () => {
    const [cronJob, ...rest] = cron.render("application", base) as any[];
    expect(rest).toEqual([]);
    expect(cronJob.kind).toBe("CronJob");
    expect(cronJob.spec).toMatchObject({
      schedule: "0 3 * * *",
      concurrencyPolicy: "Forbid",
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
    expect(cronJob.spec.jobTemplate.spec.template.spec.restartPolicy).toBe("OnFailure");
  });

  it("accepts the schedule macros and the five-field forms", () => {
    for (const schedule of ["@hourly", "@daily", "*/15 * * * *", "0 9-17 * * MON-FRI", "30 2 1,15 * ?"]) {
      expect(validateManifests(cron.render("application", { ...base, schedule }))).toEqual([]);
    }
  });

  it.each([
    [{ ...base, name: "a".repeat(53) }, "name", "at most 52"],
    [{ ...base, name: "9report" }, "name", "starting with a letter"],
    [{ ...base, image: "" }, "image", "image reference"],
    [{ ...base, schedule: "every day" }, "schedule", "five cron fields"],
    [{ ...base, schedule: "* * * *" }, "schedule", "five cron fields"],
    [{ ...base, schedule: "@reboot" }, "schedule", "five cron fields"],
    [{ name: "report", image: "busybox:1.36" }, "schedule", ""],
    [{ ...base, concurrencyPolicy: "Sometimes" }, "concurrencyPolicy", "Allow, Forbid or Replace"],
    [{ ...base, successfulJobsHistoryLimit: -1 }, "successfulJobsHistoryLimit", "0 to 100"],
    [{ ...base, failedJobsHistoryLimit: 1000 }, "failedJobsHistoryLimit", "0 to 100"],
    [{ ...base, args: [1] }, "args[0]", ""],
    [{ ...base, env: [{ name: "A B", value: "x" }] }, "env[0].name", "letters, digits"],
    [{ ...base, replicas: 2 }, "replicas", "unknown field"],
  ])("refuses %j at its field", (input, path, message) => {
    const issue = issuesOf(input).find((candidate) => candidate.path === path);
    expect(issue, `an issue at ${path}`).toBeDefined();
    expect(issue!.message).toContain(message);
  });

  it("describes every field in its JSON Schema", () => {
    const schema = cron.jsonSchema("application") as { properties: Record<string, { description?: string }> };
    for (const [field, property] of Object.entries(schema.properties)) {
      expect(property.description, field).toBeTruthy();
    }
    expect(schema.properties).toHaveProperty("schedule");
  });

  it("describes the fields a generic client needs, marking them in its JSON Schema", () => {
    const describes = { image: "image", env: "env" };
    expect(cron.describes).toEqual(describes);
    const { properties } = cron.jsonSchema("application") as {
      properties: Record<string, Record<string, unknown>>;
    };
    for (const [role, field] of Object.entries(describes)) {
      expect(properties[field]?.["x-babyhelm-role"], field).toBe(role);
    }
  });
});
