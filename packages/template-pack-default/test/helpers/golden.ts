// Golden cases: golden/<pack>@<version>/<target>-<case>.input.yaml and its .output.yaml.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { parse } from "yaml";
import { parseManifests, type Pack } from "@babyhelm/manifest-sdk";
import type { Target } from "./renderer.js";

export const GOLDEN_ROOT = new URL("../../golden/", import.meta.url);
/** `UPDATE_GOLDEN=1 pnpm test` rewrites the outputs from the current templates; nothing else ever writes them. */
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === "1";

export interface GoldenCase {
  /** "classic@1.0.0" */
  ref: string;
  /** "application-base" */
  name: string;
  target: Target;
  input: unknown;
  inputFile: URL;
  outputFile: URL;
}

export function goldenDirectories(): string[] {
  return readdirSync(GOLDEN_ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

export function goldenCases(ref: string): GoldenCase[] {
  const directory = new URL(`${ref}/`, GOLDEN_ROOT);
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((file) => file.endsWith(".input.yaml"))
    .sort()
    .map((file) => {
      const name = file.slice(0, -".input.yaml".length);
      const target = name.startsWith("project-") ? "project" : "application";
      if (!name.startsWith(`${target}-`))
        throw new Error(`golden ${ref}/${file}: name must start with application- or project-`);
      const inputFile = new URL(file, directory);
      return {
        ref,
        name,
        target,
        input: parse(readFileSync(inputFile, "utf8")) as unknown,
        inputFile,
        outputFile: new URL(`${name}.output.yaml`, directory),
      };
    });
}

export function readGoldenOutput(golden: GoldenCase): unknown[] {
  return parseManifests(readFileSync(golden.outputFile, "utf8"));
}

export function writeGoldenOutput(golden: GoldenCase, yaml: string): void {
  writeFileSync(golden.outputFile, yaml);
}

/** [major, minor, patch] of a full semantic version (definePack guarantees the form; pre-release tags are ignored). */
function versionParts(version: string): number[] {
  return version.split(/[-+]/, 1)[0]!.split(".").map(Number);
}

function isOlder(a: string, b: string): boolean {
  const [x, y] = [versionParts(a), versionParts(b)];
  const difference = x.findIndex((part, index) => part !== y[index]);
  return difference !== -1 && x[difference]! < y[difference]!;
}

/** Pairs (older, newer) of registered versions of one pack that share a major: the newer must keep the older's output. */
export function compatiblePairs(packs: readonly Pack[]): [Pack, Pack][] {
  const pairs: [Pack, Pack][] = [];
  for (const older of packs) {
    for (const newer of packs) {
      const sameMajor = versionParts(older.version)[0] === versionParts(newer.version)[0];
      if (older.name === newer.name && sameMajor && isOlder(older.version, newer.version)) {
        pairs.push([older, newer]);
      }
    }
  }
  return pairs;
}

/** The older version's golden cases whose output differs when rendered with `newer` (a render error counts). */
export function contractViolations(newer: Pack, cases: readonly GoldenCase[]): string[] {
  const violations: string[] = [];
  for (const golden of cases) {
    try {
      if (!isDeepStrictEqual(newer.render(golden.target, golden.input), readGoldenOutput(golden))) {
        violations.push(`${golden.ref}/${golden.name}: ${newer.ref} renders different objects`);
      }
    } catch (error) {
      violations.push(`${golden.ref}/${golden.name}: ${newer.ref} throws ${String(error)}`);
    }
  }
  return violations;
}
