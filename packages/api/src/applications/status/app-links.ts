import type { Service } from "kubernetes-types/core/v1.js";
import type { Ingress } from "kubernetes-types/networking/v1.js";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";

export interface AppLink {
  kind: "ingress" | "load-balancer" | "dashboard";
  url: string;
}

/**
 * Where people reach the app: each Ingress host (https when it has TLS), each LoadBalancer address once the cloud
 * gave one, and the Grafana dashboard when GRAFANA_DASHBOARD_URL is a template with {namespace} and {deployment}.
 */
export function appLinks(
  manifests: readonly KubernetesObject[],
  live: readonly (KubernetesObject | undefined)[],
  dashboardTemplate: string | undefined,
): AppLink[] {
  const links: AppLink[] = [];
  for (const object of manifests.filter((candidate) => candidate.kind === "Ingress")) {
    const spec = (object as KubernetesObject & Ingress).spec;
    const tlsHosts = new Set(spec?.tls?.flatMap((tls) => tls.hosts ?? []));
    for (const rule of spec?.rules ?? []) {
      if (rule.host === undefined) continue;
      const path = rule.http?.paths?.[0]?.path ?? "/";
      links.push({
        kind: "ingress",
        url: `${tlsHosts.has(rule.host) ? "https" : "http"}://${rule.host}${path}`,
      });
    }
  }
  for (const object of live) {
    if (object?.kind !== "Service") continue;
    const service = object as KubernetesObject & Service;
    if (service.spec?.type !== "LoadBalancer") continue;
    const port = service.spec.ports?.[0]?.port ?? 80;
    for (const ingress of service.status?.loadBalancer?.ingress ?? []) {
      const host = ingress.hostname ?? ingress.ip;
      if (host === undefined) continue;
      const address = host.includes(":") ? `[${host}]` : host;
      links.push({
        kind: "load-balancer",
        url: `${port === 443 ? "https" : "http"}://${address}${port === 80 || port === 443 ? "" : `:${port}`}`,
      });
    }
  }
  const deployment = manifests.find((object) => object.kind === "Deployment");
  if (dashboardTemplate !== undefined && deployment !== undefined) {
    links.push({
      kind: "dashboard",
      url: dashboardTemplate
        .replaceAll("{namespace}", encodeURIComponent(deployment.metadata.namespace ?? ""))
        .replaceAll("{deployment}", encodeURIComponent(deployment.metadata.name)),
    });
  }
  return links;
}
