// The versioning contract (README "Versioning"): each golden renders exactly its output with its own version, and
// every newer version of the same major renders the older versions' golden inputs identically.
import { describe, expect, it } from "vitest";
import { definePack, toYaml, validateManifests, type Pack } from "@babyhelm/manifest-sdk";
import { classicApplicationSchema, classicProjectSchema, packs } from "../src/index.js";
import { packTemplates } from "../src/shared/pack-templates.js";
import {
  compatiblePairs,
  contractViolations,
  goldenCases,
  goldenDirectories,
  readGoldenOutput,
  UPDATE_GOLDEN,
  writeGoldenOutput,
} from "./helpers/golden.js";

const MIN_CASES_PER_VERSION = 8;

describe("golden files", () => {
  it("exist for every registered pack version, and only for those", () => {
    expect(goldenDirectories()).toEqual(packs.map((pack) => pack.ref).sort());
    for (const pack of packs) {
      const cases = goldenCases(pack.ref);
      expect(cases.length, `${pack.ref} golden cases`).toBeGreaterThanOrEqual(MIN_CASES_PER_VERSION);
      expect(
        cases.some((golden) => golden.target === "project"),
        `${pack.ref} has project cases`,
      ).toBe(true);
    }
  });

  for (const pack of packs) {
    describe(pack.ref, () => {
      it.each(goldenCases(pack.ref).map((golden) => [golden.name, golden] as const))(
        "%s",
        (_name, golden) => {
          const objects = pack.render(golden.target, golden.input);
          if (UPDATE_GOLDEN) writeGoldenOutput(golden, toYaml(objects));
          expect(objects).toStrictEqual(readGoldenOutput(golden));
          expect(validateManifests(objects)).toEqual([]);
        },
      );
    });
  }
});

describe("versioning contract", () => {
  it.each(compatiblePairs(packs).map(([older, newer]) => [older.ref, newer.ref, newer] as const))(
    "%s golden inputs render identically with %s",
    (olderRef, _newerRef, newer) => {
      expect(contractViolations(newer, goldenCases(olderRef))).toEqual([]);
    },
  );

  it("holds default@2.1.0 to default@2.0.0's goldens", () => {
    expect(compatiblePairs(packs).map(([older, newer]) => `${older.ref}<${newer.ref}`)).toEqual([
      "default@2.0.0<default@2.1.0",
    ]);
  });

  // classic@1 has one registered version; these test doubles prove the check bites.
  const classicSource = packs.find((pack) => pack.ref === "classic@1.0.0")!;
  function classicPatch(version: string, replicas: string): Pack {
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: <%= it.json(it.values.name + "-deployment") %>
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: <%= it.json(it.values.name) %>
  template:
    metadata:
      labels:
        app: <%= it.json(it.values.name) %>
    spec:
      containers:
        - name: c
          image: <%= it.json(it.values.image) %>
`;
    return definePack({
      name: "classic",
      version,
      description: "contract test double",
      application: {
        schema: classicApplicationSchema,
        kinds: ["Deployment"],
        templates: { deployment: deployment },
      },
      project: {
        schema: classicProjectSchema,
        kinds: ["Namespace"],
        templates: { namespace: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n" },
      },
    });
  }

  it("pairs versions of the same major only, older first", () => {
    const refs = (list: Pack[]) => compatiblePairs(list).map(([older, newer]) => `${older.ref}<${newer.ref}`);
    const next = classicPatch("1.0.1", "2");
    const nextMajor = classicPatch("2.0.0", "2");
    expect(refs([next, classicSource, nextMajor])).toEqual(["classic@1.0.0<classic@1.0.1"]);
  });

  it("flags a newer version whose output differs from the older goldens", () => {
    const violations = contractViolations(classicPatch("1.0.1", "3"), goldenCases("classic@1.0.0"));
    expect(violations.length).toBe(goldenCases("classic@1.0.0").length);
    expect(violations[0]).toContain("classic@1.0.1 renders different objects");
  });

  it("accepts a newer version that renders the same objects", () => {
    const samePatch = definePack({
      name: "classic",
      version: "1.0.1",
      description: "contract test double: classic@1.0.0's schemas and templates",
      application: {
        schema: classicApplicationSchema,
        kinds: classicSource.kinds.application,
        templates: packTemplates("classic", "1.0.0", "application", ["deployment", "service", "hpa"]),
      },
      project: {
        schema: classicProjectSchema,
        kinds: classicSource.kinds.project,
        templates: packTemplates("classic", "1.0.0", "project", ["namespace"]),
      },
    });
    expect(contractViolations(samePatch, goldenCases("classic@1.0.0"))).toEqual([]);
  });
});
