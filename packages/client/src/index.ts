// The router without the server's context: the published declarations inline it (rollup.config.js).
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
  type TRPCClient,
} from "@trpc/client";
import { EventSource } from "eventsource";
import type { ClientRouter as AppRouter } from "@babyhelm/api";

export type { AppRouter };
export { TRPCClientError };
export type BabyhelmClient = TRPCClient<AppRouter>;

export interface BabyhelmClientOptions {
  /** The server's address, e.g. "https://babyhelm.example.com" (the API is at /trpc). */
  url: string;
  /** An API token (`bhp_...`, from `auth.tokens.create`) or a session token from `auth.login({ mode: "token" })`. */
  token?: string;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

/**
 * Queries whose input can outgrow a URL (a whole spec; Node refuses request heads over 16 KB): sent as POST, which
 * the server allows for queries. The dashboard's client (apps/web/src/trpc.ts) does the same.
 */
const POSTED_QUERIES: ReadonlySet<string> = new Set(["apps.previewManifests"]);

/**
 * The typed client of a BabyHelm server for scripts and CI: queries and mutations are batched over HTTP,
 * subscriptions (rollout progress, logs) stream over server-sent events.
 */
export function createBabyhelmClient(options: BabyhelmClientOptions): BabyhelmClient {
  const url = `${options.url.replace(/\/+$/, "")}/trpc`;
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === "subscription",
        true: httpSubscriptionLink({
          url,
          EventSource,
          // The WHATWG EventSource cannot send headers; this one takes a fetch to send them with.
          eventSourceOptions: {
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...headers } }),
          },
        }),
        false: splitLink({
          condition: (operation) => POSTED_QUERIES.has(operation.path),
          true: httpBatchLink({ url, headers, methodOverride: "POST" }),
          false: httpBatchLink({ url, headers }),
        }),
      }),
    ],
  });
}

/** The tRPC error code of a failed call ("NOT_FOUND", "CONFLICT"...), or undefined for other errors. */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data = (error as TRPCClientError<AppRouter>).data;
  return data?.code;
}

/** An app's status as `apps.status` and `apps.watchStatus` give it. */
export type AppStatus = Awaited<ReturnType<BabyhelmClient["apps"]["status"]["query"]>>;

const SETTLED_STATES: ReadonlySet<string> = new Set(["ready", "failed", "drifted"]);

/** A rollout that settled in a state other than ready: `status` says why (`status.message`, its pods and events). */
export class RolloutError extends Error {
  override readonly name = "RolloutError";
  constructor(
    readonly app: string,
    readonly status: AppStatus,
  ) {
    super(`App ${app} is ${status.state}: ${status.message}`);
  }
}

/** A rollout still going on when the wait ran out; `status` is the last one seen, if any. */
export class RolloutTimeoutError extends Error {
  override readonly name = "RolloutTimeoutError";
  constructor(
    readonly app: string,
    readonly timeoutMs: number,
    readonly status: AppStatus | undefined,
  ) {
    super(
      `App ${app} did not settle within ${timeoutMs / 1000} s` +
        (status === undefined ? "" : ` (last: ${status.state}, ${status.message})`),
    );
  }
}

export interface WaitForRolloutOptions {
  project: string;
  name: string;
  /** Default 10 minutes, the Deployment's default progress deadline. */
  timeoutMs?: number;
  /** Called with every status while the rollout goes on, for a progress line in CI logs. */
  onProgress?: (status: AppStatus) => void;
}

/**
 * Follows an app's rollout (after `apps.create`, `update`, `rollback`, `restart`…) until it settles. Resolves with
 * the final status when the app is ready; rejects with RolloutError when it failed or drifted, RolloutTimeoutError
 * when it is still going after `timeoutMs`, and the call's own error (NOT_FOUND, UNAUTHORIZED…) otherwise.
 */
export function waitForRollout(client: BabyhelmClient, options: WaitForRolloutOptions): Promise<AppStatus> {
  const { project, name } = options;
  const app = `${project}/${name}`;
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  return new Promise<AppStatus>((resolve, reject) => {
    let last: AppStatus | undefined;
    let done = false;
    let subscription: { unsubscribe(): void } | undefined;
    const finish = (outcome: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      subscription?.unsubscribe();
      outcome();
    };
    const fail = (error: Error) => {
      finish(() => {
        reject(error);
      });
    };
    const timer = setTimeout(() => {
      fail(new RolloutTimeoutError(app, timeoutMs, last));
    }, timeoutMs);
    const watch = () => {
      subscription = client.apps.watchStatus.subscribe(
        { project, name },
        {
          onData: ({ data: status }) => {
            if (done) return;
            last = status;
            options.onProgress?.(status);
            if (status.state === "ready") {
              finish(() => {
                resolve(status);
              });
            } else if (SETTLED_STATES.has(status.state)) fail(new RolloutError(app, status));
          },
          onError: fail,
          // The server ends the stream once the rollout settles, or after 30 minutes: then watch again. (A broken
          // stream, as when its server stops, is no end: the link reconnects and resumes by itself.)
          onComplete: () => {
            if (!done) watch();
          },
        },
      );
    };
    watch();
  });
}
