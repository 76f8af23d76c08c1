// What the server knows of the cluster without asking it: BabyHelm's objects, kept up to date by list + watch (see
// informer.ts), so that app pages, lists, status streams, usage and the drift check read memory instead of the API
// server. It holds:
// - BabyHelm's namespaces, and every kind an app owns, selected by BabyHelm's project label on the API server;
// - ReplicaSets, Jobs, Pods, ResourceQuotas and LimitRanges of those namespaces only (pods carry the pack's labels, not BabyHelm's, so
//   they are watched cluster-wide and dropped on arrival unless their namespace is BabyHelm's);
// - Events of a namespace only while someone looks at one of its apps: a status stream holds them, a page read
//   keeps them for a few minutes.
// Writes still go to the API server; what they return is taken in at once, so a read after a write sees it.
import { parseLabelSelector, type KubernetesObject, type LabelMatcher } from "@babyhelm/manifest-sdk";
import type { Logger } from "../../logger.js";
import { ClusterError, type Cluster, type ListOptions } from "../cluster.js";
import type { ObjectRef } from "../object-ref.js";
import { APP_OWNED_KINDS, PROJECT_LABEL } from "../owned-labels.js";
import { Informer, type InformerChange, type InformerScope } from "./informer.js";

/** What reading the cluster needs: the Cluster and the ClusterState both answer it. */
export interface ClusterReader {
  get(ref: ObjectRef): Promise<KubernetesObject | undefined>;
  list(apiVersion: string, kind: string, options?: ListOptions): Promise<readonly KubernetesObject[]>;
}

export interface ClusterStateOptions {
  logger: Logger;
  /** How long a namespace's Events stay watched after the last read with nobody streaming (default 5 min). */
  eventsLingerMs?: number;
  /** How long a read waits for a kind's first list before it fails with the reason (default 10 s). */
  syncTimeoutMs?: number;
  /** The longest pause between reconnects of a watch (default 5 s). */
  maxReconnectPauseMs?: number;
  now?: () => number;
}

/** Data older than the last contact with the API server, and why. */
export interface Staleness {
  since: Date;
  error: ClusterError | undefined;
}

export interface CacheFigures {
  synced: boolean;
  /** Objects held per kind. */
  objects: Record<string, number>;
  /** Namespaces whose Events are watched now. */
  eventNamespaces: number;
}

const NAMESPACE = { apiVersion: "v1", kind: "Namespace" } as const;
/** Kinds kept for BabyHelm's namespaces whatever their labels. */
const NAMESPACE_SCOPED = [
  { apiVersion: "apps/v1", kind: "ReplicaSet" },
  // A CronJob's runs: they carry its jobTemplate's labels, not BabyHelm's.
  { apiVersion: "batch/v1", kind: "Job" },
  { apiVersion: "v1", kind: "Pod" },
  { apiVersion: "v1", kind: "ResourceQuota" },
  { apiVersion: "v1", kind: "LimitRange" },
] as const;
const EVENT = { apiVersion: "v1", kind: "Event" } as const;
const SELECTOR_CACHE_LIMIT = 1_000;

interface EventsWatch {
  informer: Informer;
  /** Status streams holding it open. */
  holders: number;
  lastReadAt: number;
}

export class ClusterState implements ClusterReader {
  private readonly namespaces: Informer;
  /** By "apiVersion|kind". */
  private readonly labelled = new Map<string, Informer>();
  private readonly inOurNamespaces = new Map<string, Informer>();
  private readonly events = new Map<string, EventsWatch>();
  private readonly listeners = new Map<string, Set<() => void>>();
  private readonly selectors = new Map<string, LabelMatcher>();
  private readonly selected = new WeakMap<
    readonly KubernetesObject[],
    Map<string, readonly KubernetesObject[]>
  >();
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly eventsLingerMs: number;
  private readonly syncTimeoutMs: number;
  private readonly timing: { maxReconnectPauseMs: number; now: () => number };
  private sweeper: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly unsubscribeWrites: () => void;

  constructor(
    private readonly cluster: Cluster,
    options: ClusterStateOptions,
  ) {
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.eventsLingerMs = options.eventsLingerMs ?? 5 * 60 * 1000;
    this.syncTimeoutMs = options.syncTimeoutMs ?? 10_000;
    this.timing = { maxReconnectPauseMs: options.maxReconnectPauseMs ?? 5_000, now: this.now };
    // The label is checked here too, for what writes hand in directly.
    const labelled = (object: KubernetesObject) => object.metadata.labels?.[PROJECT_LABEL] !== undefined;
    this.namespaces = this.informer(
      { ...NAMESPACE, labelSelector: PROJECT_LABEL, keep: labelled },
      (change) => {
        this.namespaceChanged(change);
      },
    );
    for (const kind of APP_OWNED_KINDS) {
      this.labelled.set(
        kindKey(kind),
        this.informer({ ...kind, labelSelector: PROJECT_LABEL, keep: labelled }),
      );
    }
    for (const kind of NAMESPACE_SCOPED) {
      const keep = (object: KubernetesObject) => this.isOurs(object.metadata.namespace);
      this.inOurNamespaces.set(kindKey(kind), this.informer({ ...kind, keep }));
    }
    this.unsubscribeWrites = cluster.onWritten((objects) => {
      this.takeWrites(objects);
    });
  }

  /** Starts every watch; the namespaces are listed first, since what else is kept depends on them. */
  start(): void {
    this.namespaces.start();
    for (const informer of this.labelled.values()) informer.start();
    void this.namespaces.whenSynced().then(() => {
      if (this.stopped) return;
      for (const informer of this.inOurNamespaces.values()) informer.start();
    });
    this.sweeper = setInterval(
      () => {
        this.closeUnwatchedEvents();
      },
      Math.max(25, Math.min(60_000, this.eventsLingerMs / 4)),
    );
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    this.unsubscribeWrites();
    await Promise.all([...this.allInformers()].map((informer) => informer.stop()));
    this.events.clear();
  }

  /** Every kind has been listed once. */
  get synced(): boolean {
    return [...this.kindInformers()].every((informer) => informer.synced);
  }

  /** Resolves when synced, or after `timeoutMs` (check `synced`). */
  async whenSynced(timeoutMs: number): Promise<boolean> {
    const timeout = AbortSignal.timeout(timeoutMs);
    await this.namespaces.whenSynced(timeout);
    await Promise.all(
      [...this.labelled.values(), ...this.inOurNamespaces.values()].map((informer) =>
        informer.whenSynced(timeout),
      ),
    );
    return this.synced;
  }

  /** Since when some watch has been unable to reach the API server; undefined while all are connected. */
  staleness(namespace?: string): Staleness | undefined {
    let oldest: Informer | undefined;
    const consider = (informer: Informer | undefined) => {
      const since = informer?.disconnectedSince;
      if (since !== undefined && (oldest === undefined || since < oldest.disconnectedSince!))
        oldest = informer;
    };
    for (const informer of this.kindInformers()) consider(informer);
    if (namespace !== undefined) consider(this.events.get(namespace)?.informer);
    if (oldest === undefined) return undefined;
    return { since: new Date(oldest.disconnectedSince!), error: oldest.lastError };
  }

  figures(): CacheFigures {
    const objects: Record<string, number> = {};
    for (const informer of this.kindInformers()) {
      objects[informer.scope.kind] = informer.size;
    }
    let events = 0;
    for (const watch of this.events.values()) events += watch.informer.size;
    objects[EVENT.kind] = events;
    return { synced: this.synced, objects, eventNamespaces: this.events.size };
  }

  async get(ref: ObjectRef): Promise<KubernetesObject | undefined> {
    const informer = this.informerFor(ref.apiVersion, ref.kind, ref.namespace);
    if (informer === undefined) return this.cluster.get(ref);
    await this.ready(informer);
    return informer.get(ref.namespace, ref.name);
  }

  async list(
    apiVersion: string,
    kind: string,
    options: ListOptions = {},
  ): Promise<readonly KubernetesObject[]> {
    const informer =
      options.fieldSelector === undefined ? this.informerFor(apiVersion, kind, options.namespace) : undefined;
    if (informer === undefined) return this.cluster.list(apiVersion, kind, options);
    await this.ready(informer);
    const objects = informer.list(options.namespace);
    const { labelSelector } = options;
    if (labelSelector === undefined || labelSelector === "") return objects;
    // The same read of an unchanged namespace is answered with the same array.
    let bySelector = this.selected.get(objects);
    if (bySelector === undefined)
      this.selected.set(objects, (bySelector = new Map<string, readonly KubernetesObject[]>()));
    let selected = bySelector.get(labelSelector);
    if (selected === undefined) {
      const selects = this.selector(labelSelector);
      selected = objects.filter((object) => selects(object.metadata.labels));
      bySelector.set(labelSelector, selected);
    }
    return selected;
  }

  /**
   * Keeps the namespace's Events watched until the returned function is called (a status stream's lifetime).
   * Reads of Events keep them watched for a while by themselves.
   */
  holdEvents(namespace: string): () => void {
    const watch = this.eventsWatch(namespace);
    if (watch === undefined) return () => undefined;
    watch.holders += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      watch.holders -= 1;
      watch.lastReadAt = this.now();
    };
  }

  /** Calls `listener` after any change to what is kept of the namespace (its Events included). */
  subscribe(namespace: string, listener: () => void): () => void {
    let set = this.listeners.get(namespace);
    if (set === undefined) this.listeners.set(namespace, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(namespace);
    };
  }

  /** Whether the namespace is one of BabyHelm's projects' (as far as the watch has seen). */
  private isOurs(namespace: string | undefined): boolean {
    return namespace !== undefined && this.namespaces.get(undefined, namespace) !== undefined;
  }

  private informerFor(apiVersion: string, kind: string, namespace: string | undefined): Informer | undefined {
    const key = kindKey({ apiVersion, kind });
    if (kind === NAMESPACE.kind && apiVersion === NAMESPACE.apiVersion) return this.namespaces;
    const labelled = this.labelled.get(key);
    if (labelled !== undefined) return labelled;
    // Elsewhere than BabyHelm's namespaces nothing is kept: such reads go to the API server.
    if (namespace === undefined || !this.isOurs(namespace)) return undefined;
    if (kind === EVENT.kind && apiVersion === EVENT.apiVersion) return this.eventsWatch(namespace)?.informer;
    return this.inOurNamespaces.get(key);
  }

  private eventsWatch(namespace: string): EventsWatch | undefined {
    if (this.stopped || !this.isOurs(namespace)) return undefined;
    let watch = this.events.get(namespace);
    if (watch === undefined) {
      const informer = this.informer({ ...EVENT, namespace });
      watch = { informer, holders: 0, lastReadAt: this.now() };
      this.events.set(namespace, watch);
      informer.start();
    }
    watch.lastReadAt = this.now();
    return watch;
  }

  private closeUnwatchedEvents(): void {
    const cutoff = this.now() - this.eventsLingerMs;
    for (const [namespace, watch] of this.events) {
      if (watch.holders > 0 || watch.lastReadAt > cutoff) continue;
      this.events.delete(namespace);
      void watch.informer.stop();
    }
  }

  /**
   * Waits for the informer's first list, up to syncTimeoutMs; fails at once with the reason when an attempt has
   * failed already, so that a cluster that is down is reported, not waited for.
   */
  private async ready(informer: Informer): Promise<void> {
    if (informer.synced) return;
    if (informer.lastError !== undefined) throw informer.lastError;
    await informer.whenSynced(AbortSignal.timeout(this.syncTimeoutMs));
    if (informer.synced) return;
    throw (
      informer.lastError ??
      new ClusterError(
        "unavailable",
        `The list of ${informer.scope.kind} objects from the API server at ${this.cluster.server} is still ` +
          `loading: try again in a moment.`,
      )
    );
  }

  private namespaceChanged(change: InformerChange): void {
    const namespace = change.object.metadata.name;
    if (change.type === "DELETED") {
      for (const informer of this.inOurNamespaces.values()) informer.dropNamespace(namespace);
      const watch = this.events.get(namespace);
      this.events.delete(namespace);
      void watch?.informer.stop();
      return;
    }
    if (change.type !== "ADDED") return;
    // Objects of a namespace that was not BabyHelm's when they arrived were dropped: take them in now.
    for (const informer of this.inOurNamespaces.values()) {
      if (!informer.synced) continue;
      informer.adoptNamespace(namespace).catch((error: unknown) => {
        this.logger.warn(
          { err: error, namespace, kind: informer.scope.kind },
          "could not list a new project namespace for the cluster cache; its next relist will",
        );
      });
    }
  }

  /** What the API server answered to a write is the newest state there is: keep it without waiting for the watch. */
  private takeWrites(objects: readonly KubernetesObject[]): void {
    for (const object of objects) {
      const informer = this.informerFor(object.apiVersion, object.kind, object.metadata.namespace);
      informer?.take(object);
    }
  }

  private informer(scope: InformerScope, also?: (change: InformerChange) => void): Informer {
    return new Informer(this.cluster, scope, this.timing, (change) => {
      also?.(change);
      const namespace =
        change.object.kind === NAMESPACE.kind
          ? change.object.metadata.name
          : change.object.metadata.namespace;
      if (namespace === undefined) return;
      for (const listener of this.listeners.get(namespace) ?? []) listener();
    });
  }

  /** One informer per kind, always running (the Events ones come and go). */
  private *kindInformers(): Iterable<Informer> {
    yield this.namespaces;
    yield* this.labelled.values();
    yield* this.inOurNamespaces.values();
  }

  private *allInformers(): Iterable<Informer> {
    yield* this.kindInformers();
    for (const watch of this.events.values()) yield watch.informer;
  }

  private selector(labelSelector: string): LabelMatcher {
    let matcher = this.selectors.get(labelSelector);
    if (matcher === undefined) {
      if (this.selectors.size >= SELECTOR_CACHE_LIMIT) this.selectors.clear();
      matcher = parseLabelSelector(labelSelector);
      this.selectors.set(labelSelector, matcher);
    }
    return matcher;
  }
}

function kindKey(kind: { apiVersion: string; kind: string }): string {
  return `${kind.apiVersion}|${kind.kind}`;
}
