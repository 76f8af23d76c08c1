// appPodSelector: the labelSelector parameter and the in-process match agree with Kubernetes for each operator.
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import { describe, expect, it } from "vitest";
import { appPodSelector } from "../../../src/applications/status/pod-selector.js";

function selectorFor(selector: LabelSelector) {
  const deployment: Deployment = {
    metadata: { name: "web" },
    spec: { selector, template: { metadata: { labels: { app: "web" } } } },
  };
  return appPodSelector(deployment);
}

describe("appPodSelector", () => {
  it("matchLabels: every pair must be on the pod", () => {
    const selector = selectorFor({ matchLabels: { app: "web", tier: "front" } });
    expect(selector.labelSelector).toBe("app=web,tier=front");
    expect(selector.selects({ app: "web", tier: "front", extra: "x" })).toBe(true);
    expect(selector.selects({ app: "web" })).toBe(false);
    expect(selector.selects({ app: "web", tier: "back" })).toBe(false);
  });

  it("In: the label is one of the values", () => {
    const selector = selectorFor({ matchExpressions: [{ key: "tier", operator: "In", values: ["a", "b"] }] });
    expect(selector.labelSelector).toBe("tier in (a,b)");
    expect(selector.selects({ tier: "a" })).toBe(true);
    expect(selector.selects({ tier: "b" })).toBe(true);
    expect(selector.selects({ tier: "c" })).toBe(false);
    expect(selector.selects({})).toBe(false);
  });

  it("NotIn: the label is absent or none of the values", () => {
    const selector = selectorFor({
      matchExpressions: [{ key: "tier", operator: "NotIn", values: ["a", "b"] }],
    });
    expect(selector.labelSelector).toBe("tier notin (a,b)");
    expect(selector.selects({ tier: "c" })).toBe(true);
    expect(selector.selects({})).toBe(true);
    expect(selector.selects({ tier: "a" })).toBe(false);
  });

  it("Exists: the label is there, whatever its value", () => {
    const selector = selectorFor({ matchExpressions: [{ key: "canary", operator: "Exists" }] });
    expect(selector.labelSelector).toBe("canary");
    expect(selector.selects({ canary: "" })).toBe(true);
    expect(selector.selects({ canary: "yes" })).toBe(true);
    expect(selector.selects({ other: "x" })).toBe(false);
  });

  it("DoesNotExist: the label is not there", () => {
    const selector = selectorFor({ matchExpressions: [{ key: "canary", operator: "DoesNotExist" }] });
    expect(selector.labelSelector).toBe("!canary");
    expect(selector.selects({ app: "web" })).toBe(true);
    expect(selector.selects({ canary: "yes" })).toBe(false);
  });

  it("matchLabels and matchExpressions must all hold", () => {
    const selector = selectorFor({
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["front"] },
        { key: "canary", operator: "DoesNotExist" },
      ],
    });
    expect(selector.labelSelector).toBe("app=web,tier in (front),!canary");
    expect(selector.selects({ app: "web", tier: "front" })).toBe(true);
    expect(selector.selects({ app: "web", tier: "front", canary: "1" })).toBe(false);
    expect(selector.selects({ app: "api", tier: "front" })).toBe(false);
  });

  it("an empty or unknown selector selects no pod", () => {
    expect(selectorFor({}).selects({ app: "web" })).toBe(false);
    expect(
      selectorFor({ matchExpressions: [{ key: "app", operator: "Near" }] }).selects({ app: "web" }),
    ).toBe(false);
  });
});
