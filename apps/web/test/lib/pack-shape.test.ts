// Which form a pack gets and where its env list is, read from what the packs describe (their JSON Schema's
// x-babyhelm-role), never from their names: the built-in packs keep the dedicated form, the example packs an operator
// adds (worker@1: no ports; cron@1: a required schedule) get the generic one.
import { describe, expect, it } from "vitest";
import { dedicatedFormFits, roleField, shapeOf } from "../../src/lib/app-draft.js";
import { envKeyOf } from "../../src/lib/app-state.js";
import type { JsonSchema } from "../../src/lib/schema-check.js";
import { appDetails } from "../support/fake-data.js";
import { OPERATOR_PACKS, PACKS } from "../support/packs.js";

const schemaOf = (ref: string) => {
  const pack = [...PACKS, ...OPERATOR_PACKS].find((candidate) => candidate.ref === ref);
  if (pack === undefined) throw new Error(`no pack ${ref}`);
  return pack.specSchema as JsonSchema;
};

describe("the form a pack gets", () => {
  it("is the dedicated one for classic@1 and default@2, the generic one for worker@1 and cron@1", () => {
    expect(
      [...PACKS, ...OPERATOR_PACKS].map((pack) => [
        pack.ref,
        dedicatedFormFits(pack.specSchema as JsonSchema),
      ]),
    ).toEqual(
      expect.arrayContaining([
        ["classic@1.0.0", true],
        ["default@2.0.0", true],
        ["default@2.1.0", true],
        ["worker@1.0.0", false],
        ["cron@1.0.0", false],
      ]),
    );
  });

  it("follows the roles, not the names: an unannotated image or a required field the form lacks needs the generic one", () => {
    const schema = schemaOf("default@2.0.0");
    const { "x-babyhelm-role": _role, ...image } = schema.properties!.image!;
    expect(dedicatedFormFits({ ...schema, properties: { ...schema.properties, image } })).toBe(false);
    expect(dedicatedFormFits({ ...schema, required: [...(schema.required ?? []), "schedule"] })).toBe(false);
  });
});

describe("the fields packs describe", () => {
  it("finds the env list where each pack puts it", () => {
    expect(roleField(schemaOf("classic@1.0.0"), "env")).toBe("envs");
    expect(roleField(schemaOf("default@2.1.0"), "env")).toBe("env");
    expect(roleField(schemaOf("cron@1.0.0"), "env")).toBe("env");
    expect(roleField(schemaOf("cron@1.0.0"), "ports")).toBeUndefined();
    expect(shapeOf(schemaOf("classic@1.0.0"))).toMatchObject({
      envKey: "envs",
      ports: "single",
      scaling: false,
    });
    expect(shapeOf(schemaOf("default@2.1.0"))).toMatchObject({ envKey: "env", ports: "list", secrets: true });
  });

  it("gives the Environment tab the app's described env field, or none", () => {
    expect(envKeyOf(appDetails("editor", "ready", { describes: { env: "envs" } }))).toBe("envs");
    expect(envKeyOf(appDetails("editor", "ready", { describes: { image: "image" } }))).toBeUndefined();
    // A nested list is more than the tab edits.
    expect(envKeyOf(appDetails("editor", "ready", { describes: { env: "container.env" } }))).toBeUndefined();
  });
});
