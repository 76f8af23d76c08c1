import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  createRenderer,
  definePack,
  loadTemplates,
  ManifestInputError,
  PackDefinitionError,
  PackError,
  PackNotFoundError,
} from "../src/index.js";
import { templateJson } from "../src/pack.js";
import { packs, testPackV1 } from "./fixtures/test-pack.js";

const renderer = createRenderer({ packs, defaultPack: "testpack@1" });
const spec = {
  name: "web",
  image: "nginx:1.27",
  replicas: 2,
  ports: [{ containerPort: 8080, port: 80 }],
  envs: [{ name: "MODE", value: "production" }],
};

function inputError(run: () => unknown): ManifestInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof ManifestInputError) return error;
    throw error;
  }
  throw new Error("expected a ManifestInputError");
}

/** A pack whose application target is a single template, for pack-bug tests. */
function singleTemplatePack(template: string, kinds: string[] = ["ConfigMap"]) {
  const target = { schema: z.object({ name: z.string() }), kinds, templates: { main: template } };
  return definePack({ name: "bug", version: "1.0.0", description: "", application: target, project: target });
}

describe("definePack", () => {
  it("exposes name, version, ref and kinds", () => {
    expect(testPackV1.ref).toBe("testpack@1.0.0");
    expect(testPackV1.kinds.application).toEqual(["Deployment", "Service", "HorizontalPodAutoscaler"]);
    expect(testPackV1.kinds.project).toEqual(["Namespace"]);
  });

  it("reports every problem of a bad definition at once", () => {
    const target = {
      schema: z.object({}),
      kinds: ["ConfigMap"],
      templates: { main: "a: <%= it.json(1) %>" },
    };
    const bad = {
      name: "Not_A_Label",
      version: "1.0",
      description: "x",
      application: target,
      project: { ...target, templates: {} },
    };
    let error: unknown;
    try {
      definePack(bad);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PackDefinitionError);
    const problems = (error as PackDefinitionError).problems.join("\n");
    expect(problems).toMatch(/name "Not_A_Label" must be a DNS-1123 label/);
    expect(problems).toMatch(/version "1.0" must be a full semantic version/);
    expect(problems).toMatch(/project.templates must map each role/);
  });

  it("rejects a template that does not compile, naming its role", () => {
    expect(() => singleTemplatePack("a: <%= it.json( %>")).toThrow(
      /application.templates.main does not compile/,
    );
  });

  it("gives the JSON Schema of the input side (defaults are optional)", () => {
    const schema = testPackV1.jsonSchema("application") as {
      required: string[];
      properties: Record<string, { default?: unknown }>;
    };
    expect(schema.required).toEqual(["name", "image"]);
    expect(schema.properties.replicas?.default).toBe(1);
    schema.required.push("mutated");
    expect((testPackV1.jsonSchema("application") as { required: string[] }).required).toEqual([
      "name",
      "image",
    ]);
  });
});

describe("loadTemplates", () => {
  it("reads roles in the given order", () => {
    const templates = loadTemplates(new URL("./fixtures/test-pack/application", import.meta.url), [
      "service",
      "deployment",
    ]);
    expect(Object.keys(templates)).toEqual(["service", "deployment"]);
    expect(templates.deployment).toContain("kind: Deployment");
  });

  it("names a missing template file", () => {
    expect(() =>
      loadTemplates(new URL("./fixtures/test-pack/application/", import.meta.url), ["deployment", "ingress"]),
    ).toThrow(/role "ingress".*ingress\.yaml\.eta: file not found/);
  });
});

describe("createRenderer", () => {
  it("renders the objects of every template in order, with defaults applied", () => {
    const objects = renderer.renderApplication(spec);
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      "Deployment/web",
      "Service/web",
      "HorizontalPodAutoscaler/web",
    ]);
    const deployment = objects[0] as any;
    expect(deployment.metadata.namespace).toBe("default");
    expect(deployment.metadata.annotations["babyhelm.io/pack"]).toBe("testpack@1.2.0");
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.containers[0]).toMatchObject({
      image: "nginx:1.27",
      ports: [{ containerPort: 8080, protocol: "TCP" }],
      env: [{ name: "MODE", value: "production" }],
      resources: { requests: { cpu: "100m", memory: "128Mi" } },
    });
    expect((objects[1] as any).spec.ports).toEqual([{ name: "port-0", port: 80, targetPort: 8080 }]);
  });

  it("skips templates that render nothing", () => {
    const kinds = renderer
      .renderApplication({ name: "worker", image: "busybox" })
      .map((object) => object.kind);
    expect(kinds).toEqual(["Deployment", "HorizontalPodAutoscaler"]);
  });

  it("renders projects", () => {
    expect(renderer.renderProject({ name: "team-a" })).toEqual([
      {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: "team-a", labels: { "babyhelm.io/project": "team-a" } },
      },
    ]);
  });

  it("keeps user values as strings: no value can add YAML structure", () => {
    const hostile = "x\nkind: Secret\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: pwn}";
    const objects = renderer.renderApplication({
      ...spec,
      image: hostile,
      envs: [
        { name: "A", value: "yes" },
        { name: "B", value: "0x10" },
      ],
    });
    expect(objects).toHaveLength(3);
    const container = (objects[0] as any).spec.template.spec.containers[0];
    expect(container.image).toBe(hostile);
    expect(container.env).toEqual([
      { name: "A", value: "yes" },
      { name: "B", value: "0x10" },
    ]);
  });

  it("renders any string value back exactly (it.json output always reads back as the same string)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", minLength: 1, maxLength: 60 }),
        fc.string({ unit: "binary", maxLength: 60 }),
        (image, value) => {
          const objects = renderer.renderApplication({ ...spec, image, envs: [{ name: "V", value }] });
          const container = (objects[0] as any).spec.template.spec.containers[0];
          expect(container.image).toBe(image);
          expect(container.env).toEqual([{ name: "V", value }]);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("picks the highest registered version that satisfies the reference", () => {
    expect(renderer.resolvePack().version).toBe("1.2.0");
    expect(renderer.resolvePack("testpack").version).toBe("2.0.0");
    expect(renderer.resolvePack("testpack@~1.0").version).toBe("1.0.0");
    expect(renderer.resolvePack("testpack@>=1.1 <3").version).toBe("2.0.0");
    expect(createRenderer({ packs }).resolvePack.bind(null)).toThrow(PackNotFoundError);
  });

  it("explains a reference that matches nothing, listing what is registered", () => {
    for (const ref of ["nope@1", "testpack@3", "testpack@not a range"]) {
      const error = (() => {
        try {
          renderer.renderApplication(spec, { pack: ref });
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(PackNotFoundError);
      expect((error as Error).message).toContain(
        "registered: testpack@2.0.0, testpack@1.2.0, testpack@1.0.0",
      );
    }
  });

  it("refuses to register the same name@version twice", () => {
    expect(() => createRenderer({ packs: [testPackV1, testPackV1] })).toThrow(
      /testpack@1.0.0 is registered twice/,
    );
  });

  it("lists packs by name, newest first", () => {
    expect(renderer.listPacks().map((pack) => pack.ref)).toEqual([
      "testpack@2.0.0",
      "testpack@1.2.0",
      "testpack@1.0.0",
    ]);
    expect(renderer.listPacks()[0]).toMatchObject({
      description: "Test pack, next major",
      kinds: { project: ["Namespace"] },
    });
  });
});

describe("ManifestInputError", () => {
  it("lists every problem with its path", () => {
    const error = inputError(() =>
      renderer.renderApplication({
        name: "Web!",
        ports: [{ containerPort: 80 }, { containerPort: "80" }],
        envs: [
          { name: "OK", value: "1" },
          { name: "1BAD", value: 2 },
        ],
        extra: true,
      }),
    );
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: "name", message: "must be a DNS-1123 label" },
        { path: "image", message: "expected string, received undefined" },
        { path: "ports[1].containerPort", message: "expected number, received string" },
        { path: "envs[1].name", message: "must be an environment variable name" },
        { path: "envs[1].value", message: "expected string, received number" },
        { path: "extra", message: "unknown field" },
      ]),
    );
    expect(error.issues).toHaveLength(6);
    expect(error.message).toContain("\n  ports[1].containerPort: expected number, received string");
  });

  it.each([
    ["null", null],
    ["an array", []],
    ["a string", "web"],
    ["a number", 42],
    ["undefined", undefined],
    ["a Date", new Date(0)],
  ])("rejects %s as the whole input", (_label, input) => {
    expect(inputError(() => renderer.renderApplication(input)).issues).toEqual([
      { path: "", message: expect.stringMatching(/^expected an object, received /) },
    ]);
  });

  it("turns unreadable and unusual values into issues", () => {
    const withGetter = { ...spec };
    Object.defineProperty(withGetter, "image", {
      enumerable: true,
      get: () => {
        throw new Error("boom");
      },
    });
    expect(inputError(() => renderer.renderApplication(withGetter)).issues).toEqual([
      { path: "image", message: "could not be read: boom" },
    ]);

    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(
      inputError(() => renderer.renderApplication({ ...spec, autoscaling: revoked.proxy })).issues[0]?.path,
    ).toBe("autoscaling");

    const cyclic: Record<string, unknown> = { ...spec };
    cyclic.autoscaling = cyclic;
    expect(inputError(() => renderer.renderApplication(cyclic)).issues).toEqual([
      { path: "autoscaling", message: "circular reference" },
    ]);

    let deep: unknown = "bottom";
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(inputError(() => renderer.renderApplication({ ...spec, envs: deep })).issues[0]?.message).toMatch(
      /nested deeper than/,
    );

    const huge = inputError(() => renderer.renderApplication({ ...spec, envs: new Array(10_000_000) }));
    expect(huge.issues).toEqual([
      { path: expect.stringMatching(/^envs\[\d+\]$/), message: "the input has more than 100000 values" },
    ]);

    const proto = JSON.parse('{"name":"web","image":"x","__proto__":{"admin":true}}') as unknown;
    expect(inputError(() => renderer.renderApplication(proto)).issues).toEqual([
      { path: "__proto__", message: 'the key "__proto__" is not allowed' },
    ]);

    expect(inputError(() => renderer.renderApplication({ ...spec, replicas: 10n })).issues).toEqual([
      { path: "replicas", message: "expected a JSON value, received bigint" },
    ]);
  });

  it("is the only error random input can cause", () => {
    const mutatedSpec = fc.record(
      {
        name: fc.oneof(fc.string(), fc.anything()),
        image: fc.oneof(fc.string(), fc.anything()),
        replicas: fc.anything(),
        ports: fc.oneof(
          fc.array(fc.record({ containerPort: fc.anything(), port: fc.anything() }, { requiredKeys: [] })),
          fc.anything(),
        ),
        envs: fc.oneof(
          fc.array(fc.record({ name: fc.anything(), value: fc.anything() }, { requiredKeys: [] })),
          fc.anything(),
        ),
        autoscaling: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything({
            withBigInt: true,
            withDate: true,
            withMap: true,
            withNullPrototype: true,
            withTypedArray: true,
          }),
          mutatedSpec,
        ),
        (input) => {
          try {
            renderer.renderApplication(input);
          } catch (error) {
            expect(error).toBeInstanceOf(ManifestInputError);
            expect((error as ManifestInputError).issues.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("pack bugs are PackErrors, not input errors", () => {
  it.each([
    ["a scalar document", "just text"],
    ["an object without kind", "apiVersion: v1\nmetadata:\n  name: x\n"],
    ["an object without metadata.name", "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n"],
    ["a kind outside the pack's kinds", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n"],
    ["invalid YAML", "a: [\n"],
    ["a throwing template", "<% throw new Error('bug') %>"],
  ])("%s", (_label, template) => {
    const pack = singleTemplatePack(template);
    expect(() => pack.render("application", { name: "x" })).toThrow(PackError);
    expect(() => pack.render("application", { name: "x" })).not.toThrow(ManifestInputError);
  });

  it("a schema that throws on plain data is a pack bug", () => {
    const target = {
      schema: z.object({ name: z.string() }).refine(() => {
        throw new Error("refine bug");
      }),
      kinds: ["ConfigMap"],
      templates: { main: "" },
    };
    const pack = definePack({
      name: "bug",
      version: "1.0.0",
      description: "",
      application: target,
      project: target,
    });
    expect(() => pack.render("application", { name: "x" })).toThrow(
      /schema threw while validating input: refine bug/,
    );
  });
});

describe("it.json", () => {
  it("writes exactly what JSON.stringify writes, and null for undefined", () => {
    const awkward = fc.constantFrom(
      -0,
      NaN,
      Infinity,
      -Infinity,
      1e21,
      5e-7,
      undefined,
      "\ud800",
      "😀",
      '"',
      "\\",
      "\u2028",
      "\u007f",
      "x".repeat(300),
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string({ unit: "binary" }), fc.double(), awkward), (value) => {
        expect(templateJson(value)).toBe(JSON.stringify(value) ?? "null");
      }),
      { numRuns: 2000 },
    );
  });
});

describe("union issues", () => {
  function unionPack(port: z.ZodType) {
    const target = { schema: z.object({ port }), kinds: ["ConfigMap"], templates: { main: "" } };
    return definePack({ name: "u", version: "1.0.0", description: "", application: target, project: target });
  }

  it("summarise a union without a message of its own by the types it expects", () => {
    const pack = unionPack(z.union([z.number(), z.string()]));
    expect(inputError(() => pack.render("application", { port: true })).issues).toEqual([
      { path: "port", message: "expected number or string" },
    ]);
  });

  it("keep the message a pack gives its union, fixed or computed", () => {
    const fixed = unionPack(z.union([z.number(), z.string()], { error: "port must be a number or digits" }));
    expect(inputError(() => fixed.render("application", { port: true })).issues).toEqual([
      { path: "port", message: "port must be a number or digits" },
    ]);
    const computed = unionPack(
      z.union([z.number(), z.string()], {
        error: (issue) => (issue.input === undefined ? "port is required" : "port must be a number"),
      }),
    );
    expect(inputError(() => computed.render("application", {})).issues).toEqual([
      { path: "port", message: "port is required" },
    ]);
  });
});

describe("ManifestInputError messages", () => {
  it("keeps every issue but lists at most 50 in the message", () => {
    const envs = Array.from({ length: 120 }, () => ({ name: "1bad", value: "x" }));
    const error = inputError(() => renderer.renderApplication({ name: "web", image: "x", envs }));
    expect(error.issues).toHaveLength(120);
    expect(error.issues[119]).toEqual({
      path: "envs[119].name",
      message: "must be an environment variable name",
    });
    expect(error.message.split("\n")).toHaveLength(52);
    expect(error.message).toMatch(/…and 70 more$/);
  });
});
