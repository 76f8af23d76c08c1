// What the platform lets an app's rendered objects do on a cluster shared by many projects, whatever pack rendered
// them: Ingress hosts stay inside the operator's domains and are never wildcards (hosts are also claimed, see
// ingress-host.repository.ts), and annotations that reach outside the app (proxy configuration snippets, external
// auth and mirror targets, DNS names and addresses claimed through controllers) are refused unless the operator
// allows them. Checked on every render that would be applied or previewed.
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import type { Config } from "../config.js";
import { FieldError, type FieldIssue } from "../shared/errors.js";

export type AppPolicy = Pick<Config, "ingressDomains" | "annotationAllowList" | "newAppPacks" | "limits">;

/**
 * Annotation keys that make a controller act beyond the app: arbitrary proxy configuration (`*-snippet`), requests
 * to other addresses (external auth, mirroring), other namespaces' objects (`ns/name` references), extra host names,
 * DNS records and load-balancer addresses claimed for the app, and joining another tenant's load balancer.
 */
const DANGEROUS_ANNOTATIONS: readonly RegExp[] = [
  /-snippets?$/,
  /^nginx\.ingress\.kubernetes\.io\/(auth-url|auth-signin|auth-proxy-set-headers|auth-tls-secret|global-auth-url|enable-global-auth|mirror-target|mirror-host|mirror-uri|upstream-vhost|server-alias|fastcgi-params-configmap|default-backend|custom-headers|proxy-set-headers|custom-http-errors)$/,
  /^external-dns\.alpha\.kubernetes\.io\//,
  /^metallb\.(universe\.tf|io)\//,
  /^traefik\.ingress\.kubernetes\.io\/router\.middlewares$/,
  /^alb\.ingress\.kubernetes\.io\/group\.name$/,
  /^haproxy\.org\/(auth-url|backend-config-snippet|frontend-config-snippet)$/,
];

/** BabyHelm's own annotations are always allowed, allow-list or not. */
const OWN_ANNOTATIONS = /^babyhelm\.io\//;

/** Every host an Ingress of `manifests` serves or holds a certificate for, lowercased, without repeats. */
export function ingressHostsOf(manifests: readonly KubernetesObject[]): string[] {
  const hosts = new Set<string>();
  for (const object of manifests) {
    if (object.kind !== "Ingress") continue;
    const spec = (object as { spec?: { rules?: { host?: string }[]; tls?: { hosts?: string[] }[] } }).spec;
    for (const rule of spec?.rules ?? []) if (rule.host !== undefined) hosts.add(rule.host.toLowerCase());
    for (const tls of spec?.tls ?? []) for (const host of tls.hosts ?? []) hosts.add(host.toLowerCase());
  }
  return [...hosts];
}

/** Refuses (BAD_REQUEST naming the spec field) hosts and annotations the platform does not allow. */
export function checkAppPolicy(
  policy: AppPolicy,
  spec: unknown,
  manifests: readonly KubernetesObject[],
): void {
  const issues: FieldIssue[] = [];
  for (const host of ingressHostsOf(manifests)) {
    const problem = hostProblem(policy, host);
    if (problem !== undefined) {
      issues.push({ path: specPathOf(spec, (node) => node === host) ?? "spec", message: problem });
    }
  }
  for (const object of manifests) {
    for (const key of Object.keys(object.metadata.annotations ?? {})) {
      if (annotationAllowed(policy, key)) continue;
      issues.push({
        path: specPathOf(spec, (node) => isRecord(node) && Object.hasOwn(node, key)) ?? "spec",
        message:
          policy.annotationAllowList === undefined
            ? `annotation ${key} on the ${object.kind} is not allowed on this platform (it reaches beyond the app); ask an operator to allow it with BABYHELM_ANNOTATION_ALLOWLIST`
            : `annotation ${key} on the ${object.kind} is not on this platform's allow-list (${policy.annotationAllowList.join(", ") || "empty"})`,
      });
    }
  }
  const limit = policy.limits.envEntriesPerApp;
  for (const count of envCountsOf(manifests)) {
    if (count <= limit) continue;
    issues.push({
      path: specPathOf(spec, (node) => Array.isArray(node) && node.length > limit) ?? "spec",
      message: `has ${count} entries, more than the limit of ${limit} per app: pass bulk settings in one variable or a config file (an operator can raise BABYHELM_MAX_ENV_PER_APP)`,
    });
  }
  if (issues.length > 0) throw new FieldError(dedupe(issues), "Not allowed on this platform");
}

/** Whether a pack may be chosen for a new app (`packRef` resolved, such as default@2.0.0); existing apps keep theirs. */
export function packOpenToNewApps(policy: Pick<AppPolicy, "newAppPacks">, packRef: string): boolean {
  const allowed = policy.newAppPacks;
  if (allowed === undefined) return true;
  const at = packRef.lastIndexOf("@");
  const name = packRef.slice(0, at);
  const version = packRef.slice(at + 1);
  // An entry names the pack ("default"), a version ("default@2.0.0") or a version prefix ("default@2").
  return allowed.some(
    (entry) =>
      entry === name ||
      entry === packRef ||
      (entry.startsWith(`${name}@`) && version.startsWith(`${entry.slice(at + 1)}.`)),
  );
}

export function checkNewAppPack(policy: AppPolicy, packRef: string): void {
  if (packOpenToNewApps(policy, packRef)) return;
  throw new FieldError([
    {
      path: "pack",
      message: `new apps on this platform use ${(policy.newAppPacks ?? []).join(", ")}, not ${packRef}`,
    },
  ]);
}

/**
 * Hosts the dashboard may suggest for an app, best first: `<app>-<project>.<domain>` under the first platform
 * domain, then numbered ones; none without a domain, or when the first label would be longer than DNS allows.
 */
export function suggestedHosts(policy: AppPolicy, project: string, app: string): string[] {
  const domain = policy.ingressDomains[0];
  const label = `${app}-${project}`;
  if (domain === undefined || label.length > 60) return [];
  return [label, ...[2, 3, 4, 5].map((n) => `${label}-${n}`)].map((first) => `${first}.${domain}`);
}

function hostProblem(policy: AppPolicy, host: string): string | undefined {
  if (host.includes("*")) {
    return `${host} is a wildcard: name each host (a wildcard would take every other project's hosts under it)`;
  }
  const domains = policy.ingressDomains;
  if (domains.length === 0 || domains.some((domain) => host === domain || host.endsWith(`.${domain}`))) {
    return undefined;
  }
  return `${host} is not under this platform's domains (${domains.join(", ")}): use a host such as app.${domains[0]}`;
}

function annotationAllowed(policy: AppPolicy, key: string): boolean {
  if (OWN_ANNOTATIONS.test(key)) return true;
  const allowList = policy.annotationAllowList;
  if (allowList !== undefined) {
    return allowList.some((entry) =>
      entry.endsWith("/*") ? key.startsWith(entry.slice(0, -1)) : key === entry,
    );
  }
  return !DANGEROUS_ANNOTATIONS.some((pattern) => pattern.test(key));
}

/**
 * Where in the user's spec the first node `matches` is, as `spec.a.b[0]`: packs are free to name their fields, so a
 * refusal about a rendered object is placed by what the spec holds.
 */
export function specPathOf(spec: unknown, matches: (node: unknown) => boolean): string | undefined {
  const search = (node: unknown, path: string, depth: number): string | undefined => {
    if (matches(node)) return path;
    if (depth > 32 || node === null || typeof node !== "object") return undefined;
    const children: [string, unknown][] = Array.isArray(node)
      ? node.map((item, index) => [`${path}[${index}]`, item])
      : Object.entries(node).map(([key, item]) => [`${path}.${key}`, item]);
    for (const [at, child] of children) {
      const found = search(child, at, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return search(spec, "spec", 0);
}

/** The number of env vars of each container the objects' pod templates run. */
function envCountsOf(manifests: readonly KubernetesObject[]): number[] {
  return manifests.flatMap((object) => {
    const pod = (object as { spec?: { template?: { spec?: { containers?: { env?: unknown[] }[] } } } }).spec
      ?.template?.spec;
    return (pod?.containers ?? []).map((container) => container.env?.length ?? 0);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function dedupe(issues: FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\n${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
