// Property tests: random valid specs of both packs render objects that pass strict Kubernetes 1.35 validation and
// survive a YAML round trip unchanged; random invalid inputs are only ever refused with ManifestInputError.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManifestInputError, parseManifests, toYaml, validateManifests } from "@babyhelm/manifest-sdk";
import {
  classicApplicationSpec,
  classicProjectSpec,
  defaultApplication21Spec,
  defaultApplicationSpec,
  defaultProjectSpec,
} from "./helpers/arbitraries.js";
import { render, type Target } from "./helpers/renderer.js";

// Sized so that the package's whole suite stays well under a minute on two cores; the timeout only leaves room for
// a loaded machine (these are not timing tests).
const VALID_RUNS = 120;
const INVALID_RUNS = 250;
const TIMEOUT_MS = 30_000;

function expectValidRoundTrip(pack: string, target: Target, spec: unknown): void {
  const objects = render(pack, target, spec);
  expect(validateManifests(objects)).toEqual([]);
  expect(parseManifests(toYaml(objects))).toStrictEqual(objects);
}

const cases: [pack: string, target: Target, spec: fc.Arbitrary<unknown>][] = [
  ["classic@1", "application", classicApplicationSpec],
  ["classic@1", "project", classicProjectSpec],
  ["default@2.0", "application", defaultApplicationSpec],
  ["default@2.0", "project", defaultProjectSpec],
  ["default@2.1", "application", defaultApplication21Spec],
  // Every 2.0 spec is a 2.1 spec.
  ["default@2.1", "application", defaultApplicationSpec],
  ["default@2.1", "project", defaultProjectSpec],
];

/** Every path into a JSON value, so a mutation can hit any field at any depth. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== "object") return [prefix];
  const keys = Array.isArray(value) ? value.map((_item, index) => index) : Object.keys(value);
  return [
    prefix,
    ...keys.flatMap((key) => pathsOf((value as Record<string | number, unknown>)[key], [...prefix, key])),
  ];
}

const DELETE = Symbol("delete");

/** A copy of `spec` with the value at `path` replaced (or removed). */
function mutate(spec: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement === DELETE ? undefined : replacement;
  const copy = structuredClone(spec) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (replacement === DELETE) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else Reflect.deleteProperty(parent, last);
  } else parent[last] = replacement;
  return copy;
}

/** Renders; a refusal must be a ManifestInputError, and anything rendered must be valid. */
function expectRefusedOrValid(pack: string, target: Target, input: unknown): void {
  let objects;
  try {
    objects = render(pack, target, input);
  } catch (error) {
    if (!(error instanceof ManifestInputError)) throw error;
    expect(error.issues.length).toBeGreaterThan(0);
    return;
  }
  // A mutation may turn two classic env names into one; classic renders repeats as the parent did (see compat test).
  const issues = validateManifests(objects).filter(
    (issue) => !(pack === "classic@1" && issue.rule === "duplicate"),
  );
  expect(issues).toEqual([]);
}

describe.each(cases)("%s %s", (pack, target, spec) => {
  it(
    "renders valid objects that survive a YAML round trip, for random valid specs",
    () => {
      fc.assert(
        fc.property(spec, (input) => {
          expectValidRoundTrip(pack, target, input);
        }),
        { numRuns: VALID_RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    "refuses mutated specs only with ManifestInputError",
    () => {
      const mutated = spec.chain((input) =>
        fc.tuple(
          fc.constant(input),
          fc.constantFrom(...pathsOf(input)),
          fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(DELETE)),
        ),
      );
      fc.assert(
        fc.property(mutated, ([input, path, replacement]) => {
          expectRefusedOrValid(pack, target, mutate(input, path, replacement));
        }),
        { numRuns: INVALID_RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    "refuses arbitrary JSON only with ManifestInputError",
    () => {
      fc.assert(
        fc.property(fc.oneof(fc.jsonValue(), fc.object()), (input) => {
          expectRefusedOrValid(pack, target, input);
        }),
        { numRuns: INVALID_RUNS },
      );
    },
    TIMEOUT_MS,
  );
});
