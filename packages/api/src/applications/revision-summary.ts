// What a revision changed, in plain words for its entry in the list ("image nginx:1.27 → 1.28, env MODE changed,
// replicas 2 → 3"); the field paths stay in the detailed diff. Env values may be secrets: only their names are said.
import { diffManifests, type KubernetesObject } from "@babyhelm/manifest-sdk";

interface Container {
  image?: string;
  env?: { name: string; value?: unknown; valueFrom?: unknown }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  ports?: { containerPort?: number }[];
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  startupProbe?: unknown;
}

interface Spec {
  replicas?: number;
  template?: { spec?: { containers?: Container[] } };
  minReplicas?: number;
  maxReplicas?: number;
  metrics?: unknown;
  type?: string;
  ports?: { port?: number }[];
  rules?: { host?: string }[];
  tls?: unknown;
}

/** Paths each kind's sentences below account for; any other change is reported as "other settings". */
const DESCRIBED: Record<string, RegExp> = {
  Deployment:
    /^spec\.(replicas|template\.spec\.containers\[0\]\.(image|env|resources|ports|readinessProbe|livenessProbe|startupProbe))\b/,
  HorizontalPodAutoscaler: /^spec\.(minReplicas|maxReplicas|metrics)\b/,
  Service: /^spec\.(type|ports)\b/,
  Ingress: /^spec\.(rules|tls)\b/,
};
/** The version label follows the image tag, which is said already. */
const VERSION_LABEL = /\["app\.kubernetes\.io\/version"\]$/;
/** The secrets' version on the pod template: which secrets changed is said by name (see app-secrets.service.ts). */
const SECRETS_VERSION = /\["babyhelm\.io\/secrets-version"\]$/;

/**
 * The changes from `before` to `after` as short phrases, in a fixed order (image, replicas, env, resources, ports,
 * probes, autoscaling, Service, Ingress, anything else). `before` undefined: the first revision, described whole.
 */
export function summarizeRevision(
  before: readonly KubernetesObject[] | undefined,
  after: readonly KubernetesObject[],
): string[] {
  if (before === undefined) return describeFirst(after);
  const phrases: string[] = [];
  const old = byKind(before);
  const now = byKind(after);
  const containerBefore = firstContainer(old.Deployment);
  const containerAfter = firstContainer(now.Deployment);
  phrases.push(...imageChange(containerBefore?.image, containerAfter?.image));
  const replicasBefore = specOf(old.Deployment)?.replicas;
  const replicasAfter = specOf(now.Deployment)?.replicas;
  if (replicasBefore !== undefined && replicasAfter !== undefined && replicasBefore !== replicasAfter) {
    phrases.push(`replicas ${replicasBefore} → ${replicasAfter}`);
  }
  phrases.push(...envChanges(containerBefore?.env ?? [], containerAfter?.env ?? []));
  phrases.push(...resourceChanges(containerBefore?.resources, containerAfter?.resources));
  const portsBefore = (containerBefore?.ports ?? []).map((port) => port.containerPort).join(", ");
  const portsAfter = (containerAfter?.ports ?? []).map((port) => port.containerPort).join(", ");
  if (portsBefore !== portsAfter)
    phrases.push(`container port ${portsBefore || "none"} → ${portsAfter || "none"}`);
  else if (!same(containerBefore?.ports, containerAfter?.ports)) phrases.push("container ports changed");
  for (const [probe, label] of [
    ["readinessProbe", "readiness probe"],
    ["livenessProbe", "liveness probe"],
    ["startupProbe", "startup probe"],
  ] as const) {
    phrases.push(...presence(label, containerBefore?.[probe], containerAfter?.[probe]));
  }
  phrases.push(
    ...autoscalingChanges(specOf(old.HorizontalPodAutoscaler), specOf(now.HorizontalPodAutoscaler)),
  );
  phrases.push(...serviceChanges(old.Service, now.Service));
  phrases.push(...ingressChanges(old.Ingress, now.Ingress));
  phrases.push(...otherChanges(before, after));
  return phrases;
}

function describeFirst(after: readonly KubernetesObject[]): string[] {
  const objects = byKind(after);
  const phrases: string[] = [];
  const image = firstContainer(objects.Deployment)?.image;
  if (image !== undefined) phrases.push(`image ${image}`);
  const autoscaler = specOf(objects.HorizontalPodAutoscaler);
  const replicas = specOf(objects.Deployment)?.replicas;
  if (autoscaler !== undefined) phrases.push(`autoscaling ${range(autoscaler)} replicas`);
  else if (replicas !== undefined) phrases.push(`${replicas} replica${replicas === 1 ? "" : "s"}`);
  const hosts = hostsOf(objects.Ingress);
  if (hosts !== "") phrases.push(`Ingress ${hosts}`);
  return phrases;
}

function byKind(objects: readonly KubernetesObject[]): Partial<Record<string, KubernetesObject>> {
  const found: Partial<Record<string, KubernetesObject>> = {};
  for (const object of objects) found[object.kind] ??= object;
  return found;
}

function specOf(object: KubernetesObject | undefined): Spec | undefined {
  return (object as { spec?: Spec } | undefined)?.spec;
}

function firstContainer(deployment: KubernetesObject | undefined): Container | undefined {
  return specOf(deployment)?.template?.spec?.containers?.[0];
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** "image nginx:1.27 → 1.28" when only the tag changed, the whole references otherwise. */
function imageChange(before: string | undefined, after: string | undefined): string[] {
  if (before === after || after === undefined) return [];
  if (before === undefined) return [`image ${after}`];
  const [repository, tag] = splitTag(before);
  const [repositoryAfter, tagAfter] = splitTag(after);
  if (repository === repositoryAfter && tag !== undefined && tagAfter !== undefined) {
    return [`image ${before} → ${tagAfter}`];
  }
  return [`image ${before} → ${after}`];
}

function splitTag(image: string): [string, string | undefined] {
  const at = image.lastIndexOf(":");
  // A colon before the last "/" is a registry's port, not a tag.
  if (at === -1 || at < image.lastIndexOf("/") || image.includes("@")) return [image, undefined];
  return [image.slice(0, at), image.slice(at + 1)];
}

type EnvVar = NonNullable<Container["env"]>[number];

function envChanges(before: EnvVar[], after: EnvVar[]): string[] {
  const old = new Map(before.map((variable) => [variable.name, variable]));
  const now = new Map(after.map((variable) => [variable.name, variable]));
  const phrases: string[] = [];
  for (const [name, variable] of now) {
    const previous = old.get(name);
    if (previous === undefined) phrases.push(`env ${name} added`);
    else if (!same(previous, variable)) phrases.push(`env ${name} changed`);
  }
  for (const name of old.keys()) if (!now.has(name)) phrases.push(`env ${name} removed`);
  return phrases;
}

const RESOURCE_NAMES: Record<string, string> = { cpu: "CPU", memory: "memory" };

function resourceChanges(before: Container["resources"], after: Container["resources"]): string[] {
  const phrases: string[] = [];
  for (const [bound, label] of [
    ["requests", "request"],
    ["limits", "limit"],
  ] as const) {
    const old = before?.[bound] ?? {};
    const now = after?.[bound] ?? {};
    for (const resource of new Set([...Object.keys(old), ...Object.keys(now)])) {
      const name = `${RESOURCE_NAMES[resource] ?? resource} ${label}`;
      const [a, b] = [old[resource], now[resource]];
      if (a === b) continue;
      phrases.push(
        a === undefined ? `${name} set to ${b}` : b === undefined ? `${name} removed` : `${name} ${a} → ${b}`,
      );
    }
  }
  return phrases;
}

function presence(label: string, before: unknown, after: unknown): string[] {
  if (same(before, after)) return [];
  if (before === undefined) return [`${label} added`];
  if (after === undefined) return [`${label} removed`];
  return [`${label} changed`];
}

function range(spec: Spec): string {
  return `${spec.minReplicas ?? 1}–${spec.maxReplicas ?? "?"}`;
}

function autoscalingChanges(before: Spec | undefined, after: Spec | undefined): string[] {
  if (before === undefined && after === undefined) return [];
  if (before === undefined) return [`autoscaling on (${range(after!)} replicas)`];
  if (after === undefined) return ["autoscaling off"];
  const phrases: string[] = [];
  if (range(before) !== range(after)) phrases.push(`autoscaling ${range(before)} → ${range(after)} replicas`);
  if (!same(before.metrics, after.metrics)) phrases.push("autoscaling target changed");
  return phrases;
}

function serviceChanges(before: KubernetesObject | undefined, after: KubernetesObject | undefined): string[] {
  if (before === undefined || after === undefined) return [];
  const [old, now] = [specOf(before), specOf(after)];
  const phrases: string[] = [];
  if (old?.type !== now?.type)
    phrases.push(`Service type ${old?.type ?? "ClusterIP"} → ${now?.type ?? "ClusterIP"}`);
  const portsBefore = (old?.ports ?? []).map((port) => port.port).join(", ");
  const portsAfter = (now?.ports ?? []).map((port) => port.port).join(", ");
  if (portsBefore !== portsAfter)
    phrases.push(`Service port ${portsBefore || "none"} → ${portsAfter || "none"}`);
  else if (!same(old?.ports, now?.ports)) phrases.push("Service ports changed");
  return phrases;
}

function hostsOf(ingress: KubernetesObject | undefined): string {
  return (specOf(ingress)?.rules ?? [])
    .map((rule) => rule.host)
    .filter((host): host is string => host !== undefined)
    .join(", ");
}

function ingressChanges(before: KubernetesObject | undefined, after: KubernetesObject | undefined): string[] {
  if (before === undefined && after === undefined) return [];
  if (before === undefined) return [`Ingress added (${hostsOf(after) || "no host"})`];
  if (after === undefined) return [`Ingress removed (${hostsOf(before) || "no host"})`];
  const phrases: string[] = [];
  const [hostsBefore, hostsAfter] = [hostsOf(before), hostsOf(after)];
  if (hostsBefore !== hostsAfter) phrases.push(`Ingress host ${hostsBefore} → ${hostsAfter}`);
  else if (!same(specOf(before)?.rules, specOf(after)?.rules)) phrases.push("Ingress rules changed");
  if (!same(specOf(before)?.tls, specOf(after)?.tls)) phrases.push("Ingress TLS changed");
  return phrases;
}

/** Objects added or removed other than those said above, and changes to fields no sentence above covers. */
function otherChanges(before: readonly KubernetesObject[], after: readonly KubernetesObject[]): string[] {
  const phrases: string[] = [];
  for (const change of diffManifests(before, after)) {
    const kind = change.object.split("/")[0] ?? "";
    const name = change.object.slice(kind.length + 1);
    if (change.change !== "changed") {
      if (kind === "Ingress" || kind === "HorizontalPodAutoscaler") continue;
      phrases.push(`${kind} ${name} ${change.change}`);
      continue;
    }
    const described = DESCRIBED[kind];
    const rest = (change.fields ?? []).filter(
      (field) =>
        !VERSION_LABEL.test(field.path) &&
        !SECRETS_VERSION.test(field.path) &&
        !(described?.test(field.path) ?? false),
    );
    if (rest.length > 0) phrases.push(`other settings of ${kind} ${name} changed`);
  }
  return phrases;
}
