import { useQuery, type QueryClient, type QueryKey } from "@tanstack/react-query";
import type { RouterOutputs } from "@babyhelm/api";
import { useTRPC } from "../trpc.js";

export type Me = NonNullable<RouterOutputs["auth"]["me"]>;

/** Why the session ended (it expired, or the person signed out), for the redirect that follows. */
export type SessionEnd = "expired" | "signed-out";
const SESSION_END_KEY = ["session-end"] as const;

/** The signed-in user, null when nobody is, undefined while the server has not said yet. */
export function useMe() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.auth.me.queryOptions(), staleTime: 60_000 });
}

/**
 * Someone signed in, out, or their session ended: drop everything cached for the previous person (it was theirs),
 * then record who is here now.
 */
export function resetSession(
  queryClient: QueryClient,
  meKey: QueryKey,
  user: Me | null,
  ended?: SessionEnd,
): void {
  const meHash = JSON.stringify(meKey);
  queryClient.removeQueries({
    predicate: (query) => JSON.stringify(query.queryKey) !== meHash && query.queryKey[0] !== "readyz",
  });
  if (ended !== undefined) queryClient.setQueryData(SESSION_END_KEY, ended);
  queryClient.setQueryData(meKey, user);
}

export function sessionEnd(queryClient: QueryClient): SessionEnd | undefined {
  return queryClient.getQueryData<SessionEnd>(SESSION_END_KEY);
}
