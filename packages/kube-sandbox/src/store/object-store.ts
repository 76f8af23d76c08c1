import { randomUUID } from "node:crypto";
import type {
  NewObject,
  ObjectStore,
  ResourceName,
  StoredObject,
  StoreEvent,
  WriteOptions,
} from "../contract.js";
import { cloneJson, jsonEqual } from "./clone.js";

/** What a store persists and restores: every object plus the resourceVersion counter, so versions stay monotonic. */
export interface StoreSnapshot {
  resourceVersion: number;
  objects: Record<ResourceName, StoredObject[]>;
}

type Listener = (event: StoreEvent) => void;

/**
 * A stored object with its JSON text: every read hands out a fresh copy, and parsing the cached text is about
 * twice as fast as a stringify + parse round trip (controllers list a lot).
 */
interface Entry {
  object: StoredObject;
  json: string;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Stored objects are frozen: peek hands them out, and nothing may change them behind the store's back. */
function entryOf(object: StoredObject): Entry {
  return { object: deepFreeze(object), json: JSON.stringify(object) };
}

function copyOf(entry: Entry): StoredObject {
  return JSON.parse(entry.json) as StoredObject;
}

/**
 * One resource's objects, by namespace ("" for cluster-scoped ones) then name: controllers list per namespace on
 * every change, which must not cost a pass over every namespace's objects.
 */
type Table = Map<string, Bucket>;

interface Bucket {
  entries: Map<string, Entry>;
  /** The entries in list order, kept until an object is added or removed (updates replace entries in place). */
  sorted?: string[];
}

function bucketKey(namespace: string | undefined): string {
  return namespace ?? "";
}

/**
 * The in-memory ObjectStore. Objects are copied on the way in and on the way out so that neither the HTTP layer
 * nor the simulation can change stored state behind the store's back (and every change gets a resourceVersion).
 */
export class MemoryObjectStore implements ObjectStore {
  private readonly resources = new Map<ResourceName, Table>();
  private readonly listeners = new Set<Listener>();
  private readonly observers = new Set<Listener>();
  private counter: number;

  constructor(snapshot?: StoreSnapshot) {
    // Start above 1 so a version is never mistaken for "0" (which means "any" in list/watch requests).
    this.counter = snapshot?.resourceVersion ?? 100;
    for (const [resource, objects] of Object.entries(snapshot?.objects ?? {})) {
      for (const object of objects) {
        this.bucket(resource, object.metadata.namespace).entries.set(
          object.metadata.name,
          entryOf(cloneJson(object)),
        );
      }
    }
  }

  /** The latest resourceVersion handed out: what a list reports as its own version. */
  get resourceVersion(): string {
    return String(this.counter);
  }

  get(resource: ResourceName, namespace: string | undefined, name: string): StoredObject | undefined {
    const found = this.find(resource, namespace, name);
    return found && copyOf(found);
  }

  list(resource: ResourceName, namespace?: string): StoredObject[] {
    const entries = this.entries(resource, namespace);
    return entries.length === 0
      ? []
      : (JSON.parse(`[${entries.map((entry) => entry.json).join(",")}]`) as StoredObject[]);
  }

  private find(resource: ResourceName, namespace: string | undefined, name: string): Entry | undefined {
    return this.resources.get(resource)?.get(bucketKey(namespace))?.entries.get(name);
  }

  /** Sorted by namespace, then name, like the real API server's lists. */
  private entries(resource: ResourceName, namespace: string | undefined): Entry[] {
    const table = this.resources.get(resource);
    if (!table) return [];
    if (namespace !== undefined) {
      const bucket = table.get(namespace);
      // Cluster-scoped objects live under "" but have no namespace: a list in namespace "" has none of them.
      return bucket && namespace !== "" ? sortedEntries(bucket) : [];
    }
    return [...table.keys()].sort(compareNames).flatMap((key) => sortedEntries(table.get(key)!));
  }

  peek(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
  ): Readonly<StoredObject> | undefined {
    return this.find(resource, namespace, name)?.object;
  }

  peekList(resource: ResourceName, namespace?: string): readonly Readonly<StoredObject>[] {
    return this.entries(resource, namespace).map((entry) => entry.object);
  }

  /** Counts objects without copying them (cheap existence checks, e.g. "is this namespace empty yet"). */
  count(resource: ResourceName, namespace?: string): number {
    const table = this.resources.get(resource);
    if (!table) return 0;
    if (namespace !== undefined) return namespace === "" ? 0 : (table.get(namespace)?.entries.size ?? 0);
    let count = 0;
    for (const bucket of table.values()) count += bucket.entries.size;
    return count;
  }

  /** `adopt`: the caller hands the object over and never touches it again, which saves a copy (the HTTP layer). */
  create(resource: ResourceName, object: NewObject, options: WriteOptions = {}): StoredObject {
    const bucket = this.bucket(resource, object.metadata.namespace);
    const { name } = object.metadata;
    if (bucket.entries.has(name))
      throw new Error(`${resource} ${bucketKey(object.metadata.namespace)}/${name} already exists`);
    bucket.sorted = undefined;
    const stored = (options.adopt ? object : cloneJson(object)) as StoredObject;
    const metadata = stored.metadata;
    metadata.uid = metadata.uid ?? randomUUID();
    metadata.creationTimestamp = metadata.creationTimestamp ?? now();
    if ("spec" in stored) metadata.generation = 1;
    else delete metadata.generation;
    metadata.resourceVersion = this.nextVersion();
    return this.write(bucket, "ADDED", resource, stored, options);
  }

  update(resource: ResourceName, object: StoredObject, options: WriteOptions = {}): StoredObject {
    const bucket = this.bucket(resource, object.metadata.namespace);
    const previous = bucket.entries.get(object.metadata.name)?.object;
    if (!previous)
      throw new Error(
        `${resource} ${bucketKey(object.metadata.namespace)}/${object.metadata.name} does not exist`,
      );
    const stored = options.adopt ? object : cloneJson(object);
    // Identity is the store's, whatever the caller sent.
    stored.metadata.uid = previous.metadata.uid;
    stored.metadata.creationTimestamp = previous.metadata.creationTimestamp;
    const generation = previous.metadata.generation;
    if (generation !== undefined) {
      stored.metadata.generation = jsonEqual(previous.spec, stored.spec) ? generation : generation + 1;
    }
    stored.metadata.resourceVersion = this.nextVersion();
    return this.write(bucket, "MODIFIED", resource, stored, options);
  }

  updateStatus(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
    status: unknown,
    options: Pick<WriteOptions, "readOnlyResult"> = {},
  ): StoredObject | undefined {
    const bucket = this.resources.get(resource)?.get(bucketKey(namespace));
    const previous = bucket?.entries.get(name)?.object;
    if (!bucket || !previous) return undefined;
    const stored: StoredObject = {
      ...previous,
      metadata: { ...previous.metadata },
      status: cloneJson(status),
    };
    stored.metadata.resourceVersion = this.nextVersion();
    return this.write(bucket, "MODIFIED", resource, stored, options);
  }

  delete(resource: ResourceName, namespace: string | undefined, name: string): StoredObject | undefined {
    const table = this.resources.get(resource);
    const bucket = table?.get(bucketKey(namespace));
    const previous = bucket?.entries.get(name)?.object;
    if (!table || !bucket || !previous) return undefined;
    bucket.entries.delete(name);
    bucket.sorted = undefined;
    // Deleted namespaces leave no empty buckets behind.
    if (bucket.entries.size === 0) table.delete(bucketKey(namespace));
    // Like etcd, the deletion itself is a change with its own version, so watchers can resume after it.
    const deleted = entryOf({
      ...previous,
      metadata: { ...previous.metadata, resourceVersion: this.nextVersion() },
    });
    this.emit("DELETED", resource, deleted);
    return copyOf(deleted);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Like subscribe, but the event carries the stored (frozen) object itself: for read-only consumers (watch
   * history, snapshots, controllers that only read), to spare a copy per change.
   */
  observe(listener: Listener): () => void {
    this.observers.add(listener);
    return () => this.observers.delete(listener);
  }

  snapshot(): StoreSnapshot {
    const objects: Record<ResourceName, StoredObject[]> = {};
    for (const resource of this.resources.keys()) {
      const entries = this.entries(resource, undefined);
      if (entries.length > 0) objects[resource] = entries.map(copyOf);
    }
    return { resourceVersion: this.counter, objects };
  }

  private bucket(resource: ResourceName, namespace: string | undefined): Bucket {
    let table = this.resources.get(resource);
    if (!table) {
      table = new Map();
      this.resources.set(resource, table);
    }
    const key = bucketKey(namespace);
    let bucket = table.get(key);
    if (!bucket) {
      bucket = { entries: new Map() };
      table.set(key, bucket);
    }
    return bucket;
  }

  private nextVersion(): string {
    this.counter += 1;
    return String(this.counter);
  }

  private write(
    bucket: Bucket,
    type: StoreEvent["type"],
    resource: ResourceName,
    object: StoredObject,
    options: WriteOptions = {},
  ): StoredObject {
    const entry = entryOf(object);
    bucket.entries.set(object.metadata.name, entry);
    this.emit(type, resource, entry);
    // An adopting caller promised to leave the object alone, a read-only one not to change the result: either may
    // have the stored one back.
    return options.adopt || options.readOnlyResult ? entry.object : copyOf(entry);
  }

  private emit(type: StoreEvent["type"], resource: ResourceName, entry: Entry): void {
    for (const observer of [...this.observers]) observer({ type, resource, object: entry.object });
    for (const listener of [...this.listeners]) {
      // Each listener gets its own copy: one listener mutating its event must not affect the next.
      listener({ type, resource, object: copyOf(entry) });
    }
  }
}

const compareNames = (a: string, b: string): number => a.localeCompare(b);

function sortedEntries(bucket: Bucket): Entry[] {
  bucket.sorted ??= [...bucket.entries.keys()].sort(compareNames);
  return bucket.sorted.map((name) => bucket.entries.get(name)!);
}

/** RFC 3339 in whole seconds, as the API server writes metav1.Time. */
export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}
