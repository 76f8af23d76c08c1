import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { AppStatus } from "../../lib/app-state.js";
import { errorCode } from "../../lib/errors.js";
import { useTRPC, useTRPCClient } from "../../trpc.js";

export interface WatchedStatus {
  /** The newest status the stream sent, if any. */
  status: AppStatus | undefined;
  /** The stream is open: the status on screen follows the cluster as it changes. */
  live: boolean;
  /** The stream ended because the app is gone (NOT_FOUND, saying who deleted it when the server knows). */
  gone: unknown;
  /**
   * The stream broke (its server stopped or went away) and the client is connecting again, to resume where it was.
   */
  reconnecting: boolean;
}

/**
 * Follows an app's rollout over `apps.watchStatus` (server-sent events) until it settles (ready, failed, drifted).
 * A new `generation` (after a deploy, restart, roll back…) watches the new rollout. When the stream ends, the app's
 * details are read again, so that pods and events are those of the settled state.
 */
export function useWatchedStatus(project: string, name: string, generation: number): WatchedStatus {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const key = JSON.stringify([project, name, generation]);
  // Kept with the stream it came from: another app's (or an earlier rollout's) stream is not this one's news.
  const [latest, setLatest] = useState<{ key: string; status: AppStatus } | undefined>();
  const [endedKey, setEndedKey] = useState<string | undefined>();
  const [gone, setGone] = useState<{ key: string; error: unknown } | undefined>();
  const [reconnectingKey, setReconnectingKey] = useState<string | undefined>();

  useEffect(() => {
    // Unsubscribing may still complete the stream: what follows is not news.
    let active = true;
    const ended = () => {
      if (!active) return;
      setEndedKey(key);
      void queryClient.invalidateQueries(trpc.apps.get.queryFilter({ project, name }));
      void queryClient.invalidateQueries(trpc.apps.list.pathFilter());
    };
    const subscription = client.apps.watchStatus.subscribe(
      { project, name },
      {
        onData: ({ data: next }) => {
          if (active) setLatest({ key, status: next });
        },
        onError: (error) => {
          if (active && errorCode(error) === "NOT_FOUND") setGone({ key, error });
          ended();
        },
        onComplete: ended,
        // "connecting" with an error: the stream broke and the link is reconnecting; "pending": it is back.
        onConnectionStateChange: (state) => {
          if (active)
            setReconnectingKey(state.state === "connecting" && state.error !== null ? key : undefined);
        },
      },
    );
    return () => {
      active = false;
      subscription.unsubscribe();
    };
  }, [client, trpc, queryClient, project, name, key]);

  return {
    status: latest?.key === key ? latest.status : undefined,
    live: endedKey !== key,
    gone: gone?.key === key ? gone.error : undefined,
    reconnecting: reconnectingKey === key && endedKey !== key,
  };
}
