// What the workload controllers share: reconciles queued per object, keyed by kind, namespace and name.
import type { ResourceName, StoredObject, StoreEvent } from "../contract.js";
import type { ControllerContext } from "./context.js";
import { controllerOf } from "./objects.js";

export class ReconcileQueue {
  constructor(
    private readonly context: ControllerContext,
    private readonly resource: ResourceName,
    private readonly kind: string,
    /** What the objects control (pods, Jobs): a change to one reconciles its controller. */
    private readonly dependents: ResourceName,
    private readonly reconcile: (namespace: string, name: string) => void,
  ) {}

  /** Queues the reconcile a store change calls for: of the object changed, or of the controller of a dependent. */
  observe(event: StoreEvent): void {
    const { object } = event;
    if (event.resource === this.resource && event.type !== "DELETED")
      this.queue(object.metadata.namespace ?? "default", object.metadata.name);
    if (event.resource === this.dependents) this.queueController(object);
  }

  queue(namespace: string, name: string): void {
    this.context.enqueue(`${this.kind.toLowerCase()}/${namespace}/${name}`, () => {
      this.reconcile(namespace, name);
    });
  }

  /** Queues the object of our kind that controls `dependent` (the ReplicaSet of a pod, the CronJob of a Job). */
  private queueController(dependent: StoredObject): void {
    const owner = controllerOf(dependent);
    if (owner?.kind === this.kind) this.queue(dependent.metadata.namespace ?? "default", owner.name);
  }

  /** Queues every object of the resource (a resync). */
  queueAll(): void {
    for (const object of this.context.store.list(this.resource))
      this.queue(object.metadata.namespace ?? "default", object.metadata.name);
  }
}
