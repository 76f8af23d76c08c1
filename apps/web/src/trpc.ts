// The typed API: one tRPC client (batched HTTP for queries and mutations, server-sent events for subscriptions)
// and React Query bindings for every procedure of the server's AppRouter.
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "@babyhelm/api";
import { errorCode } from "./lib/errors.js";

export type { AppRouter };

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

declare module "@tanstack/react-query" {
  interface Register {
    // `authRedirect: false` on calls whose UNAUTHORIZED is an answer, not an expired session (signing in).
    queryMeta: { authRedirect?: boolean };
    mutationMeta: { authRedirect?: boolean };
  }
}

export interface ApiClientOptions {
  /** Where the API is; the dashboard is served by the same server, so the default is this origin's /trpc. */
  url?: string;
  /** Tests pass a fake server here. */
  fetch?: typeof globalThis.fetch;
}

/** Queries whose input can outgrow a URL (a whole spec): sent as POST, which the server allows for queries. */
export const POSTED_QUERIES: ReadonlySet<string> = new Set(["apps.previewManifests"]);

export function createApiClient(options: ApiClientOptions = {}) {
  const url = options.url ?? "/trpc";
  const fetchOption = options.fetch === undefined ? {} : { fetch: options.fetch };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === "subscription",
        // Same origin: the browser sends the session cookie with the event stream.
        true: httpSubscriptionLink({ url }),
        false: splitLink({
          condition: (operation) => POSTED_QUERIES.has(operation.path),
          true: httpBatchLink({ url, methodOverride: "POST", ...fetchOption }),
          false: httpBatchLink({ url, ...fetchOption }),
        }),
      }),
    ],
  });
}

export type ApiClient = ReturnType<typeof createApiClient>;

const NO_RETRY = new Set([
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "PRECONDITION_FAILED",
  "TOO_MANY_REQUESTS",
]);

/**
 * @param onUnauthorized called when a call fails because the caller is not (or no longer) signed in: the app
 * sends them to the sign-in page and back.
 */
export function createQueryClient(onUnauthorized: () => void = () => undefined): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (errorCode(error) === "UNAUTHORIZED" && query.meta?.authRedirect !== false) onUnauthorized();
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        if (errorCode(error) === "UNAUTHORIZED" && mutation.meta?.authRedirect !== false) onUnauthorized();
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // A refusal will not change by asking again; a dropped connection might.
        retry: (failures, error) => !NO_RETRY.has(errorCode(error) ?? "") && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}
