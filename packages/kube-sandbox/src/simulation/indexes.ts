// Bookkeeping that keeps the controllers' reaction to a change proportional to what the change touches, rather
// than to everything in its namespace: who controls what, and whether the fields a controller reads changed at all.
import type { ObjectStore, ResourceName, StoredObject, StoreEvent } from "../contract.js";
import { controllerOf } from "./objects.js";

/**
 * The objects each owner controls (controller ownerReference), per resource: what client-go controllers get from
 * their informers' owner indexes. Fed every store event before any controller sees it.
 */
export class OwnerIndex {
  /** `resource/ownerUid` → names of the dependents (always in the owner's namespace). */
  private readonly dependents = new Map<string, Set<string>>();
  /** `resource/uid` of a dependent → the owner key it is filed under, to move it when its ownerReference changes. */
  private readonly filedUnder = new Map<string, string>();

  observe(event: StoreEvent): void {
    const { resource, object } = event;
    const self = `${resource}/${object.metadata.uid}`;
    const owner = event.type === "DELETED" ? undefined : controllerOf(object);
    const key = owner && `${resource}/${owner.uid}`;
    const previous = this.filedUnder.get(self);
    if (previous === key) return;
    if (previous !== undefined) {
      const names = this.dependents.get(previous);
      names?.delete(object.metadata.name);
      if (names?.size === 0) this.dependents.delete(previous);
      this.filedUnder.delete(self);
    }
    if (key !== undefined) {
      let names = this.dependents.get(key);
      if (!names) this.dependents.set(key, (names = new Set<string>()));
      names.add(object.metadata.name);
      this.filedUnder.set(self, key);
    }
  }

  resync(store: ObjectStore, resources: ResourceName[]): void {
    for (const resource of resources)
      for (const object of store.list(resource)) this.observe({ type: "ADDED", resource, object });
  }

  /** The `resource` objects `owner` controls, sorted by name like a list. */
  controlledBy(store: ObjectStore, resource: ResourceName, owner: StoredObject): StoredObject[] {
    const names = this.dependents.get(`${resource}/${owner.metadata.uid}`);
    if (!names) return [];
    const { namespace } = owner.metadata;
    return [...names]
      .sort((a, b) => a.localeCompare(b))
      .flatMap((name) => {
        const object = store.get(resource, namespace, name);
        // A dependent whose uid no longer points here was replaced under the same name since it was filed.
        return object && controllerOf(object)?.uid === owner.metadata.uid ? [object] : [];
      });
  }
}

/**
 * Remembers, per object, a digest of the fields one controller reads, so that a change to anything else (an
 * annotation a client re-applies, a status another controller writes) costs no reconcile.
 */
export class ReadFields {
  private readonly seen = new Map<string, string>();

  constructor(private readonly digest: (object: StoredObject) => string) {}

  /** Whether the event changes what the controller reads; DELETED always does (and forgets the object). */
  changed(event: StoreEvent): boolean {
    const { uid } = event.object.metadata;
    if (event.type === "DELETED") {
      this.seen.delete(uid);
      return true;
    }
    const digest = this.digest(event.object);
    if (this.seen.get(uid) === digest) return false;
    this.seen.set(uid, digest);
    return true;
  }
}
