// What the API is configured with. The server process reads it from the environment (apps/server/src/config.ts).
import type { TrustProxy } from "./shared/client-address.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type ClusterSelection =
  | { mode: "sandbox" }
  | { mode: "kubeconfig"; kubeconfigPath: string | undefined; context: string | undefined }
  /** serviceAccountDir: where the token, ca.crt and namespace are (default: the standard mount). */
  | { mode: "in-cluster"; serviceAccountDir?: string };

export const REGISTRATION_MODES = ["open", "invite", "closed"] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

/** What one user (or one client address) may take of a shared server. */
export interface UsageLimits {
  registrationsPerIpPerHour: number;
  projectsPerUser: number;
  logStreamsPerUser: number;
  envEntriesPerApp: number;
}

export interface Config {
  port: number;
  host: string;
  publicUrl: URL | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  cluster: ClusterSelection;
  platformNamespace: string;
  defaultPack: string;
  logLevel: LogLevel;
  /** Which X-Forwarded-For entries name the client (TRUST_PROXY). */
  trustProxy: TrustProxy;
  /** How long a validated session or API token is trusted without asking the database again (0: never). */
  credentialCacheTtlMs: number;
  grafanaDashboardUrl: string | undefined;
  driftCheckIntervalMs: number;
  /**
   * Objects labelled for an app that has no row are removed once this old (a create in flight applies its objects
   * before its rows commit; one whose server died before the commit leaves them behind).
   */
  orphanGraceMs: number;
  /** How long a SIGTERM'd server may take to finish requests in flight and close before it exits anyway. */
  shutdownGraceMs: number;
  /** The built dashboard served at every path the API does not use. */
  webDir: string;
  /** Where CPU and memory history comes from when set; otherwise the server samples metrics.k8s.io itself. */
  prometheusUrl: string | undefined;
  /** How often the server samples metrics.k8s.io (0: never). */
  metricsSampleIntervalMs: number;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  telegramApiUrl: string;
  /** Seals stored secrets (alert targets); every replica needs the same one. Else a key file in dataDir. */
  secretKey: string | undefined;
  /** Webhooks may reach loopback and private addresses (a chat server on the operator's own network). */
  alertPrivateWebhooks: boolean;
  /** The domains Ingress hosts may be under (empty: any); the dashboard suggests `<app>-<project>.<first>`. */
  ingressDomains: string[];
  /** A cert-manager ClusterIssuer for TLS hosts whose spec names none (BABYHELM_CERT_ISSUER); undefined: none. */
  certIssuer: string | undefined;
  /** Namespaces no project may take: well-known cluster components' (BABYHELM_RESERVED_NAMESPACES). */
  reservedNamespaces: string[];
  /** The label of the ingress controller's namespace, which project NetworkPolicies admit; set by the operator. */
  ingressNamespaceSelector: Record<string, string>;
  /** Annotations apps may set on their objects (exact keys, or `prefix/*`); undefined: all but the dangerous ones. */
  annotationAllowList: string[] | undefined;
  /** Modules (package names or paths, BABYHELM_PACKS) whose packs the server offers beside the built-in ones. */
  packModules: string[];
  /** The packs new apps may use (names such as "default", or refs); undefined: every pack. */
  newAppPacks: string[] | undefined;
  /** Who may create an account: anyone, only people a project creator invited, or nobody. */
  registration: RegistrationMode;
  limits: UsageLimits;
}
