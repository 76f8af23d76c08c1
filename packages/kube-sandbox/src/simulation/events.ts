// core/v1 Events, recorded like client-go's EventRecorder: an identical event (same object, reason, message and
// source) is not duplicated, its count and lastTimestamp go up; events expire after an hour like the API server's
// default --event-ttl, so a long-running sandbox does not grow without bound.
import type { ObjectStore, StoredObject } from "../contract.js";
import { now } from "../store/object-store.js";
import { acceptsNewObjects } from "./objects.js";
import type { Timers } from "./runtime.js";

type EventType = "Normal" | "Warning";

export interface EventSource {
  component: string;
  host?: string;
}

interface RecordedEvent {
  namespace: string;
  name: string;
  at: number;
}

const EVENT_TTL_MS = 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 5 * 60 * 1000;

export class EventRecorder {
  private readonly recorded = new Map<string, RecordedEvent>();
  private sequence = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly timers: Timers,
  ) {
    this.scheduleSweep();
  }

  record(
    involved: StoredObject,
    type: EventType,
    reason: string,
    message: string,
    source: EventSource,
    fieldPath?: string,
  ): void {
    const namespace = involved.metadata.namespace ?? "default";
    const key = [involved.metadata.uid, fieldPath ?? "", reason, message, source.component, type].join(
      "\u0000",
    );
    const time = now();
    const previous = this.recorded.get(key);
    const existing = previous && this.store.get("events", previous.namespace, previous.name);
    if (previous && existing) {
      this.store.update("events", {
        ...existing,
        count: Number(existing.count ?? 1) + 1,
        lastTimestamp: time,
      });
      previous.at = Date.now();
      return;
    }
    if (!acceptsNewObjects(this.store, namespace)) return;
    // Real event names are "<object>.<unix nanos in hex>"; the sequence keeps two events in one millisecond apart.
    const name = `${involved.metadata.name}.${(BigInt(Date.now()) * 1_000_000n + BigInt(this.sequence++ % 1_000_000)).toString(16)}`;
    this.store.create("events", {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: involved.apiVersion,
        kind: involved.kind,
        name: involved.metadata.name,
        namespace: involved.metadata.namespace,
        uid: involved.metadata.uid,
        resourceVersion: involved.metadata.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: time,
      lastTimestamp: time,
      eventTime: null,
      source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
      reportingComponent: source.component,
      reportingInstance: source.host ?? "",
    });
    this.recorded.set(key, { namespace, name, at: Date.now() });
  }

  private scheduleSweep(): void {
    this.timers.schedule("events:sweep", SWEEP_INTERVAL_MS, () => {
      const cutoff = Date.now() - EVENT_TTL_MS;
      for (const [key, event] of this.recorded) {
        if (event.at >= cutoff) continue;
        this.store.delete("events", event.namespace, event.name);
        this.recorded.delete(key);
      }
      this.scheduleSweep();
    });
  }
}
