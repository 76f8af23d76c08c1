// How an app is configured, read from the manifests of its current revision rather than from its pack's spec, so
// that every pack's apps show the same facts: image, replicas or autoscaling range, resources, probes, ports, hosts
// and the address other apps of the cluster reach it at.
import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2.js";
import type { Probe, Service } from "kubernetes-types/core/v1.js";
import type { Ingress } from "kubernetes-types/networking/v1.js";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { findDeployment } from "./pod-selector.js";

export interface AppConfiguration {
  image: string | null;
  /** The fixed replica count; null when an autoscaler decides. */
  replicas: number | null;
  autoscaling: { min: number; max: number; cpuUtilization: number | null } | null;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  probes: { kind: "startup" | "liveness" | "readiness"; check: string }[];
  /** The container's ports and the Service ports in front of them. */
  ports: { name: string | null; containerPort: number; servicePort: number | null; protocol: string }[];
  hosts: string[];
  /** `NAME.NAMESPACE.svc.cluster.local`: how pods of the cluster reach the app; null without a Service. */
  internalAddress: string | null;
  serviceType: string | null;
}

export function appConfiguration(manifests: readonly KubernetesObject[]): AppConfiguration {
  const deployment = findDeployment(manifests);
  const container = deployment?.spec?.template.spec?.containers[0];
  const service = manifests.find((object) => object.kind === "Service") as
    (KubernetesObject & Service) | undefined;
  const hpa = manifests.find((object) => object.kind === "HorizontalPodAutoscaler") as
    (KubernetesObject & HorizontalPodAutoscaler) | undefined;
  const ingresses = manifests.filter((object) => object.kind === "Ingress") as (KubernetesObject & Ingress)[];
  const servicePorts = service?.spec?.ports ?? [];
  const cpuTarget = hpa?.spec?.metrics?.find((metric) => metric.resource?.name === "cpu")?.resource?.target
    .averageUtilization;
  return {
    image: container?.image ?? null,
    replicas: hpa === undefined ? (deployment?.spec?.replicas ?? 1) : null,
    autoscaling:
      hpa?.spec === undefined
        ? null
        : { min: hpa.spec.minReplicas ?? 1, max: hpa.spec.maxReplicas, cpuUtilization: cpuTarget ?? null },
    resources: {
      requests: quantities(container?.resources?.requests),
      limits: quantities(container?.resources?.limits),
    },
    probes: (
      [
        ["startup", container?.startupProbe],
        ["liveness", container?.livenessProbe],
        ["readiness", container?.readinessProbe],
      ] as const
    ).flatMap(([kind, probe]) => (probe === undefined ? [] : [{ kind, check: describeProbe(probe) }])),
    ports: (container?.ports ?? []).map((port) => {
      const front = servicePorts.find(
        (candidate) =>
          candidate.targetPort === port.containerPort ||
          (port.name !== undefined && candidate.targetPort === port.name) ||
          (candidate.targetPort === undefined && candidate.port === port.containerPort),
      );
      return {
        name: port.name ?? null,
        containerPort: port.containerPort,
        servicePort: front?.port ?? null,
        protocol: port.protocol ?? "TCP",
      };
    }),
    hosts: ingresses.flatMap((ingress) =>
      (ingress.spec?.rules ?? []).flatMap((rule) => (rule.host === undefined ? [] : [rule.host])),
    ),
    internalAddress:
      service === undefined
        ? null
        : `${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`,
    serviceType: service === undefined ? null : (service.spec?.type ?? "ClusterIP"),
  };
}

function quantities(values: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([name, value]) => [name, String(value)]));
}

/** "HTTP GET :8080/healthz, every 10 s after 5 s". */
function describeProbe(probe: Probe): string {
  const check =
    probe.httpGet !== undefined
      ? `HTTP${probe.httpGet.scheme === "HTTPS" ? "S" : ""} GET :${probe.httpGet.port}${probe.httpGet.path ?? "/"}`
      : probe.tcpSocket !== undefined
        ? `TCP :${probe.tcpSocket.port}`
        : probe.grpc !== undefined
          ? `gRPC :${probe.grpc.port}`
          : probe.exec !== undefined
            ? `runs ${(probe.exec.command ?? []).join(" ")}`
            : "no check";
  const timing = [
    `every ${probe.periodSeconds ?? 10} s`,
    probe.initialDelaySeconds === undefined ? undefined : `after ${probe.initialDelaySeconds} s`,
    probe.failureThreshold === undefined ? undefined : `failing after ${probe.failureThreshold} misses`,
  ].filter((part) => part !== undefined);
  return `${check}, ${timing.join(", ")}`;
}
