// classic@1 beyond the parent's vectors: strict validity of everything it renders, the JSON Schema, and the edges
// of the parent's coercions.
import { describe, expect, it } from "vitest";
import { classic } from "../src/index.js";
import { expectRejected, objectOf, renderValid } from "./helpers/renderer.js";

const PACK = "classic@1";
const base = { name: "web", image: "nginx:1.27", ports: { port: 80, targetPort: 8080 }, envs: [] };

describe("classic@1", () => {
  it("renders objects Kubernetes 1.35 accepts, for apps and projects", () => {
    expect(renderValid(PACK, "application", base).map((object) => object.kind)).toEqual([
      "Deployment",
      "Service",
      "HorizontalPodAutoscaler",
    ]);
    expect(renderValid(PACK, "project", { name: "team-a" }).map((object) => object.kind)).toEqual([
      "Namespace",
    ]);
  });

  it("treats a missing envs list as no variables", () => {
    const { envs: _envs, ...withoutEnvs } = base;
    const container = objectOf(renderValid(PACK, "application", withoutEnvs), "Deployment").spec.template.spec
      .containers[0];
    expect(container.env).toEqual([]);
  });

  it("reads ports as the parent's lax pydantic int did, and nothing looser", () => {
    const service = objectOf(
      renderValid(PACK, "application", { ...base, ports: { port: "0080", targetPort: "65535" } }),
      "Service",
    );
    expect(service.spec.ports).toEqual([{ port: 80, targetPort: 65535 }]);
    const read = [
      [" 80\n", 80],
      ["+8_080", 8080],
      ["443.00", 443],
      [true, 1],
    ] as const;
    for (const [port, number] of read) {
      const { spec } = objectOf(
        renderValid(PACK, "application", { ...base, ports: { port, targetPort: 80 } }),
        "Service",
      );
      expect(spec.ports).toEqual([{ port: number, targetPort: 80 }]);
    }
    for (const port of [
      "",
      "80.",
      "8__0",
      "_80",
      "8e1",
      "0x50",
      "\ufeff80",
      "65536",
      "1_0000_0",
      "-1",
      false,
      null,
      80.5,
      [80],
    ]) {
      expectRejected(
        PACK,
        "application",
        { ...base, ports: { port, targetPort: 80 } },
        "ports.port",
        "ports.port must be an integer from 1 to 65535",
      );
    }
  });

  it("names the field of every other refusal", () => {
    expectRejected(PACK, "application", { ...base, ports: 80 }, "ports", "ports must be an object");
    expectRejected(PACK, "application", { ...base, envs: {} }, "envs", "envs must be a list");
    expectRejected(
      PACK,
      "application",
      { ...base, envs: [{ name: "A" }] },
      "envs[0].value",
      "envs[].value is required",
    );
    expectRejected(
      PACK,
      "application",
      { ...base, envs: [{ name: "A", value: 1 }] },
      "envs[0].value",
      "envs[].value must be a string",
    );
    expectRejected(PACK, "application", { ...base, name: "a".repeat(54) }, "name", "at most 53");
    expectRejected(PACK, "project", { name: "kube-public" }, "name", "cluster's own namespaces");
  });

  it("publishes a JSON Schema that accepts the parent's port forms", () => {
    const schema = classic.jsonSchema("application") as any;
    expect(schema.required).toEqual(["name", "image", "ports"]);
    expect(schema.properties.ports.properties.port.anyOf).toEqual([
      { type: "integer", minimum: 1, maximum: 65535 },
      { type: "string", pattern: expect.stringContaining("\\+?([0-9]+(?:_[0-9]+)*)(?:\\.0+)?") },
      { type: "boolean", const: true },
    ]);
    expect(classic.jsonSchema("project")).toMatchObject({ required: ["name"] });
  });

  it("describes its image, env list and ports for generic clients, at real fields", () => {
    expect(classic.describes).toEqual({ image: "image", env: "envs", ports: "ports" });
    const { properties } = classic.jsonSchema("application") as any;
    expect(properties.image["x-babyhelm-role"]).toBe("image");
    expect(properties.envs["x-babyhelm-role"]).toBe("env");
    expect(properties.ports["x-babyhelm-role"]).toBe("ports");
  });
});
