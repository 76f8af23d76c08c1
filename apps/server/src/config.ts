import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import {
  LOG_LEVELS,
  parseTrustProxy,
  REGISTRATION_MODES,
  type ClusterSelection,
  type Config,
} from "@babyhelm/api/runtime";
import { DNS_1123_LABEL, DNS_1123_SUBDOMAIN } from "@babyhelm/manifest-sdk/names";

export type { Config, ClusterSelection };

const clusterModes = ["sandbox", "kubeconfig", "in-cluster"] as const;

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

/** Never repeated in an error message: it goes to the log. */
const SECRET_VARIABLES: ReadonlySet<string> = new Set(["BABYHELM_SECRET_KEY", "METRICS_TOKEN"]);

/** An on/off setting: false unless set to true or 1. */
const flag = z
  .enum(["true", "false", "1", "0"], { error: "must be true or false" })
  .default("false")
  .transform((value) => value === "true" || value === "1");

/** A comma-separated list; blank entries are dropped. */
const list = z.string().transform((value) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== ""),
);

/** Namespaces of well-known cluster components: a project taking one could impersonate it (NetworkPolicies that
 * admit it by name) or, once deleted, delete a component installed there later. */
export const DEFAULT_RESERVED_NAMESPACES = [
  "default",
  "ingress-nginx",
  "cert-manager",
  "monitoring",
  "prometheus",
  "grafana",
  "logging",
  "loki",
  "traefik",
  "haproxy-controller",
  "kong",
  "istio-system",
  "istio-ingress",
  "linkerd",
  "cilium",
  "calico-system",
  "tigera-operator",
  "metallb-system",
  "external-dns",
  "external-secrets",
  "sealed-secrets",
  "vault",
  "argocd",
  "flux-system",
  "velero",
  "longhorn-system",
  "rook-ceph",
  "gatekeeper-system",
  "kyverno",
  "keda",
  "knative-serving",
  "local-path-storage",
  "metrics-server",
];

/** A limit: a whole number of at least 1. */
function limit(fallback: number) {
  return z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .default(fallback);
}

/** A duration in whole seconds of at least `min`. */
function seconds(fallback: number, min: number) {
  return z.coerce
    .number({ error: "must be a number of seconds" })
    .int("must be a whole number of seconds")
    .min(min, `must be at least ${min}`)
    .default(fallback);
}

const envSchema = z.object({
  PORT: z.coerce
    .number({ error: "must be a port number" })
    .int("must be a whole number")
    .min(0, "must be 0-65535")
    .max(65535, "must be 0-65535")
    .default(8080),
  HOST: z.string().trim().min(1).default("0.0.0.0"),
  PUBLIC_URL: optionalText.pipe(
    z
      .url({
        protocol: /^https?$/,
        error: "must be an http:// or https:// URL such as https://babyhelm.example.com",
      })
      .optional(),
  ),
  DATABASE_URL: optionalText.pipe(
    z
      .url({
        protocol: /^postgres(ql)?$/,
        error: "must be a postgres:// URL such as postgres://user@host:5432/babyhelm",
      })
      .optional(),
  ),
  BABYHELM_DATA_DIR: z.string().trim().min(1, "must not be empty").default("./.data"),
  BABYHELM_CLUSTER: optionalText.pipe(
    z.enum(clusterModes, { error: `must be one of ${clusterModes.join(", ")}` }).optional(),
  ),
  KUBECONFIG: optionalText,
  KUBE_CONTEXT: optionalText,
  /** BABYHELM_CLUSTER=in-cluster: where the ServiceAccount's token, ca.crt and namespace are. */
  BABYHELM_SERVICE_ACCOUNT_DIR: optionalText,
  BABYHELM_NAMESPACE: z
    .string()
    .trim()
    .regex(DNS_1123_LABEL, "must be a DNS-1123 label such as babyhelm")
    .default("babyhelm"),
  BABYHELM_DEFAULT_PACK: z.string().trim().min(1).default("default@2"),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  TRUST_PROXY: z
    .string()
    .default("")
    .transform((value, context) => {
      try {
        return parseTrustProxy(value);
      } catch (error) {
        context.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
  BABYHELM_CREDENTIAL_CACHE_SECONDS: z.coerce
    .number({ error: "must be a number of seconds" })
    .int("must be a whole number of seconds")
    .min(0, "must be 0 (off) or more")
    .default(5),
  GRAFANA_DASHBOARD_URL: optionalText,
  DRIFT_CHECK_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
  ORPHAN_GRACE_SECONDS: seconds(120, 1),
  SHUTDOWN_GRACE_SECONDS: seconds(25, 1),
  BABYHELM_WEB_DIR: z.string().trim().min(1, "must not be empty").optional(),
  PROMETHEUS_URL: optionalText.pipe(
    z
      .url({
        protocol: /^https?$/,
        error: "must be an http:// or https:// URL such as http://prometheus.monitoring:9090",
      })
      .optional(),
  ),
  METRICS_SAMPLE_SECONDS: z.coerce
    .number({ error: "must be a number of seconds" })
    .int("must be a whole number of seconds")
    .min(0, "must be 0 (off) or more")
    .default(30),
  METRICS_TOKEN: optionalText.pipe(
    z.string().min(16, "must be at least 16 characters (it guards /metrics)").optional(),
  ),
  BABYHELM_SECRET_KEY: optionalText.pipe(
    z
      .string()
      .min(32, "must be at least 32 characters, such as the output of: openssl rand -base64 32")
      .optional(),
  ),
  ALERT_PRIVATE_WEBHOOKS: flag,
  BABYHELM_INGRESS_DOMAINS: optionalText.pipe(
    list
      .pipe(
        z.array(
          z
            .string()
            .regex(DNS_1123_SUBDOMAIN, "must list DNS domains such as apps.example.com, separated by commas"),
        ),
      )
      .optional(),
  ),
  BABYHELM_CERT_ISSUER: optionalText.pipe(
    z
      .string()
      .regex(DNS_1123_SUBDOMAIN, "must be a ClusterIssuer's name such as letsencrypt-prod")
      .optional(),
  ),
  BABYHELM_RESERVED_NAMESPACES: optionalText.pipe(list.optional()),
  BABYHELM_INGRESS_NAMESPACE_LABEL: z
    .string()
    .trim()
    .regex(/^[^=\s]+=[^=\s]*$/, "must be one label as key=value, such as babyhelm.io/ingress-controller=true")
    .default("babyhelm.io/ingress-controller=true"),
  BABYHELM_ANNOTATION_ALLOWLIST: optionalText.pipe(list.optional()),
  BABYHELM_NEW_APP_PACKS: optionalText.pipe(list.optional()),
  BABYHELM_PACKS: optionalText.pipe(list.optional()),
  BABYHELM_REGISTRATION: z
    .enum(REGISTRATION_MODES, { error: `must be one of ${REGISTRATION_MODES.join(", ")}` })
    .default("open"),
  BABYHELM_REGISTRATIONS_PER_IP_HOUR: limit(20),
  BABYHELM_MAX_PROJECTS_PER_USER: limit(20),
  BABYHELM_MAX_LOG_STREAMS_PER_USER: limit(10),
  BABYHELM_MAX_ENV_PER_APP: limit(200),
  TELEGRAM_API_URL: optionalText.pipe(
    z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
  ),
});

/** Every environment variable the server reads (install manifests are checked against it). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  }
}

/** Reads the configuration from environment variables; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? "environment");
        return `${variable}=${shownValue(variable, env[variable] ?? "")}: ${issue.message}`;
      }),
    );
  }
  const values = parsed.data;
  return {
    port: values.PORT,
    host: values.HOST,
    publicUrl: values.PUBLIC_URL === undefined ? undefined : new URL(values.PUBLIC_URL),
    databaseUrl: values.DATABASE_URL,
    dataDir: resolve(values.BABYHELM_DATA_DIR),
    cluster: selectCluster(values, env),
    platformNamespace: values.BABYHELM_NAMESPACE,
    defaultPack: values.BABYHELM_DEFAULT_PACK,
    logLevel: values.LOG_LEVEL,
    trustProxy: values.TRUST_PROXY,
    credentialCacheTtlMs: values.BABYHELM_CREDENTIAL_CACHE_SECONDS * 1000,
    grafanaDashboardUrl: values.GRAFANA_DASHBOARD_URL,
    driftCheckIntervalMs: values.DRIFT_CHECK_INTERVAL_SECONDS * 1000,
    orphanGraceMs: values.ORPHAN_GRACE_SECONDS * 1000,
    shutdownGraceMs: values.SHUTDOWN_GRACE_SECONDS * 1000,
    webDir: resolve(values.BABYHELM_WEB_DIR ?? fileURLToPath(new URL("../../web/dist", import.meta.url))),
    prometheusUrl: values.PROMETHEUS_URL?.replace(/\/+$/, ""),
    metricsSampleIntervalMs: values.METRICS_SAMPLE_SECONDS * 1000,
    metricsToken: values.METRICS_TOKEN,
    telegramApiUrl: (values.TELEGRAM_API_URL ?? "https://api.telegram.org").replace(/\/+$/, ""),
    secretKey: values.BABYHELM_SECRET_KEY,
    alertPrivateWebhooks: values.ALERT_PRIVATE_WEBHOOKS,
    ingressDomains: values.BABYHELM_INGRESS_DOMAINS ?? [],
    certIssuer: values.BABYHELM_CERT_ISSUER,
    reservedNamespaces: values.BABYHELM_RESERVED_NAMESPACES ?? DEFAULT_RESERVED_NAMESPACES,
    ingressNamespaceSelector: Object.fromEntries([
      values.BABYHELM_INGRESS_NAMESPACE_LABEL.split("="),
    ]) as Record<string, string>,
    annotationAllowList: values.BABYHELM_ANNOTATION_ALLOWLIST,
    packModules: values.BABYHELM_PACKS ?? [],
    newAppPacks: values.BABYHELM_NEW_APP_PACKS,
    registration: values.BABYHELM_REGISTRATION,
    limits: {
      registrationsPerIpPerHour: values.BABYHELM_REGISTRATIONS_PER_IP_HOUR,
      projectsPerUser: values.BABYHELM_MAX_PROJECTS_PER_USER,
      logStreamsPerUser: values.BABYHELM_MAX_LOG_STREAMS_PER_USER,
      envEntriesPerApp: values.BABYHELM_MAX_ENV_PER_APP,
    },
  };
}

/** A bad value as an error message may show it: secrets hidden, a URL's password masked. */
function shownValue(variable: string, value: string): string {
  if (SECRET_VARIABLES.has(variable)) return "(hidden)";
  return JSON.stringify(value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*):[^/@]*@/i, "$1:***@"));
}

function selectCluster(
  values: {
    BABYHELM_CLUSTER?: (typeof clusterModes)[number] | undefined;
    KUBECONFIG?: string | undefined;
    KUBE_CONTEXT?: string | undefined;
    BABYHELM_SERVICE_ACCOUNT_DIR?: string | undefined;
  },
  env: NodeJS.ProcessEnv,
): ClusterSelection {
  const { BABYHELM_CLUSTER: mode, KUBECONFIG: kubeconfig, KUBE_CONTEXT: context } = values;
  if (mode === "sandbox") return { mode };
  if (mode === "in-cluster") {
    const directory = values.BABYHELM_SERVICE_ACCOUNT_DIR;
    return directory === undefined ? { mode } : { mode, serviceAccountDir: directory };
  }
  const defaultPath = join(env.HOME ?? homedir(), ".kube", "config");
  const found = kubeconfig ?? (existsSync(defaultPath) ? defaultPath : undefined);
  if (mode === "kubeconfig") {
    if (found === undefined) {
      throw new ConfigError([
        `BABYHELM_CLUSTER=kubeconfig: no kubeconfig found (set KUBECONFIG, or create ${defaultPath})`,
      ]);
    }
    return { mode, kubeconfigPath: found, context };
  }
  return found === undefined ? { mode: "sandbox" } : { mode: "kubeconfig", kubeconfigPath: found, context };
}
