// Derives what default@2's templates need from a checked spec: the recommended labels, resolved port references and
// the objects to emit. Policy lives here (tested in TypeScript), so the templates only lay out YAML.
import { IMAGE_REFERENCE, isLabelValue } from "../shared/kubernetes-rules.js";
import { ingressTarget } from "./default-application.checks.js";
import type { DefaultAppParsed } from "./default-application.schema.js";

type Probe = NonNullable<DefaultAppParsed["probes"]["liveness"]>;

const PROBE_FIELDS = {
  liveness: "livenessProbe",
  readiness: "readinessProbe",
  startup: "startupProbe",
} as const;

/** The image tag as `app.kubernetes.io/version`, when it names a version: not "latest", and a valid label value. */
export function versionFromImage(image: string): string | undefined {
  const tag = IMAGE_REFERENCE.exec(image)?.[1];
  return tag !== undefined && tag !== "latest" && isLabelValue(tag) ? tag : undefined;
}

function recommendedLabels(spec: DefaultAppParsed): Record<string, string> {
  const optional: [string, string | undefined][] = [
    ["app.kubernetes.io/version", versionFromImage(spec.image)],
    ["app.kubernetes.io/component", spec.component],
    ["app.kubernetes.io/part-of", spec.partOf],
  ];
  return {
    "app.kubernetes.io/name": spec.name,
    "app.kubernetes.io/instance": spec.name,
    ...Object.fromEntries(optional.filter((entry): entry is [string, string] => entry[1] !== undefined)),
    "app.kubernetes.io/managed-by": "babyhelm",
  };
}

function probeModel(spec: DefaultAppParsed, kind: keyof typeof PROBE_FIELDS, probe: Probe) {
  const firstPort = spec.ports[0]!;
  return {
    field: PROBE_FIELDS[kind],
    type: probe.type,
    path: probe.type === "http" ? probe.path : undefined,
    port: probe.port ?? firstPort.containerPort ?? firstPort.port,
    initialDelaySeconds: probe.initialDelaySeconds,
    periodSeconds: probe.periodSeconds,
    timeoutSeconds: probe.timeoutSeconds,
    failureThreshold: probe.failureThreshold,
  };
}

/** How an Ingress refers to the Service port it routes to: by name when it has one. */
export function backendPort(target: { name?: string; port: number }) {
  return target.name === undefined ? { number: target.port } : { name: target.name };
}

function ingressModel(spec: DefaultAppParsed) {
  const ingress = spec.ingress;
  if (!ingress) return undefined;
  // The checks guarantee the target exists; the Ingress refers to the Service port, by name when it has one.
  const target = ingressTarget(spec)!;
  const clusterIssuer = ingress.tls?.clusterIssuer;
  return {
    host: ingress.host,
    path: ingress.path,
    pathType: ingress.pathType,
    className: ingress.className,
    backendPort: backendPort(target),
    tlsSecretName: ingress.tls ? (ingress.tls.secretName ?? `${spec.name}-tls`) : undefined,
    annotations: {
      ...ingress.annotations,
      ...(clusterIssuer === undefined ? {} : { "cert-manager.io/cluster-issuer": clusterIssuer }),
    },
  };
}

export function toApplicationModel(spec: DefaultAppParsed) {
  const labels = recommendedLabels(spec);
  const autoscaling = spec.autoscaling;
  const metrics: { resource: "cpu" | "memory"; averageUtilization: number }[] = [];
  if (autoscaling) {
    // An HPA needs a target: CPU at 80% of the request unless the spec chose its own metrics.
    const cpuPercent = autoscaling.cpuPercent ?? (autoscaling.memoryPercent === undefined ? 80 : undefined);
    if (cpuPercent !== undefined) metrics.push({ resource: "cpu", averageUtilization: cpuPercent });
    if (autoscaling.memoryPercent !== undefined)
      metrics.push({ resource: "memory", averageUtilization: autoscaling.memoryPercent });
  }
  const replicas = autoscaling ? undefined : (spec.replicas ?? 1);
  return {
    name: spec.name,
    image: spec.image,
    labels,
    selectorLabels: { "app.kubernetes.io/name": spec.name, "app.kubernetes.io/instance": spec.name },
    // With autoscaling the Deployment leaves replicas to the HPA, so a re-apply never resets the scale.
    replicas,
    autoscaling: autoscaling ? { min: autoscaling.min, max: autoscaling.max, metrics } : undefined,
    // A budget of one unavailable pod only makes sense when there is a second pod to keep serving.
    disruptionBudget: (replicas ?? autoscaling?.min ?? 0) > 1,
    // Whenever there may be several pods, prefer different nodes, so one node going down takes only some of them.
    spreadAcrossNodes: (replicas ?? autoscaling?.max ?? 0) > 1,
    ports: spec.ports.map((port) => ({ ...port, containerPort: port.containerPort ?? port.port })),
    env: spec.env,
    resources: spec.resources,
    probes: (Object.keys(PROBE_FIELDS) as (keyof typeof PROBE_FIELDS)[]).flatMap((kind) => {
      const probe = spec.probes[kind];
      return probe ? [probeModel(spec, kind, probe)] : [];
    }),
    security: spec.security,
    service: {
      type: spec.service.type,
      loadBalancerClass: spec.service.loadBalancerClass,
      annotations: spec.service.annotations ?? {},
    },
    ingress: ingressModel(spec),
    imagePullSecrets: spec.imagePullSecrets,
  };
}
