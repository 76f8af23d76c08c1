// Fault injection for tests of how clients cope with a misbehaving API server: failures with a proper Status,
// dropped connections, latency, and the whole server going away and coming back on the same port.
import type { Verb } from "./resources.js";

/** Which requests a fault applies to; an absent member matches anything. Verbs are RBAC's (get, list, watch...). */
export interface FaultMatch {
  verb?: Verb;
  /** Plural resource name: "deployments". */
  resource?: string;
  namespace?: string;
  name?: string;
}

export interface FailOptions {
  /** How many matching requests fail (default 1). */
  count?: number;
  match?: FaultMatch;
  /** HTTP status code of the Status answer (default 500). */
  code?: number;
  reason?: string;
  message?: string;
  /** Destroy the socket instead of answering. */
  drop?: boolean;
}

export interface RequestAttributes {
  verb: Verb;
  resource: string | undefined;
  namespace: string | undefined;
  name: string | undefined;
}

/** What the router does to one request. */
export type FaultAction =
  { kind: "fail"; code: number; reason: string; message: string } | { kind: "drop" } | undefined;

export interface Faults {
  /** Fails the next `count` requests that match. */
  fail(options?: FailOptions): void;
  /** Delays matching requests (all requests without `match`) by `ms` before they are handled. */
  delay(ms: number, match?: FaultMatch): void;
  /** Stops listening and drops open connections: clients get "connection refused". */
  down(): Promise<void>;
  /** Listens again on the same host and port. */
  up(): Promise<void>;
  /** Removes every failure and delay (the server stays up or down as it is). */
  clear(): void;
}

const REASONS: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  410: "Expired",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

function matches(match: FaultMatch | undefined, request: RequestAttributes): boolean {
  if (!match) return true;
  return (
    (match.verb === undefined || match.verb === request.verb) &&
    (match.resource === undefined || match.resource === request.resource) &&
    (match.namespace === undefined || match.namespace === request.namespace) &&
    (match.name === undefined || match.name === request.name)
  );
}

export class FaultInjector implements Omit<Faults, "down" | "up"> {
  private failures: (FailOptions & { remaining: number })[] = [];
  private delays: { ms: number; match: FaultMatch | undefined }[] = [];

  fail(options: FailOptions = {}): void {
    this.failures.push({ ...options, remaining: options.count ?? 1 });
  }

  delay(ms: number, match?: FaultMatch): void {
    this.delays.push({ ms, match });
  }

  clear(): void {
    this.failures = [];
    this.delays = [];
  }

  /** The latency to add to a request. */
  latencyFor(request: RequestAttributes): number {
    return this.delays
      .filter((delay) => matches(delay.match, request))
      .reduce((total, delay) => total + delay.ms, 0);
  }

  /** Consumes one matching failure, if any. */
  take(request: RequestAttributes): FaultAction {
    const failure = this.failures.find(
      (candidate) => candidate.remaining > 0 && matches(candidate.match, request),
    );
    if (!failure) return undefined;
    failure.remaining -= 1;
    this.failures = this.failures.filter((candidate) => candidate.remaining > 0);
    if (failure.drop) return { kind: "drop" };
    const code = failure.code ?? 500;
    return {
      kind: "fail",
      code,
      reason: failure.reason ?? REASONS[code] ?? "InternalError",
      message:
        failure.message ?? `injected fault: ${request.verb} ${request.resource ?? "(non-resource)"} failed`,
    };
  }
}
