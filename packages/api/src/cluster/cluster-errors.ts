// Every failure of a cluster call becomes one ClusterError whose message says what was being done, what the cluster
// answered, and what to do next, so routers can show it as is.
import type { ManifestIssue } from "@babyhelm/manifest-sdk";

export type ClusterErrorKind =
  | "unreachable"
  | "timeout"
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "conflict"
  | "invalid"
  | "unavailable"
  | "unknown";

export interface ClusterErrorCause {
  /** A field path such as `spec.template.spec.containers[0].image`. */
  field?: string;
  message: string;
  /** Which object, when several were sent at once: `Deployment/web (namespace shop)`. */
  object?: string;
}

const RETRYABLE_KINDS: ReadonlySet<ClusterErrorKind> = new Set([
  "unreachable",
  "timeout",
  "conflict",
  "unavailable",
]);

export class ClusterError extends Error {
  override readonly name = "ClusterError";
  readonly kind: ClusterErrorKind;
  /** The HTTP status code of the API server's answer, when there was one. */
  readonly status?: number;
  readonly retryable: boolean;
  readonly causes?: readonly ClusterErrorCause[];

  constructor(
    kind: ClusterErrorKind,
    message: string,
    options: { status?: number; retryable?: boolean; causes?: readonly ClusterErrorCause[] } = {},
  ) {
    super(message);
    this.kind = kind;
    if (options.status !== undefined) this.status = options.status;
    this.retryable = options.retryable ?? RETRYABLE_KINDS.has(kind);
    if (options.causes !== undefined && options.causes.length > 0) this.causes = options.causes;
  }
}

/** A Kubernetes `Status`, as error answers carry it. */
export interface KubeStatus {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

/** A non-2xx answer of the API server, before it is put in context. */
export class ApiStatusError extends Error {
  override readonly name = "ApiStatusError";

  constructor(
    readonly status: number,
    readonly body: KubeStatus | undefined,
    /** The raw answer when it was not a Status (a proxy's HTML page, a log endpoint's text). */
    readonly text = "",
  ) {
    super(body?.message ?? `HTTP ${status}`);
  }
}

/** Our own deadline fired before the API server answered. */
export class RequestTimeoutError extends Error {
  override readonly name = "RequestTimeoutError";

  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/** A failure found without an HTTP error (a kind the cluster does not serve, a missing namespace). */
export class ClusterFault extends Error {
  override readonly name = "ClusterFault";

  constructor(
    readonly kind: ClusterErrorKind,
    message: string,
    readonly options: { retryable?: boolean; status?: number } = {},
  ) {
    super(message);
  }
}

export interface ErrorContext {
  /** What was being done, capitalised: `Applying Deployment "web" in namespace "shop"`. */
  action: string;
  /** The API server URL. */
  server: string;
  /** Credentials that must never appear in a message (the bearer token, basic auth). */
  secrets: readonly string[];
}

const CHECK_CONFIG = "Is the cluster running? Check BABYHELM_CLUSTER / KUBECONFIG.";

const CONNECTION_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "ECONNABORTED",
]);

/** Puts any error of a cluster call in context. ClusterErrors pass through unchanged. */
export function toClusterError(error: unknown, context: ErrorContext): ClusterError {
  if (error instanceof ClusterError) return error;
  const { kind, detail, status, causes, retryable } = classify(error, context.server);
  const message = redact(`${context.action} failed: ${detail}`, context.secrets);
  return new ClusterError(kind, message, {
    ...(status === undefined ? {} : { status }),
    ...(retryable === undefined ? {} : { retryable }),
    ...(causes === undefined ? {} : { causes: causes.map((cause) => redactCause(cause, context.secrets)) }),
  });
}

/** Local validation found problems: nothing was sent. */
export function invalidManifestsError(action: string, issues: readonly ManifestIssue[]): ClusterError {
  const shown = issues
    .slice(0, 20)
    .map((issue) => `  ${issue.object}: ${fieldLine(issue.path, issue.message)}`);
  if (issues.length > shown.length) shown.push(`  …and ${issues.length - shown.length} more`);
  return new ClusterError(
    "invalid",
    `${action} was refused before anything was sent to the cluster:\n${shown.join("\n")}\nFix these fields and try again.`,
    {
      causes: issues.map((issue) => ({
        ...(issue.path === "" ? {} : { field: issue.path }),
        message: issue.message,
        object: issue.object,
      })),
    },
  );
}

interface Classified {
  kind: ClusterErrorKind;
  detail: string;
  status?: number;
  causes?: ClusterErrorCause[];
  retryable?: boolean;
}

function classify(error: unknown, server: string): Classified {
  if (error instanceof RequestTimeoutError) {
    return {
      kind: "timeout",
      detail:
        `the API server at ${server} did not answer within ${formatSeconds(error.timeoutMs)} s. ` +
        `It may be overloaded or unreachable: try again, and if it keeps happening, check BABYHELM_CLUSTER / KUBECONFIG.`,
    };
  }
  if (error instanceof ApiStatusError) return classifyStatus(error);
  if (error instanceof ClusterFault) {
    return { kind: error.kind, detail: error.message, ...error.options };
  }
  const code = systemErrorCode(error);
  if (code !== undefined && CONNECTION_CODES.has(code)) {
    const what =
      code === "ECONNRESET" || code === "EPIPE"
        ? `the connection to the API server at ${server} was closed before it answered (${code}).`
        : `cannot connect to the API server at ${server} (${code}).`;
    return { kind: "unreachable", detail: `${what} ${CHECK_CONFIG}` };
  }
  if (code !== undefined && /CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_(GET|VERIFY)/.test(code)) {
    return {
      kind: "unreachable",
      retryable: false,
      detail:
        `the API server's TLS certificate at ${server} was not accepted (${code}). ` +
        `Check the certificate-authority data of the kubeconfig context.`,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: "unknown", detail: message };
}

/** A 403 of the ResourceQuota or LimitRanger admission plugins: what was asked for, not BabyHelm's rights. */
const ADMISSION_LIMIT =
  /(exceeded quota: |failed quota: |usage per Container is |max limit to request ratio per Container)/;

function classifyStatus(error: ApiStatusError): Classified {
  const { status, body } = error;
  const reason = body?.reason;
  const said = sentence(body?.message ?? (error.text.trim().slice(0, 300) || `HTTP ${status}`));
  const causes = body?.details?.causes
    ?.filter((cause) => cause.message !== undefined || cause.field !== undefined)
    .map((cause) => ({
      ...(cause.field ? { field: cause.field } : {}),
      message: cause.message ?? cause.reason ?? "invalid",
    }));
  const base = { status, ...(causes === undefined ? {} : { causes }) };
  const answered = `${status}${reason ? ` ${reason}` : ""}`;
  // "401 Unauthorized: Unauthorized." says nothing twice.
  const saidAfterCode = said === sentence(reason ?? "") ? "." : `: ${said}`;
  switch (true) {
    case status === 400 || status === 422:
      return {
        ...base,
        kind: "invalid",
        detail: `the cluster refused it (${answered})${saidAfterCode} Fix it and try again.`,
      };
    case status === 401:
      return {
        ...base,
        kind: "unauthorized",
        detail:
          `the cluster did not accept BabyHelm's credentials (${answered})${saidAfterCode} ` +
          `Check the token or client certificate of the kubeconfig context (in-cluster: the service account token).`,
      };
    case status === 403 && /being terminated/.test(said):
      return {
        ...base,
        kind: "forbidden",
        retryable: true,
        detail: `${said} Wait until the namespace is gone and try again.`,
      };
    case status === 403 && ADMISSION_LIMIT.test(said): {
      const quota = /quota: ([a-z0-9.-]+)[,:]/.exec(said)?.[1];
      const what =
        quota === undefined ? "the namespace's LimitRange" : `the namespace's ResourceQuota "${quota}"`;
      return {
        ...base,
        kind: "invalid",
        detail:
          `${what} does not allow it (${answered})${saidAfterCode} Ask for less (fewer replicas, smaller ` +
          `requests or limits, fewer objects) or raise the project's quota.`,
      };
    }
    case status === 403:
      return {
        ...base,
        kind: "forbidden",
        detail:
          `the cluster forbids it (${answered})${saidAfterCode} BabyHelm's user or service account lacks the RBAC ` +
          `permission for this: grant it (a Role and RoleBinding) or use a kubeconfig context with more rights.`,
      };
    case status === 404:
      return { ...base, kind: "not-found", detail: said };
    case status === 409:
      return {
        ...base,
        kind: "conflict",
        detail: `${said} Someone changed it at the same time: try again.`,
      };
    case status === 429 || status >= 500:
      return {
        ...base,
        kind: "unavailable",
        detail: `the API server answered ${answered}${saidAfterCode} Try again in a moment.`,
      };
    default:
      return { ...base, kind: "unknown", detail: `the API server answered ${answered}${saidAfterCode}` };
  }
}

/** The text as a sentence: with a full stop unless it ends with punctuation already. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return trimmed === "" || /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function fieldLine(field: string, message: string): string {
  return field === "" ? message : `${field}: ${message}`;
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

function systemErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === "string" && code !== "ABORT_ERR") return code;
    current = current.cause;
  }
  return undefined;
}

function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret.length >= 6) result = result.split(secret).join("[redacted]");
  return result;
}

function redactCause(cause: ClusterErrorCause, secrets: readonly string[]): ClusterErrorCause {
  return { ...cause, message: redact(cause.message, secrets) };
}
