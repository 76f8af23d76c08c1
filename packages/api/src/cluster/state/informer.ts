// One kind's objects kept in memory by list + watch, as client-go's informers do: list once, then watch from the
// list's resourceVersion (bookmarks move it on while nothing changes), resume a dropped watch from the last version
// seen, list again when the server answers 410 Gone (objects deleted meanwhile drop out), and reconnect with
// backoff while the API server is away. Written here rather than taken from @kubernetes/client-node, whose
// informer goes through its object API (which drops fields of built-in kinds, see kube-transport.ts) and reports
// neither its sync state nor how long it has been disconnected, both of which status and /readyz need.
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { pause } from "../../shared/pause.js";
import { ClusterError, WatchExpiredError, type Cluster, type WatchEventType } from "../cluster.js";

export interface InformerScope {
  apiVersion: string;
  kind: string;
  /** One namespace; all of them without. */
  namespace?: string;
  /** Only what this selects is listed and watched (the API server filters). */
  labelSelector?: string;
  /** Objects to keep of those the server sends; the rest are dropped on arrival (memory follows what is kept). */
  keep?: (object: KubernetesObject) => boolean;
}

export interface InformerChange {
  type: WatchEventType;
  object: KubernetesObject;
}

export interface InformerTiming {
  /** The longest pause between reconnects (default 5 s). */
  maxReconnectPauseMs: number;
  /** The clock of disconnectedSince (the server's, which tests may set). */
  now(): number;
}

/** "namespace/name": one object of the kind. */
type ObjectKey = string;

export class Informer {
  private readonly objects = new Map<ObjectKey, KubernetesObject>();
  private readonly byNamespace = new Map<string, Map<ObjectKey, KubernetesObject>>();
  /**
   * list()'s answers, kept until the namespace changes: reads share one array, and what callers derive from it
   * (indexes by owner, by event subject) can be remembered by its identity.
   */
  private readonly lists = new Map<string, readonly KubernetesObject[]>();
  private version: string | undefined;
  private hasListed = false;
  private syncWaiters: (() => void)[] = [];
  private failure: ClusterError | undefined;
  private disconnectedAt: number | undefined;
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly cluster: Cluster,
    readonly scope: InformerScope,
    private readonly timing: InformerTiming,
    private readonly onChange: (change: InformerChange) => void,
  ) {}

  /** Starts listing and watching; runs until stop(). */
  start(): void {
    this.running ??= this.run(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    for (const resolve of this.syncWaiters.splice(0)) resolve();
  }

  /** Listed at least once: the objects are the cluster's as of a moment, kept up to date from then on. */
  get synced(): boolean {
    return this.hasListed;
  }

  /** The last resourceVersion seen (a list, an event or a bookmark). */
  get resourceVersion(): string | undefined {
    return this.version;
  }

  /** Since when the watch has been unable to reach the API server (undefined while connected). */
  get disconnectedSince(): number | undefined {
    return this.disconnectedAt;
  }

  /** Why the last attempt to list or watch failed, while disconnected. */
  get lastError(): ClusterError | undefined {
    return this.disconnectedAt === undefined ? undefined : this.failure;
  }

  /** Resolves once synced, or when `signal` aborts or the informer stops (check `synced`). */
  whenSynced(signal?: AbortSignal): Promise<void> {
    if (this.hasListed || this.abort.signal.aborted || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener("abort", done);
        resolve();
      };
      this.syncWaiters.push(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  get(namespace: string | undefined, name: string): KubernetesObject | undefined {
    return this.objects.get(keyOf(namespace, name));
  }

  /** The objects of one namespace, or all of them: the same array until something in it changes. */
  list(namespace?: string): readonly KubernetesObject[] {
    const key = namespace ?? ALL_NAMESPACES;
    let objects = this.lists.get(key);
    if (objects === undefined) {
      objects = [
        ...(namespace === undefined ? this.objects : (this.byNamespace.get(namespace) ?? [])).values(),
      ];
      this.lists.set(key, objects);
    }
    return objects;
  }

  get size(): number {
    return this.objects.size;
  }

  /**
   * Lists one namespace and takes in what `keep` now accepts: for a namespace that became BabyHelm's after its
   * objects' events were dropped. Newer versions win, so a watch event that raced the list is not undone.
   */
  async adoptNamespace(namespace: string): Promise<void> {
    const { apiVersion, kind, labelSelector } = this.scope;
    const listed = await this.cluster.listWithVersion(apiVersion, kind, { namespace, labelSelector });
    for (const object of listed.items) this.take(object);
  }

  /** Forgets a namespace's objects (it is gone, or no longer BabyHelm's). */
  dropNamespace(namespace: string): void {
    for (const object of this.list(namespace)) this.remove(object);
  }

  private async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      const openedAt = performance.now();
      let received = false;
      try {
        if (this.version === undefined) {
          await this.relist();
          received = true;
        }
        const { apiVersion, kind, namespace, labelSelector } = this.scope;
        for await (const event of this.cluster.watchFrom(
          apiVersion,
          kind,
          {
            namespace,
            labelSelector,
            resourceVersion: this.version,
            onOpen: () => {
              this.connected();
            },
          },
          signal,
        )) {
          received = true;
          if (event.type === "BOOKMARK") this.version = event.resourceVersion;
          else {
            this.version = versionOf(event.object) ?? this.version;
            if (event.type === "DELETED") this.removeUnlessNewer(event.object);
            else this.take(event.object);
          }
        }
        // The server ended the watch (its timeout): resume from the last version at once.
        if (received || performance.now() - openedAt > 1000) failures = 0;
        else failures += 1;
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof WatchExpiredError) {
          this.version = undefined;
          continue;
        }
        failures += 1;
        this.disconnected(error);
      }
      if (failures > 0) await pause(this.pauseMs(failures), signal);
    }
  }

  private async relist(): Promise<void> {
    const { apiVersion, kind, namespace, labelSelector } = this.scope;
    const listed = await this.cluster.listWithVersion(apiVersion, kind, { namespace, labelSelector });
    const seen = new Set<ObjectKey>();
    for (const object of listed.items) {
      const key = keyOf(object.metadata.namespace, object.metadata.name);
      seen.add(key);
      this.take(object);
    }
    // Deleted while the watch was away (or before a 410): gone from the list, so gone from here.
    for (const [key, object] of this.objects) if (!seen.has(key)) this.remove(object);
    this.version = listed.resourceVersion ?? "0";
    this.connected();
    if (!this.hasListed) {
      this.hasListed = true;
      for (const resolve of this.syncWaiters.splice(0)) resolve();
    }
  }

  /**
   * Keeps this version of the object unless a newer one is here already: a write's answer can arrive before the
   * watch event of an earlier change.
   */
  take(object: KubernetesObject): void {
    const current = this.objects.get(keyOf(object.metadata.namespace, object.metadata.name));
    if (current !== undefined && (versionOf(current) === versionOf(object) || !isNewer(object, current)))
      return;
    this.put(object);
  }

  private removeUnlessNewer(object: KubernetesObject): void {
    const current = this.objects.get(keyOf(object.metadata.namespace, object.metadata.name));
    // Deleted, then made again by a write whose answer came first: the event is about the earlier object.
    if (current !== undefined && current.metadata.uid !== object.metadata.uid && isNewer(current, object))
      return;
    this.remove(object);
  }

  private put(received: KubernetesObject): void {
    const key = keyOf(received.metadata.namespace, received.metadata.name);
    if (this.scope.keep !== undefined && !this.scope.keep(received)) {
      // No longer kept (a label or namespace changed): as good as deleted here.
      const current = this.objects.get(key);
      if (current !== undefined) this.remove(current);
      return;
    }
    const object = slim(received);
    const known = this.objects.has(key);
    this.objects.set(key, object);
    const namespace = object.metadata.namespace ?? "";
    let inNamespace = this.byNamespace.get(namespace);
    if (inNamespace === undefined)
      this.byNamespace.set(namespace, (inNamespace = new Map<ObjectKey, KubernetesObject>()));
    inNamespace.set(key, object);
    this.forgetLists(namespace);
    this.onChange({ type: known ? "MODIFIED" : "ADDED", object });
  }

  private remove(object: KubernetesObject): void {
    const key = keyOf(object.metadata.namespace, object.metadata.name);
    const current = this.objects.get(key);
    if (current === undefined) return;
    this.objects.delete(key);
    const namespace = current.metadata.namespace ?? "";
    const inNamespace = this.byNamespace.get(namespace);
    inNamespace?.delete(key);
    if (inNamespace?.size === 0) this.byNamespace.delete(namespace);
    this.forgetLists(namespace);
    this.onChange({ type: "DELETED", object: current });
  }

  private forgetLists(namespace: string): void {
    this.lists.delete(namespace);
    this.lists.delete(ALL_NAMESPACES);
  }

  private connected(): void {
    this.disconnectedAt = undefined;
    this.failure = undefined;
  }

  private disconnected(error: unknown): void {
    this.disconnectedAt ??= this.timing.now();
    this.failure =
      error instanceof ClusterError
        ? error
        : new ClusterError("unknown", error instanceof Error ? error.message : String(error));
  }

  /** Doubling from 100 ms, with jitter so that replicas and kinds do not reconnect in step. */
  private pauseMs(failures: number): number {
    const base = Math.min(100 * 2 ** (failures - 1), this.timing.maxReconnectPauseMs);
    return base / 2 + Math.random() * (base / 2);
  }
}

/** list()'s key for "every namespace": not a valid namespace name. */
const ALL_NAMESPACES = "*";

function keyOf(namespace: string | undefined, name: string): ObjectKey {
  return `${namespace ?? ""}/${name}`;
}

/**
 * Whether `a` is a later version of the object than `b`. resourceVersions are opaque to clients, but every API
 * server (etcd's revision) and the sandbox write them as increasing integers; anything else counts as newer.
 */
export function isNewer(a: KubernetesObject, b: KubernetesObject): boolean {
  const order = compareVersions(versionOf(a), versionOf(b));
  return order === undefined || order > 0;
}

export function versionOf(object: KubernetesObject): string | undefined {
  const version = object.metadata.resourceVersion;
  return typeof version === "string" ? version : undefined;
}

/** Negative, zero or positive as `a` is older, the same or newer than `b`; undefined when not comparable. */
export function compareVersions(a: string | undefined, b: string | undefined): number | undefined {
  if (a === undefined || b === undefined || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return undefined;
  const difference = BigInt(a) - BigInt(b);
  return difference === 0n ? 0 : difference > 0n ? 1 : -1;
}

/** managedFields are most of an object's size and nothing here reads them. */
function slim(object: KubernetesObject): KubernetesObject {
  if (object.metadata.managedFields === undefined) return object;
  const { managedFields: _managedFields, ...metadata } = object.metadata;
  return { ...object, metadata };
}
