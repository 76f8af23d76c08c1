// The garbage collector: background cascading deletion through ownerReferences. When an owner goes, each dependent
// whose owners are all gone is deleted too (and its own dependents after it), so deleting a Deployment removes its
// ReplicaSets and their pods.
import type { ResourceName, StoreEvent } from "../contract.js";
import { STORED_RESOURCES } from "../resources.js";
import type { Controller, ControllerContext } from "./context.js";

interface Dependent {
  resource: ResourceName;
  namespace: string | undefined;
  name: string;
  owners: string[];
}

export class GarbageCollector implements Controller {
  /** Every object that has ownerReferences, by uid. */
  private readonly dependents = new Map<string, Dependent>();
  /** Every uid known to exist, so "are all owners gone" needs no lookups by kind. */
  private readonly alive = new Set<string>();

  constructor(private readonly context: ControllerContext) {}

  observe(event: StoreEvent): void {
    const { metadata } = event.object;
    if (event.type === "DELETED") {
      this.alive.delete(metadata.uid);
      this.dependents.delete(metadata.uid);
      this.collectOrphansOf(metadata.uid);
      return;
    }
    this.alive.add(metadata.uid);
    const owners = (metadata.ownerReferences ?? []).map((reference) => reference.uid);
    if (owners.length === 0) this.dependents.delete(metadata.uid);
    else
      this.dependents.set(metadata.uid, {
        resource: event.resource,
        namespace: metadata.namespace,
        name: metadata.name,
        owners,
      });
  }

  resync(): void {
    for (const { plural } of STORED_RESOURCES) {
      for (const object of this.context.store.list(plural))
        this.observe({ type: "ADDED", resource: plural, object });
    }
  }

  private collectOrphansOf(ownerUid: string): void {
    for (const [uid, dependent] of this.dependents) {
      if (!dependent.owners.includes(ownerUid)) continue;
      if (dependent.owners.some((owner) => this.alive.has(owner))) continue;
      // Deleted on the next turn, like the real collector working from its own queue after the owner is gone.
      this.context.enqueue(`gc/${uid}`, () => {
        const current = this.context.store.get(dependent.resource, dependent.namespace, dependent.name);
        if (current?.metadata.uid === uid)
          this.context.store.delete(dependent.resource, dependent.namespace, dependent.name);
      });
    }
  }
}
