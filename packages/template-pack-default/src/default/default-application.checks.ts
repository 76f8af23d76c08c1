// Rules that span fields of a default@2 application spec. Each issue's path and message name the field to fix.
import type { z } from "zod";
import { checkNotAbove } from "../shared/quantity.js";
import type { DefaultAppParsed } from "./default-application.schema.js";

export type Context = z.RefinementCtx;
type Port = DefaultAppParsed["ports"][number];

export function issue(context: Context, path: PropertyKey[], message: string): void {
  context.addIssue({ code: "custom", path, message });
}

/** Finds the port a probe or the Ingress refers to: by name, or by container port or service port number. */
export function findPort(ports: readonly Port[], reference: number | string): Port | undefined {
  return typeof reference === "string"
    ? ports.find((port) => port.name === reference)
    : ports.find((port) => (port.containerPort ?? port.port) === reference || port.port === reference);
}

/** The port the Ingress routes to: the one `ingress.servicePort` names, or the first TCP port. */
export function ingressTarget(spec: DefaultAppParsed): Port | undefined {
  return servicePortTarget(spec.ports, spec.ingress?.servicePort);
}

/** The port an Ingress path routes to: the one `reference` names, or the first TCP port. */
export function servicePortTarget(
  ports: readonly Port[],
  reference: number | string | undefined,
): Port | undefined {
  return reference === undefined ? ports.find((port) => port.protocol === "TCP") : findPort(ports, reference);
}

/**
 * Reports each repeated key at `pathOf(index)`. The API server keys these lists (server-side apply refuses
 * repeats) and references by name must be unambiguous, so a repeat is refused here, where the field can be named.
 */
export function reportRepeats(
  keys: readonly (string | undefined)[],
  context: Context,
  field: (index: number) => string,
  pathOf: (index: number) => PropertyKey[],
): void {
  const firstIndex = new Map<string, number>();
  keys.forEach((key, index) => {
    if (key === undefined) return;
    const first = firstIndex.get(key);
    if (first === undefined) firstIndex.set(key, index);
    else issue(context, pathOf(index), `${field(index)} repeats ${field(first)} (${key})`);
  });
}

function checkLists(spec: DefaultAppParsed, context: Context): void {
  const { ports } = spec;
  ports.forEach((port, index) => {
    // A Service with several ports needs every one named.
    if (ports.length > 1 && port.name === undefined) {
      issue(
        context,
        ["ports", index, "name"],
        `ports[${index}].name is required when there is more than one port`,
      );
    }
  });
  const portKeys = {
    name: ports.map((port) => port.name),
    port: ports.map((port) => `${port.port}/${port.protocol}`),
    containerPort: ports.map((port) => `${port.containerPort ?? port.port}/${port.protocol}`),
  };
  for (const [field, keys] of Object.entries(portKeys)) {
    reportRepeats(
      keys,
      context,
      (index) => `ports[${index}].${field}`,
      (index) => ["ports", index, field],
    );
  }
  reportRepeats(
    spec.env.map((variable) => variable.name),
    context,
    (index) => `env[${index}].name`,
    (index) => ["env", index, "name"],
  );
  reportRepeats(
    spec.imagePullSecrets,
    context,
    (index) => `imagePullSecrets[${index}]`,
    (index) => ["imagePullSecrets", index],
  );
}

function checkScaling(spec: DefaultAppParsed, context: Context): void {
  const { replicas, autoscaling } = spec;
  if (replicas !== undefined && autoscaling !== undefined) {
    issue(context, ["autoscaling"], "set either replicas (a fixed count) or autoscaling (min/max), not both");
  }
  if (autoscaling && autoscaling.max < autoscaling.min) {
    issue(
      context,
      ["autoscaling", "max"],
      `autoscaling.max (${autoscaling.max}) must be at least autoscaling.min (${autoscaling.min})`,
    );
  }
}

function checkResources(spec: DefaultAppParsed, context: Context): void {
  const { requests, limits } = spec.resources;
  for (const resource of ["cpu", "memory"] as const) {
    checkNotAbove(
      context,
      {
        field: `resources.requests.${resource}`,
        path: ["resources", "requests", resource],
        value: requests[resource],
      },
      { field: `resources.limits.${resource}`, value: limits[resource] },
    );
  }
}

function checkPortReferences(spec: DefaultAppParsed, context: Context): void {
  for (const kind of ["liveness", "readiness", "startup"] as const) {
    // A number may point at a port the app opens without declaring it; a name must be declared.
    const reference = spec.probes[kind]?.port;
    if (typeof reference === "string" && findPort(spec.ports, reference) === undefined) {
      issue(context, ["probes", kind, "port"], `probes.${kind}.port names no port in ports[] (${reference})`);
    }
  }
  if (spec.ingress) checkIngressBackend(spec.ports, spec.ingress.servicePort, context, ["ingress"]);
}

/** Reports an Ingress backend (at `path`: the ingress or one of its hosts) with no TCP port to route to. */
export function checkIngressBackend(
  ports: readonly Port[],
  reference: number | string | undefined,
  context: Context,
  path: PropertyKey[],
): void {
  const field = path
    .map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`))
    .join("")
    .slice(1);
  const target = servicePortTarget(ports, reference);
  if (target === undefined && reference === undefined) {
    issue(context, path, `${field} needs a TCP port in ports[] to route to`);
  } else if (target === undefined) {
    issue(
      context,
      [...path, "servicePort"],
      `${field}.servicePort matches no port in ports[] (${reference})`,
    );
  } else if (target.protocol !== "TCP") {
    issue(
      context,
      [...path, "servicePort"],
      `${field}.servicePort must be a TCP port, not ${target.protocol}`,
    );
  }
}

function checkExposure(spec: DefaultAppParsed, context: Context): void {
  if (spec.service.loadBalancerClass !== undefined && spec.service.type !== "LoadBalancer") {
    issue(
      context,
      ["service", "loadBalancerClass"],
      "service.loadBalancerClass needs service.type: LoadBalancer",
    );
  }
  const tls = spec.ingress?.tls;
  if (tls && tls.secretName === undefined && tls.clusterIssuer === undefined) {
    issue(
      context,
      ["ingress", "tls"],
      "ingress.tls needs secretName (an existing TLS Secret) or clusterIssuer (cert-manager issues one)",
    );
  }
  if (
    tls?.clusterIssuer !== undefined &&
    spec.ingress?.annotations?.["cert-manager.io/cluster-issuer"] !== undefined
  ) {
    issue(
      context,
      ["ingress", "annotations"],
      "ingress.annotations must not set cert-manager.io/cluster-issuer: use ingress.tls.clusterIssuer",
    );
  }
  if (spec.security.runAsNonRoot === true && spec.security.runAsUser === 0) {
    issue(
      context,
      ["security", "runAsUser"],
      "security.runAsUser 0 is root, which security.runAsNonRoot forbids",
    );
  }
}

export function checkApplication(spec: DefaultAppParsed, context: Context): void {
  checkLists(spec, context);
  checkScaling(spec, context);
  checkResources(spec, context);
  checkPortReferences(spec, context);
  checkExposure(spec, context);
}
