/**
 * Why BabyHelm has its own validator: `kubernetes-models` (v4) checks its JSON schemas with ajv, which
 * catches wrong types but lets through unknown fields and every rule the API server enforces in code.
 * These tests pin what it really does, so the claim stays true if the library changes.
 */
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { describe, expect, it } from "vitest";
import { validateObject } from "../src/validate/index.js";
import * as fixtures from "./validate-fixtures.js";

/** A Deployment a real API server refuses three times over. */
function brokenDeployment() {
  const deployment: Record<string, any> = fixtures.deployment();
  delete deployment.status;
  deployment.metadata.name = "Web_App";
  deployment.spec.replicaz = 3;
  deployment.spec.template.spec.containers[0].ports[0].containerPort = 70000;
  return deployment;
}

describe("kubernetes-models compared", () => {
  it("kubernetes-models accepts replicaz, Web_App and containerPort 70000", () => {
    expect(() => {
      new Deployment(brokenDeployment() as never).validate();
    }).not.toThrow();
  });

  it("our validator rejects all three", () => {
    expect(validateObject(brokenDeployment()).map(({ path, rule }) => ({ path, rule }))).toEqual([
      { path: "spec.replicaz", rule: "unknown-field" },
      { path: "metadata.name", rule: "name" },
      { path: "spec.template.spec.containers[0].ports[0].containerPort", rule: "range" },
    ]);
  });

  it("both reject a string where an integer is expected (kubernetes-models by throwing)", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    delete deployment.status;
    deployment.spec.replicas = "3";
    expect(() => {
      new Deployment(deployment as never).validate();
    }).toThrow(/spec\/replicas must be integer/);
    expect(validateObject(deployment)).toEqual([
      expect.objectContaining({ path: "spec.replicas", rule: "type" }),
    ]);
  });
});
