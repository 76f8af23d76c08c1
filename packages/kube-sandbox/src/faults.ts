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
  /** Only requests with (true) or without (false) `dryRun=All`. */
  dryRun?: boolean;
}

export interface FailOptions {
  /** How many matching requests fail (default 1). */
  count?: number;
  /** Let this many matching requests through first: fails "the third patch of deployments". */
  skip?: number;
  match?: FaultMatch;
  /** HTTP status code of the Status answer (default 500). */
  code?: number;
  reason?: string;
  message?: string;
  /** Destroy the socket instead of answering. */
  drop?: boolean;
  /** Never answer (the request is not handled): the client's own deadline must end it. Ended by clear(). */
  hang?: boolean;
}

export interface RequestAttributes {
  verb: Verb;
  resource: string | undefined;
  namespace: string | undefined;
  name: string | undefined;
  dryRun: boolean;
}

/** What the router does to one request. */
export type FaultAction =
  | { kind: "fail"; code: number; reason: string; message: string }
  | { kind: "drop" }
  | { kind: "hang" }
  | undefined;

export interface Faults {
  /** Fails the next `count` requests that match. */
  fail(options?: FailOptions): void;
  /** Delays matching requests (all requests without `match`) by `ms` before they are handled. */
  delay(ms: number, match?: FaultMatch): void;
  /** Stops listening and drops open connections: clients get "connection refused". */
  down(): Promise<void>;
  /** Listens again on the same host and port. */
  up(): Promise<void>;
  /** Removes every failure and delay and ends hung requests (the server stays up or down as it is). */
  clear(): void;
  /**
   * Calls `listener` with each authenticated API request's attributes, in arrival order, before faults apply: lets a
   * test learn the requests an operation makes, then fail each in turn. Returns a function that stops it.
   */
  observe(listener: (request: RequestAttributes) => void): () => void;
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
    (match.name === undefined || match.name === request.name) &&
    (match.dryRun === undefined || match.dryRun === request.dryRun)
  );
}

export class FaultInjector implements Omit<Faults, "down" | "up"> {
  private failures: (FailOptions & { remaining: number; skipping: number })[] = [];
  private delays: { ms: number; match: FaultMatch | undefined }[] = [];
  private readonly observers = new Set<(request: RequestAttributes) => void>();
  private readonly hung = new Set<{ destroy(): void }>();

  fail(options: FailOptions = {}): void {
    this.failures.push({ ...options, remaining: options.count ?? 1, skipping: options.skip ?? 0 });
  }

  observe(listener: (request: RequestAttributes) => void): () => void {
    this.observers.add(listener);
    return () => this.observers.delete(listener);
  }

  /** Tells observers about a request; the router calls it for every authenticated request. */
  notify(request: RequestAttributes): void {
    for (const observer of this.observers) observer(request);
  }

  /** Keeps a hung request's socket until clear(). */
  hold(socket: { destroy(): void }): void {
    this.hung.add(socket);
  }

  delay(ms: number, match?: FaultMatch): void {
    this.delays.push({ ms, match });
  }

  clear(): void {
    this.failures = [];
    this.delays = [];
    for (const socket of this.hung) socket.destroy();
    this.hung.clear();
  }

  /** The latency to add to a request. */
  latencyFor(request: RequestAttributes): number {
    return this.delays
      .filter((delay) => matches(delay.match, request))
      .reduce((total, delay) => total + delay.ms, 0);
  }

  /** Consumes one matching failure, if any. */
  take(request: RequestAttributes): FaultAction {
    let failure: (typeof this.failures)[number] | undefined;
    for (const candidate of this.failures) {
      if (candidate.remaining <= 0 || !matches(candidate.match, request)) continue;
      if (candidate.skipping > 0) {
        candidate.skipping -= 1;
        continue;
      }
      failure = candidate;
      break;
    }
    if (!failure) return undefined;
    failure.remaining -= 1;
    this.failures = this.failures.filter((candidate) => candidate.remaining > 0);
    if (failure.drop) return { kind: "drop" };
    if (failure.hang) return { kind: "hang" };
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
