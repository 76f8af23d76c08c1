// The seam between the API server (src/server, src/store) and the simulated controllers (src/simulation).
// The server owns storage, HTTP and API semantics; the simulation reacts to stored objects like kube-controller-manager
// and the kubelet would, and answers the two read-only sub-APIs a kubelet/metrics-server would serve.

/** A stored object as plain JSON, with the metadata the store fills in (uid, resourceVersion, ...). */
export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    generation?: number;
    creationTimestamp: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    managedFields?: unknown[];
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Plural resource name as in URLs: "deployments", "pods", "horizontalpodautoscalers". */
export type ResourceName = string;

export interface StoreEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  resource: ResourceName;
  object: StoredObject;
}

/** What objects a new one must carry; the store fills in uid, resourceVersion, creationTimestamp, generation. */
export type NewObject = Omit<StoredObject, "metadata"> & {
  metadata: Partial<StoredObject["metadata"]> & { name: string };
};

export interface WriteOptions {
  /** The caller hands the object over and never changes it (nor the returned one) again: saves two copies. */
  adopt?: boolean;
  /**
   * The caller only reads what the write returns: it may be the stored object itself, deeply frozen, rather than a
   * copy (the simulated controllers, which write a lot and rarely look at the result).
   */
  readOnlyResult?: boolean;
}

/**
 * In-memory object storage with Kubernetes bookkeeping. Methods are synchronous; they throw nothing for
 * "not found" (they return undefined) and never validate: the HTTP layer validates user requests, controllers
 * are trusted.
 */
export interface ObjectStore {
  get(resource: ResourceName, namespace: string | undefined, name: string): StoredObject | undefined;
  list(resource: ResourceName, namespace?: string): StoredObject[];
  /** Fills uid, resourceVersion, creationTimestamp, generation (1 for resources with a spec). Throws if it exists. */
  create(resource: ResourceName, object: NewObject, options?: WriteOptions): StoredObject;
  /** Replaces the object (matched by namespace/name), bumps resourceVersion, bumps generation when spec changed. */
  update(resource: ResourceName, object: StoredObject, options?: WriteOptions): StoredObject;
  /** Replaces only `.status` (the /status subresource), bumps resourceVersion, never generation. */
  updateStatus(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
    status: unknown,
    options?: Pick<WriteOptions, "readOnlyResult">,
  ): StoredObject | undefined;
  /** Removes the object now and emits DELETED. */
  delete(resource: ResourceName, namespace: string | undefined, name: string): StoredObject | undefined;
  /** Every change, in order, after it happened. Returns an unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void;
  /**
   * Like get and list, without the copy: the stored objects themselves, deeply frozen (changing one throws).
   * For hot read paths of controllers; MemoryObjectStore has them.
   */
  peek?(
    resource: ResourceName,
    namespace: string | undefined,
    name: string,
  ): Readonly<StoredObject> | undefined;
  peekList?(resource: ResourceName, namespace?: string): readonly Readonly<StoredObject>[];
  /** Like subscribe, without the copy per event: `event.object` is the stored, frozen object. */
  observe?(listener: (event: StoreEvent) => void): () => void;
}

export interface PodLogOptions {
  container?: string;
  tailLines?: number;
  follow?: boolean;
  timestamps?: boolean;
  sinceSeconds?: number;
  /** Only lines stamped at or after this time (ms since the epoch; the API's `sinceTime`, RFC 3339). */
  sinceTimeMs?: number;
  /** The log of the container instance before the current one (lastState.terminated), as `kubectl logs -p`. */
  previous?: boolean;
}

/**
 * Thrown (synchronously) by `Simulation.podLog` where the API server answers 400 BadRequest instead of a log stream:
 * a container that has not started (`container "web" in pod "x" is waiting to start: trying and failing to pull
 * image`), an unknown container, or a multi-container pod without `container`. The server maps it to a Status with
 * `code: 400`, `reason: "BadRequest"` and this message, which kubectl prints as `Error from server (BadRequest): …`.
 */
export class PodLogError extends Error {
  readonly code = 400;
  readonly reason = "BadRequest";
  override readonly name = "PodLogError";
}

export interface PodMetrics {
  apiVersion: "metrics.k8s.io/v1beta1";
  kind: "PodMetrics";
  metadata: { name: string; namespace: string; creationTimestamp: string; labels?: Record<string, string> };
  timestamp: string;
  window: string;
  containers: { name: string; usage: { cpu: string; memory: string } }[];
}

export interface SimulationOptions {
  /** How long a pod stays Pending, then Running-not-ready, before it is Ready. Default 1000 ms. */
  readyDelayMs: number;
}

/** The simulated controllers and kubelet. */
export interface Simulation {
  /**
   * Log lines of a pod's container: the existing lines (all, or the last `tailLines`), then, with `follow`,
   * new lines as they are produced until `signal` aborts or the pod goes away. undefined when the pod does not exist.
   * Each yielded string is one line including its trailing "\n". Throws PodLogError for the API server's 400 cases.
   */
  podLog(
    namespace: string,
    pod: string,
    options: PodLogOptions,
    signal: AbortSignal,
  ): AsyncIterable<string> | undefined;
  /** Synthetic usage for running pods: plausible and stable per pod. */
  podMetrics(namespace: string | undefined, name?: string, labelSelector?: string): PodMetrics[];
  stop(): void;
}

export type StartSimulation = (store: ObjectStore, options: SimulationOptions) => Simulation;
