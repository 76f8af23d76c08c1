// The events an app's status shows, whatever its workload: newest first, as AppStatus reports them.
import type { Event } from "kubernetes-types/core/v1.js";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import type { AppStatus } from "./app-status.js";

type LiveEvent = KubernetesObject & Event;

const EVENT_LIMIT = 20;

export function recentEvents(events: readonly LiveEvent[]): AppStatus["events"] {
  return [...events]
    .sort((a, b) => eventTime(b).localeCompare(eventTime(a)))
    .slice(0, EVENT_LIMIT)
    .map((event) => {
      const lastSeen = eventTime(event);
      return {
        type: event.type ?? "Normal",
        reason: event.reason ?? "",
        message: event.message ?? "",
        object: `${event.involvedObject?.kind ?? ""}/${event.involvedObject?.name ?? ""}`,
        count: event.count ?? event.series?.count ?? 1,
        ...(lastSeen === "" ? {} : { lastSeen }),
      };
    });
}

/** When the event last happened, by the newest of the times the API server may have set; "" when none is. */
export function eventTime(event: LiveEvent): string {
  return (
    event.lastTimestamp ??
    event.series?.lastObservedTime ??
    event.eventTime ??
    event.firstTimestamp ??
    event.metadata.creationTimestamp ??
    ""
  );
}
