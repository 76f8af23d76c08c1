import { expect } from "vitest";
import {
  createRenderer,
  ManifestInputError,
  validateManifests,
  type KubernetesObject,
} from "@babyhelm/manifest-sdk";
import { packs } from "../../src/index.js";

export const renderer = createRenderer({ packs });

export type Target = "application" | "project";

export function render(pack: string, target: Target, input: unknown): KubernetesObject[] {
  return renderer.resolvePack(pack).render(target, input);
}

/** The one object of `kind` (failing when there is none or several), loosely typed for reading nested fields. */
export function objectOf(objects: readonly KubernetesObject[], kind: string): any {
  const matches = objects.filter((object) => object.kind === kind);
  expect(
    matches.map((object) => object.kind),
    `exactly one ${kind}`,
  ).toEqual([kind]);
  return matches[0]!;
}

/** The ManifestInputError a render throws; fails the test when it renders or throws anything else. */
export function inputErrorOf(pack: string, target: Target, input: unknown): ManifestInputError {
  try {
    render(pack, target, input);
  } catch (error) {
    if (error instanceof ManifestInputError) return error;
    throw error;
  }
  expect.fail(`expected ${pack} to reject ${JSON.stringify(input).slice(0, 200)}`);
}

/** Asserts a render is refused with an issue at `path` whose message names the field. */
export function expectRejected(
  pack: string,
  target: Target,
  input: unknown,
  path: string,
  messagePart?: string,
): void {
  const error = inputErrorOf(pack, target, input);
  const issue = error.issues.find((candidate) => candidate.path === path);
  expect(issue, `an issue at ${path}; got ${JSON.stringify(error.issues)}`).toBeDefined();
  if (messagePart !== undefined) expect(issue!.message).toContain(messagePart);
}

/** Renders and asserts every object passes the SDK's strict Kubernetes 1.35 validation. */
export function renderValid(pack: string, target: Target, input: unknown): KubernetesObject[] {
  const objects = render(pack, target, input);
  expect(validateManifests(objects)).toEqual([]);
  return objects;
}
