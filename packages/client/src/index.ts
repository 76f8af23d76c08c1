import type { AppRouter } from "@babyhelm/server";
import {
  TRPCClientError,
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from "@trpc/client";
import { EventSource } from "eventsource";

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
        false: httpBatchLink({ url, headers }),
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
