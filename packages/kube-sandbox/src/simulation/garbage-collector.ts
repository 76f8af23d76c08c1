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
  /** Owner uid → uids of its dependents, so a deletion looks at its own dependents only. */
  private readonly byOwner = new Map<string, Set<string>>();
  /** Every uid known to exist, so "are all owners gone" needs no lookups by kind. */
  private readonly alive = new Set<string>();

  constructor(private readonly context: ControllerContext) {}

  observe(event: StoreEvent): void {
    const { metadata } = event.object;
    this.forget(metadata.uid);
    if (event.type === "DELETED") {
      this.alive.delete(metadata.uid);
      this.collectOrphansOf(metadata.uid);
      return;
    }
    this.alive.add(metadata.uid);
    const owners = (metadata.ownerReferences ?? []).map((reference) => reference.uid);
    if (owners.length === 0) return;
    this.dependents.set(metadata.uid, {
      resource: event.resource,
      namespace: metadata.namespace,
      name: metadata.name,
      owners,
    });
    for (const owner of owners) {
      let uids = this.byOwner.get(owner);
      if (!uids) this.byOwner.set(owner, (uids = new Set<string>()));
      uids.add(metadata.uid);
    }
  }

  private forget(uid: string): void {
    for (const owner of this.dependents.get(uid)?.owners ?? []) {
      const uids = this.byOwner.get(owner);
      uids?.delete(uid);
      if (uids?.size === 0) this.byOwner.delete(owner);
    }
    this.dependents.delete(uid);
  }

  resync(): void {
    for (const { plural } of STORED_RESOURCES) {
      for (const object of this.context.store.list(plural))
        this.observe({ type: "ADDED", resource: plural, object });
    }
  }

  private collectOrphansOf(ownerUid: string): void {
    for (const uid of this.byOwner.get(ownerUid) ?? []) {
      const dependent = this.dependents.get(uid);
      if (!dependent || dependent.owners.some((owner) => this.alive.has(owner))) continue;
      // Deleted on the next turn, like the real collector working from its own queue after the owner is gone.
      this.context.enqueue(`gc/${uid}`, () => {
        const current = this.context.store.get(dependent.resource, dependent.namespace, dependent.name);
        if (current?.metadata.uid === uid)
          this.context.store.delete(dependent.resource, dependent.namespace, dependent.name);
      });
    }
  }
}
