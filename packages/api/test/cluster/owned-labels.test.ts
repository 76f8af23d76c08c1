import { describe, expect, it } from "vitest";
import { createRenderer, type KubernetesObject } from "@babyhelm/manifest-sdk";
import { packs } from "@babyhelm/template-pack-default";
import {
  APP_LABEL,
  APP_OWNED_KINDS,
  ownerSelector,
  PROJECT_LABEL,
  withOwnerLabels,
} from "../../src/cluster/owned-labels.js";

const deployment: KubernetesObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", labels: { app: "web" } },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx" }] },
    },
  },
};
const namespace: KubernetesObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } };

describe("withOwnerLabels", () => {
  it("labels copies and puts them in the namespace, leaving selectors and pod templates alone", () => {
    const original = structuredClone(deployment);
    const [labelled] = withOwnerLabels([deployment], { namespace: "shop", project: "shop", app: "web" });
    expect(labelled!.metadata).toEqual({
      name: "web",
      namespace: "shop",
      labels: { app: "web", [PROJECT_LABEL]: "shop", [APP_LABEL]: "web" },
    });
    expect(labelled!.spec).toEqual(deployment.spec);
    expect(deployment).toEqual(original);
    expect(labelled!.spec).not.toBe(deployment.spec);
  });

  it("gives objects without labels some, and leaves cluster-scoped kinds out of namespaces", () => {
    const [ns, configMap] = withOwnerLabels(
      [namespace, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "elsewhere" } }],
      { namespace: "shop", project: "shop" },
    );
    expect(ns!.metadata).toEqual({ name: "shop", labels: { [PROJECT_LABEL]: "shop" } });
    expect(configMap!.metadata).toEqual({
      name: "c",
      namespace: "shop",
      labels: { [PROJECT_LABEL]: "shop" },
    });
  });
});

describe("ownerSelector", () => {
  it("selects a project's objects, or one app's", () => {
    expect(ownerSelector({ project: "shop" })).toBe("babyhelm.io/project=shop");
    expect(ownerSelector({ project: "shop", app: "web" })).toBe(
      "babyhelm.io/project=shop,babyhelm.io/app=web",
    );
  });
});

describe("APP_OWNED_KINDS", () => {
  it("covers every kind a registered pack renders for an application", () => {
    const owned = new Set(APP_OWNED_KINDS.map(({ kind }) => kind));
    const rendered = createRenderer({ packs })
      .listPacks()
      .flatMap((pack) => pack.kinds.application);
    expect(rendered.length).toBeGreaterThan(0);
    for (const kind of rendered) expect(owned).toContain(kind);
  });
});
