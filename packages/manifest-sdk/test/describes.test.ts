// `describes`: a pack names the fields a generic client needs, and definePack only accepts names of real fields.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { definePack, PackDefinitionError, ROLE_KEYWORD, type PackDescribes } from "../src/index.js";

const application = {
  schema: z.object({
    name: z.string(),
    container: z.object({
      image: z.string(),
      env: z.array(z.object({ name: z.string(), value: z.string() })),
    }),
    replicas: z.int().default(1),
  }),
  kinds: ["ConfigMap"],
  templates: {
    config: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: <%= it.json(it.values.name) %>\n",
  },
};
const project = {
  schema: z.object({ name: z.string() }),
  kinds: ["Namespace"],
  templates: { namespace: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n" },
};

function packDescribing(describes: PackDescribes) {
  return definePack({
    name: "described",
    version: "1.0.0",
    description: "",
    application,
    project,
    describes,
  });
}

describe("describes", () => {
  it("marks each described field in the application's JSON Schema, nested paths included", () => {
    const pack = packDescribing({ image: "container.image", env: "container.env", replicas: "replicas" });
    expect(pack.describes).toEqual({ image: "container.image", env: "container.env", replicas: "replicas" });
    const schema = pack.jsonSchema("application") as any;
    expect(schema.properties.container.properties.image[ROLE_KEYWORD]).toBe("image");
    expect(schema.properties.container.properties.env[ROLE_KEYWORD]).toBe("env");
    expect(schema.properties.replicas[ROLE_KEYWORD]).toBe("replicas");
    expect(schema.properties.name[ROLE_KEYWORD]).toBeUndefined();
    expect(pack.jsonSchema("project")).not.toHaveProperty(["properties", "name", ROLE_KEYWORD]);
  });

  it("leaves a pack that describes nothing without annotations", () => {
    const pack = packDescribing({});
    expect(pack.describes).toBeUndefined();
    expect(JSON.stringify(pack.jsonSchema("application"))).not.toContain(ROLE_KEYWORD);
  });

  it("refuses a path that is not a field, and a role it does not know", () => {
    const problems = (describes: unknown) => {
      try {
        packDescribing(describes as PackDescribes);
      } catch (error) {
        expect(error).toBeInstanceOf(PackDefinitionError);
        return (error as PackDefinitionError).message;
      }
      return expect.fail("expected a PackDefinitionError");
    };
    expect(problems({ image: "image" })).toContain(
      'describes.image: "image" is not a field of the application schema',
    );
    expect(problems({ env: "container.env.name" })).toContain("describes.env");
    expect(problems({ volumes: "name" })).toContain("describes.volumes: unknown role");
  });
});
