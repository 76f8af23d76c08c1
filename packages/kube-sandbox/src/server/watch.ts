// Watches: every store change is kept in a bounded history so that a client can resume from the
// resourceVersion it last saw (client-node's informers, kubectl get -w, rollout status); a version older than the
// history gets the 410 Expired ERROR event that makes clients relist.
import type { ServerResponse } from "node:http";
import type { StoredObject, StoreEvent } from "../contract.js";
import type { MemoryObjectStore } from "../store/object-store.js";
import type { Selector } from "./selectors.js";
import { expired, type ApiError } from "./status.js";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

interface HistoryEntry {
  version: number;
  event: StoreEvent;
  /** Labels before a MODIFIED change, so selector watches can turn "stopped matching" into DELETED. */
  previousLabels: Record<string, string> | undefined;
}

export interface WatchFilter {
  resource: string;
  namespace: string | undefined;
  selector: Selector;
}

type Deliver = (type: WatchEventType, object: StoredObject) => void;

function keyOf(event: StoreEvent): string {
  return `${event.resource}/${event.object.metadata.namespace ?? ""}/${event.object.metadata.name}`;
}

export class WatchHub {
  private readonly history: HistoryEntry[] = [];
  private readonly labels = new Map<string, Record<string, string> | undefined>();
  private readonly watchers = new Set<{ filter: WatchFilter; deliver: Deliver }>();
  /** Versions up to this one are no longer in the history. */
  private horizon: number;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: MemoryObjectStore,
    /** At least this many changes are kept (up to a tenth more). */
    private readonly capacity = 10_000,
  ) {
    this.horizon = Number(store.resourceVersion);
    for (const { resource, object } of this.allObjects()) {
      this.labels.set(keyOf({ type: "ADDED", resource, object }), object.metadata.labels);
    }
    this.unsubscribe = store.observe((event) => {
      this.record(event);
    });
  }

  private *allObjects(): Generator<{ resource: string; object: StoredObject }> {
    const snapshot = this.store.snapshot();
    for (const [resource, objects] of Object.entries(snapshot.objects)) {
      for (const object of objects) yield { resource, object };
    }
  }

  private record(event: StoreEvent): void {
    const key = keyOf(event);
    const entry: HistoryEntry = {
      version: Number(event.object.metadata.resourceVersion),
      event,
      previousLabels: this.labels.get(key),
    };
    if (event.type === "DELETED") this.labels.delete(key);
    else this.labels.set(key, event.object.metadata.labels);
    this.history.push(entry);
    // Evicted a tenth at a time: removing from the front moves the whole array, which per write was a hot spot.
    if (this.history.length > this.capacity + Math.ceil(this.capacity / 10)) {
      const evicted = this.history.splice(0, this.history.length - this.capacity);
      this.horizon = evicted.at(-1)!.version;
    }
    for (const watcher of this.watchers) deliverFiltered(entry, watcher.filter, watcher.deliver);
  }

  /**
   * Starts a watch: replays the history after `sinceVersion` (or, without one, sends the current objects as
   * ADDED like the real server's "get state and start at most recent"), then follows live changes.
   * Throws a 410 ApiError when `sinceVersion` is older than the history.
   */
  watch(filter: WatchFilter, sinceVersion: number | undefined, deliver: Deliver): () => void {
    if (sinceVersion === undefined) {
      const objects = this.store.list(filter.resource, filter.namespace).filter(filter.selector);
      for (const object of objects) deliver("ADDED", object);
    } else {
      if (sinceVersion < this.horizon) throw expired(String(sinceVersion), String(this.horizon + 1));
      for (const entry of this.history)
        if (entry.version > sinceVersion) deliverFiltered(entry, filter, deliver);
    }
    const watcher = { filter, deliver };
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  close(): void {
    this.unsubscribe();
    this.watchers.clear();
  }
}

function deliverFiltered(entry: HistoryEntry, filter: WatchFilter, deliver: Deliver): void {
  const { event } = entry;
  if (event.resource !== filter.resource) return;
  if (filter.namespace !== undefined && event.object.metadata.namespace !== filter.namespace) return;
  const matchesNow = filter.selector(event.object);
  if (event.type !== "MODIFIED") {
    if (matchesNow) deliver(event.type, event.object);
    return;
  }
  const before = { ...event.object, metadata: { ...event.object.metadata, labels: entry.previousLabels } };
  const matchedBefore = filter.selector(before);
  if (matchesNow) deliver(matchedBefore ? "MODIFIED" : "ADDED", event.object);
  else if (matchedBefore) deliver("DELETED", event.object);
}

export interface WatchStreamOptions {
  timeoutSeconds: number | undefined;
  bookmarks: { intervalMs: number; apiVersion: string; kind: string } | undefined;
  currentVersion: () => string;
}

/** Streams a watch as the API server does: one JSON event per line, chunked, until timeout or disconnect. */
export function streamWatch(
  response: ServerResponse,
  start: (write: (type: WatchEventType, object: unknown) => void) => () => void,
  options: WatchStreamOptions,
): Promise<void> {
  response.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
  const write = (type: WatchEventType, object: unknown): void => {
    response.write(`${JSON.stringify({ type, object })}\n`);
  };
  response.flushHeaders();
  return new Promise((resolve) => {
    let stop: () => void = () => undefined;
    const timers: NodeJS.Timeout[] = [];
    const finish = (): void => {
      stop();
      for (const timer of timers) clearTimeout(timer);
      if (!response.writableEnded) response.end();
      resolve();
    };
    try {
      stop = start(write);
    } catch (error) {
      // A watch that cannot start (410) is still a 200 stream carrying one ERROR event, as on a real server.
      write("ERROR", (error as ApiError).toStatus());
      finish();
      return;
    }
    if (options.timeoutSeconds !== undefined) timers.push(setTimeout(finish, options.timeoutSeconds * 1000));
    const { bookmarks } = options;
    if (bookmarks) {
      timers.push(
        setInterval(() => {
          write("BOOKMARK", {
            kind: bookmarks.kind,
            apiVersion: bookmarks.apiVersion,
            metadata: { resourceVersion: options.currentVersion() },
          });
        }, bookmarks.intervalMs),
      );
    }
    response.on("close", finish);
  });
}
