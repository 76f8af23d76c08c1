import { describe, expect, it } from "vitest";
import { createRenderer, type KubernetesObject } from "@babyhelm/manifest-sdk";
import { packs } from "@babyhelm/template-pack-default";
import { appLinks } from "../../../src/applications/status/app-links.js";
import { withOwnerLabels } from "../../../src/cluster/owned-labels.js";

const renderer = createRenderer({ packs });

function render(spec: Record<string, unknown>): KubernetesObject[] {
  return withOwnerLabels(
    renderer.renderApplication({ name: "web", image: "nginx:1.27", ports: [{ port: 8080 }], ...spec }),
    {
      namespace: "shop",
      project: "shop",
      app: "web",
    },
  );
}

function service(type: string, ingress: { ip?: string; hostname?: string }[], port = 8080): KubernetesObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "shop" },
    spec: { type, ports: [{ port }] },
    status: { loadBalancer: { ingress } },
  };
}

describe("appLinks", () => {
  it("links each Ingress host, https when it has TLS", () => {
    const manifests = render({
      ingress: { host: "shop.example.com", tls: { clusterIssuer: "letsencrypt" } },
    });
    expect(appLinks(manifests, [], undefined)).toEqual([
      { kind: "ingress", url: "https://shop.example.com/" },
    ]);
    expect(appLinks(render({ ingress: { host: "plain.example.com", path: "/app" } }), [], undefined)).toEqual(
      [{ kind: "ingress", url: "http://plain.example.com/app" }],
    );
  });

  it("links a LoadBalancer once the cloud gave it an address, not before", () => {
    const manifests = render({ service: { type: "LoadBalancer" } });
    expect(appLinks(manifests, [service("LoadBalancer", [])], undefined)).toEqual([]);
    expect(appLinks(manifests, [service("LoadBalancer", [{ ip: "203.0.113.7" }])], undefined)).toEqual([
      { kind: "load-balancer", url: "http://203.0.113.7:8080" },
    ]);
    expect(
      appLinks(manifests, [service("LoadBalancer", [{ hostname: "lb.example.net" }], 80)], undefined),
    ).toEqual([{ kind: "load-balancer", url: "http://lb.example.net" }]);
    expect(appLinks(manifests, [service("LoadBalancer", [{ ip: "2001:db8::1" }], 443)], undefined)).toEqual([
      { kind: "load-balancer", url: "https://[2001:db8::1]" },
    ]);
    expect(appLinks(manifests, [service("ClusterIP", [{ ip: "10.0.0.1" }])], undefined)).toEqual([]);
  });

  it("fills the Grafana template with the namespace and deployment, as the parent's link did", () => {
    const links = appLinks(
      render({}),
      [],
      "https://grafana.example/d/abc?var-namespace={namespace}&var-deployment={deployment}",
    );
    expect(links).toEqual([
      { kind: "dashboard", url: "https://grafana.example/d/abc?var-namespace=shop&var-deployment=web" },
    ]);
  });
});
