// The one way the server talks to Kubernetes (a real cluster, or the kube-sandbox): apply, read, watch, logs and
// metrics, each with a deadline and failures as ClusterErrors that say what to do next.
import type { IncomingMessage } from "node:http";
import type { WatchEvent as KubeWatchEvent, ListMeta } from "kubernetes-types/meta/v1.js";
import { quantityValue, validateManifests, type KubernetesObject } from "@babyhelm/manifest-sdk";
import { pause } from "../shared/pause.js";
import { ApiDiscovery, groupVersionPath } from "./api-discovery.js";
import { loadKubeConfig, type ClusterConfig, type ClusterMode } from "./cluster-config.js";
import {
  ApiStatusError,
  ClusterError,
  ClusterFault,
  invalidManifestsError,
  toClusterError,
  type KubeStatus,
} from "./cluster-errors.js";
import { KubeTransport } from "./kube-transport.js";
import { readLines } from "./line-reader.js";
import { describeRef, inNamespace, refOf, type ObjectRef } from "./object-ref.js";
import { ReadCoalescer } from "./read-coalescer.js";

export type { ClusterConfig, ClusterMode } from "./cluster-config.js";
export { ClusterError, type ClusterErrorCause, type ClusterErrorKind } from "./cluster-errors.js";
export type { ObjectRef } from "./object-ref.js";

export interface ClusterOptions {
  /** The deadline of every request to the API server (default 10 s). */
  requestTimeoutMs?: number;
  /** Identical reads waiting to be sent go out once (default true; see read-coalescer.ts). */
  coalesceReads?: boolean;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface WatchEvent {
  type: WatchEventType;
  object: KubernetesObject;
}

/** What one watch connection brings: changes, and bookmarks that only move the resourceVersion on. */
export type WatchStreamEvent = WatchEvent | { type: "BOOKMARK"; resourceVersion: string };

export interface ListResult {
  items: KubernetesObject[];
  /** The list's resourceVersion: a watch from it sees every change made after the list. */
  resourceVersion: string | undefined;
}

export interface WatchFromOptions {
  namespace?: string;
  labelSelector?: string;
  resourceVersion?: string | undefined;
  /** Called once the server has accepted the watch (before any event). */
  onOpen?: () => void;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface PodMetrics {
  pod: string;
  containers: { name: string; cpuCores: number; memoryBytes: number }[];
  timestamp: string;
}

export interface Cluster {
  readonly mode: ClusterMode;
  /** The API server URL. */
  readonly server: string;
  /** Resolves when the API server answers an authenticated request; throws ClusterError otherwise. */
  ping(): Promise<void>;
  /**
   * Server-side apply of each object in order (field manager "babyhelm", force, fieldValidation=Strict), after a
   * local validation of all of them that throws an "invalid" ClusterError naming object and field before anything
   * is sent. `dryRun` persists nothing. Resolves to the server's objects.
   */
  apply(objects: readonly KubernetesObject[], options?: { dryRun?: boolean }): Promise<KubernetesObject[]>;
  /** A strategic merge patch (what `kubectl rollout restart` sends); a "not-found" ClusterError when absent. */
  patch(
    ref: ObjectRef,
    patch: Record<string, unknown>,
    options: { fieldManager: string },
  ): Promise<KubernetesObject>;
  /** Calls `listener` with what the API server answered to each apply (not a dry run) and patch. */
  onWritten(listener: (objects: readonly KubernetesObject[]) => void): () => void;
  /** undefined when the object does not exist. */
  get(ref: ObjectRef): Promise<KubernetesObject | undefined>;
  /** Every object of a kind, following limit/continue pages; all namespaces without `namespace`. */
  list(apiVersion: string, kind: string, options?: ListOptions): Promise<KubernetesObject[]>;
  /** list() with the list's resourceVersion, never coalesced: what a cache starts its watch from. */
  listWithVersion(apiVersion: string, kind: string, options?: ListOptions): Promise<ListResult>;
  /** Deletes in the background (dependents go after); false when it was already gone. */
  delete(ref: ObjectRef, options?: { dryRun?: boolean }): Promise<boolean>;
  /** Waits until the object is gone (a namespace stays Terminating for a while); false on timeout. */
  waitUntilGone(ref: ObjectRef, timeoutMs: number): Promise<boolean>;
  /**
   * Changes to the objects of one kind, starting with an ADDED event per existing object, until `signal` aborts.
   * Reconnects by itself when the server ends the stream; throws a ClusterError when it cannot (re)start.
   */
  watch(
    apiVersion: string,
    kind: string,
    options: { namespace?: string; labelSelector?: string },
    signal: AbortSignal,
  ): AsyncIterable<WatchEvent>;
  /**
   * One watch connection from `resourceVersion` (every change after it; without one, an ADDED event per existing
   * object first), with bookmarks, until the server ends it
   * or `signal` aborts. Throws a WatchExpiredError when the version is too old (410 Gone: list again), and a
   * ClusterError when the connection cannot be made or breaks.
   */
  watchFrom(
    apiVersion: string,
    kind: string,
    options: WatchFromOptions,
    signal: AbortSignal,
  ): AsyncIterable<WatchStreamEvent>;
  /**
   * A pod's log lines without "\n": the last `tailLines`, then with `follow` new ones until abort or the pod goes;
   * with `previous`, those of the container instance before the current one (after a crash).
   */
  podLogs(namespace: string, pod: string, options: PodLogOptions, signal: AbortSignal): AsyncIterable<string>;
  /** Current CPU and memory of the pods (metrics.k8s.io); "not-found" when the metrics API is not installed. */
  podMetrics(namespace: string, labelSelector?: string): Promise<PodMetrics[]>;
}

export interface PodLogOptions {
  container?: string | undefined;
  tailLines?: number;
  follow?: boolean;
  previous?: boolean;
  /** Each line starts with the kubelet's RFC 3339 time of it and a space (see log-cursor.ts). */
  timestamps?: boolean;
  /** Only lines from this time on (RFC 3339, whole seconds: the API server keeps no finer part). */
  sinceTime?: string;
}

export const FIELD_MANAGER = "babyhelm";
const APPLY_PATCH = "application/apply-patch+yaml";
const STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
const LIST_PAGE_SIZE = 500;
/** The server ends a watch after this long; a reconnect then resumes from the last resourceVersion. */
const WATCH_TIMEOUT_SECONDS = 240;
/** A watch silent for longer than the server's own timeout is on a dead connection. */
const WATCH_IDLE_MS = (WATCH_TIMEOUT_SECONDS + 60) * 1000;
/** About 5 s of an unreachable API server, in doubling pauses, before a running watch gives up. */
const WATCH_RECONNECT_ATTEMPTS = 6;

function reconnectPauseMs(attempt: number): number {
  return Math.min(100 * 2 ** (attempt - 1), 2000);
}

export function createCluster(config: ClusterConfig, options: ClusterOptions = {}): Cluster {
  const transport = new KubeTransport(loadKubeConfig(config), options.requestTimeoutMs ?? 10_000);
  return new KubeCluster(config.mode, transport, options.coalesceReads ?? true);
}

class KubeCluster implements Cluster {
  readonly server: string;
  private readonly discovery: ApiDiscovery;
  private readonly reads: ReadCoalescer | undefined;
  private readonly writeListeners = new Set<(objects: readonly KubernetesObject[]) => void>();

  constructor(
    readonly mode: ClusterMode,
    private readonly transport: KubeTransport,
    coalesceReads: boolean,
  ) {
    this.reads = coalesceReads ? new ReadCoalescer() : undefined;
    this.server = transport.server;
    this.discovery = new ApiDiscovery(transport);
  }

  async ping(): Promise<void> {
    await this.attempt(`Checking the Kubernetes API server at ${this.server}`, () =>
      this.transport.json("/api"),
    );
  }

  async apply(
    objects: readonly KubernetesObject[],
    options: { dryRun?: boolean } = {},
  ): Promise<KubernetesObject[]> {
    const verb = options.dryRun ? "Checking (dry run)" : "Applying";
    const issues = validateManifests(objects, { serverSideApply: true });
    if (issues.length > 0) {
      const what = objects.length === 1 ? describeRef(refOf(objects[0]!)) : `${objects.length} objects`;
      throw invalidManifestsError(`${verb} ${what}`, issues);
    }
    const applied: KubernetesObject[] = [];
    for (const object of objects) {
      const ref = refOf(object);
      const result = await this.attempt(`${verb} ${describeRef(ref)}`, async () =>
        this.transport.json(await this.discovery.objectPath(ref), {
          method: "PATCH",
          contentType: APPLY_PATCH,
          body: object,
          query: {
            fieldManager: FIELD_MANAGER,
            force: true,
            fieldValidation: "Strict",
            dryRun: options.dryRun ? "All" : undefined,
          },
        }),
      );
      const live = withKind(result, object.apiVersion, object.kind);
      if (!options.dryRun) this.written([live]);
      applied.push(live);
    }
    return applied;
  }

  onWritten(listener: (objects: readonly KubernetesObject[]) => void): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  private written(objects: readonly KubernetesObject[]): void {
    for (const listener of this.writeListeners) listener(objects);
  }

  async patch(
    ref: ObjectRef,
    patch: Record<string, unknown>,
    options: { fieldManager: string },
  ): Promise<KubernetesObject> {
    const result = await this.attempt(`Patching ${describeRef(ref)}`, async () =>
      this.transport.json(await this.discovery.objectPath(ref), {
        method: "PATCH",
        contentType: STRATEGIC_MERGE_PATCH,
        body: patch,
        query: { fieldManager: options.fieldManager, fieldValidation: "Strict" },
      }),
    );
    const live = withKind(result, ref.apiVersion, ref.kind);
    this.written([live]);
    return live;
  }

  async get(ref: ObjectRef): Promise<KubernetesObject | undefined> {
    const key = `get ${ref.apiVersion} ${ref.kind} ${ref.namespace ?? ""} ${ref.name}`;
    return this.reads === undefined ? this.getNow(ref) : this.reads.read(key, () => this.getNow(ref));
  }

  private async getNow(ref: ObjectRef): Promise<KubernetesObject | undefined> {
    const result = await this.attempt(`Reading ${describeRef(ref)}`, async () => {
      const path = await this.discovery.objectPath(ref);
      return this.transport.json(path).catch((error: unknown) => {
        if (error instanceof ApiStatusError && error.status === 404) return undefined;
        throw error;
      });
    });
    return result === undefined ? undefined : withKind(result, ref.apiVersion, ref.kind);
  }

  list(apiVersion: string, kind: string, options: ListOptions = {}): Promise<KubernetesObject[]> {
    const key = JSON.stringify([
      "list",
      apiVersion,
      kind,
      options.namespace,
      options.labelSelector,
      options.fieldSelector,
    ]);
    const send = async () => (await this.listWithVersion(apiVersion, kind, options)).items;
    return this.reads === undefined ? send() : this.reads.read(key, send);
  }

  async listWithVersion(apiVersion: string, kind: string, options: ListOptions = {}): Promise<ListResult> {
    return this.attempt(`Listing ${kind} objects${inNamespace(options.namespace)}`, async () => {
      const path = await this.discovery.collectionPath(apiVersion, kind, options.namespace);
      const items: KubernetesObject[] = [];
      let continueToken: string | undefined;
      let resourceVersion: string | undefined;
      do {
        const page = (await this.transport.json(path, {
          query: {
            labelSelector: options.labelSelector,
            fieldSelector: options.fieldSelector,
            limit: LIST_PAGE_SIZE,
            continue: continueToken,
          },
        })) as { items?: unknown[]; metadata?: ListMeta } | undefined;
        // List items come without apiVersion and kind on a real API server.
        for (const item of page?.items ?? []) items.push(withKind(item, apiVersion, kind));
        // Every page of one list is of the first page's snapshot.
        resourceVersion ??= page?.metadata?.resourceVersion;
        continueToken = page?.metadata?.continue || undefined;
      } while (continueToken !== undefined);
      return { items, resourceVersion };
    });
  }

  async delete(ref: ObjectRef, options: { dryRun?: boolean } = {}): Promise<boolean> {
    return this.attempt(`Deleting ${describeRef(ref)}`, async () => {
      const path = await this.discovery.objectPath(ref);
      try {
        await this.transport.json(path, {
          method: "DELETE",
          query: { propagationPolicy: "Background", dryRun: options.dryRun ? "All" : undefined },
        });
        return true;
      } catch (error) {
        if (error instanceof ApiStatusError && error.status === 404) return false;
        throw error;
      }
    });
  }

  async waitUntilGone(ref: ObjectRef, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (let pauseMs = 25; ; pauseMs = Math.min(pauseMs * 2, 500)) {
      if ((await this.get(ref)) === undefined) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await pause(Math.min(pauseMs, left));
    }
  }

  async *watch(
    apiVersion: string,
    kind: string,
    options: { namespace?: string; labelSelector?: string },
    signal: AbortSignal,
  ): AsyncGenerator<WatchEvent> {
    let resourceVersion: string | undefined;
    let started = false;
    /** Reconnects in a row that got nothing: they back off, and connecting fails for good past the limit. */
    let fruitless = 0;
    while (!signal.aborted) {
      const openedAt = Date.now();
      let received = false;
      try {
        // Without a resourceVersion the server starts with an ADDED event per existing object.
        for await (const event of this.watchFrom(apiVersion, kind, { ...options, resourceVersion }, signal)) {
          received = true;
          started = true;
          if (event.type === "BOOKMARK") resourceVersion = event.resourceVersion;
          else {
            resourceVersion =
              (event.object.metadata.resourceVersion as string | undefined) ?? resourceVersion;
            yield event;
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof WatchExpiredError) {
          // Too old to resume: start over with the current objects, as ADDED events again.
          resourceVersion = undefined;
          continue;
        }
        // A watch that cannot start says so at once; a running one rides out a short outage (an API server restart).
        const transient = error instanceof ClusterError && error.retryable;
        if (!started || !transient || fruitless >= WATCH_RECONNECT_ATTEMPTS) throw error;
      }
      // A server that ends watches at once must not turn this loop into a busy one.
      fruitless = received || Date.now() - openedAt > 1000 ? 0 : fruitless + 1;
      if (fruitless > 0) await pause(reconnectPauseMs(fruitless), signal);
    }
  }

  async *watchFrom(
    apiVersion: string,
    kind: string,
    options: WatchFromOptions,
    signal: AbortSignal,
  ): AsyncGenerator<WatchStreamEvent> {
    const action = `Watching ${kind} objects${inNamespace(options.namespace)}`;
    let stream: IncomingMessage;
    try {
      stream = await this.attempt(action, async () =>
        this.transport.stream(await this.discovery.collectionPath(apiVersion, kind, options.namespace), {
          signal,
          idleTimeoutMs: WATCH_IDLE_MS,
          query: {
            watch: true,
            labelSelector: options.labelSelector,
            resourceVersion: options.resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: WATCH_TIMEOUT_SECONDS,
          },
        }),
      );
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof ClusterError && error.status === 410) throw new WatchExpiredError(action);
      throw error;
    }
    options.onOpen?.();
    try {
      for await (const line of readLines(stream)) {
        if (line.trim() === "") continue;
        const event = JSON.parse(line) as KubeWatchEvent;
        if (event.type === "ERROR") {
          const status = event.object as KubeStatus;
          // 410 Gone: the resourceVersion is older than the server's history.
          if (status.code === 410) throw new WatchExpiredError(action);
          throw this.describe(action, new ApiStatusError(status.code ?? 500, status));
        }
        if (event.type === "BOOKMARK") {
          const version = (event.object as { metadata?: { resourceVersion?: string } }).metadata
            ?.resourceVersion;
          if (version !== undefined) yield { type: "BOOKMARK", resourceVersion: version };
          continue;
        }
        if (event.type === "ADDED" || event.type === "MODIFIED" || event.type === "DELETED") {
          yield { type: event.type, object: withKind(event.object, apiVersion, kind) };
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof ClusterError || error instanceof WatchExpiredError) throw error;
      // A stream that breaks or goes silent is worth a reconnect, whatever the socket said.
      const reason = error instanceof Error ? error.message : String(error);
      throw this.describe(
        action,
        new ClusterFault("unreachable", `the watch connection broke (${reason})`, { retryable: true }),
      );
    } finally {
      stream.destroy();
    }
  }

  async *podLogs(
    namespace: string,
    pod: string,
    options: PodLogOptions,
    signal: AbortSignal,
  ): AsyncGenerator<string> {
    const container =
      options.container === undefined ? "" : ` (container ${JSON.stringify(options.container)})`;
    const action = `Reading the logs of pod ${JSON.stringify(pod)}${container}${inNamespace(namespace)}`;
    if (signal.aborted) return;
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`;
    const stream = await this.attempt(action, () =>
      this.transport
        .stream(path, {
          signal,
          query: {
            container: options.container,
            tailLines: options.tailLines,
            follow: options.follow,
            previous: options.previous,
            timestamps: options.timestamps,
            sinceTime: options.sinceTime,
          },
        })
        .catch((error: unknown) => {
          // 400 is how the API server says "no logs yet" (a container waiting to start, an unknown container).
          if (error instanceof ApiStatusError && error.status === 400) {
            throw new ClusterFault("invalid", `there are no logs to show: ${error.message}`, { status: 400 });
          }
          throw error;
        }),
    ).catch((error: unknown) => {
      if (signal.aborted) return undefined;
      throw error;
    });
    if (stream === undefined) return;
    try {
      yield* readLines(stream);
    } catch (error) {
      if (signal.aborted) return;
      throw this.describe(action, error);
    } finally {
      stream.destroy();
    }
  }

  async podMetrics(namespace: string, labelSelector?: string): Promise<PodMetrics[]> {
    const path = `${groupVersionPath("metrics.k8s.io/v1beta1")}/namespaces/${encodeURIComponent(namespace)}/pods`;
    const list = await this.attempt(`Reading CPU and memory of the pods${inNamespace(namespace)}`, () =>
      this.transport.json(path, { query: { labelSelector } }).catch((error: unknown) => {
        if (error instanceof ApiStatusError && error.status === 404) {
          throw new ClusterFault(
            "not-found",
            "the metrics API (metrics.k8s.io) is not installed on this cluster. Install metrics-server to see " +
              "CPU and memory.",
          );
        }
        throw error;
      }),
    );
    const items = (list as { items?: RawPodMetrics[] } | undefined)?.items ?? [];
    return items.map((item) => ({
      pod: item.metadata.name,
      timestamp: item.timestamp,
      containers: (item.containers ?? []).map((container) => ({
        name: container.name,
        cpuCores: quantityValue(container.usage.cpu) ?? 0,
        memoryBytes: quantityValue(container.usage.memory) ?? 0,
      })),
    }));
  }

  private async attempt<T>(action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.describe(action, error);
    }
  }

  private describe(action: string, error: unknown): ClusterError {
    return toClusterError(error, { action, server: this.server, secrets: this.transport.knownSecrets() });
  }
}

/** A watch's resourceVersion is older than the API server keeps history for: list again, then watch from there. */
export class WatchExpiredError extends Error {
  override readonly name = "WatchExpiredError";

  constructor(action: string) {
    super(`${action}: the resourceVersion is too old (410 Gone); list again`);
  }
}

/** A PodMetrics of metrics.k8s.io, an aggregated API that kubernetes-types does not describe. */
interface RawPodMetrics {
  metadata: { name: string };
  timestamp: string;
  containers?: { name: string; usage: { cpu?: string; memory?: string } }[];
}

/** The object as KubernetesObject, with apiVersion and kind filled in where the server left them out. */
function withKind(value: unknown, apiVersion: string, kind: string): KubernetesObject {
  const object = (value ?? {}) as Partial<KubernetesObject>;
  return {
    ...object,
    apiVersion: object.apiVersion ?? apiVersion,
    kind: object.kind ?? kind,
    metadata: object.metadata ?? { name: "" },
  };
}
