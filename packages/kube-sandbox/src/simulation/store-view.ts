import type { ObjectStore, StoredObject } from "../contract.js";

/**
 * The store as the controllers see it: reads and change notifications without a copy where the store offers them
 * (peek, peekList, observe). Controllers read far more than they write (each change makes several of them re-read
 * the objects around it), and a JSON copy per read was most of their cost. What they get back is then the stored
 * object itself, deeply frozen, and so is what a write returns: they build new objects to write, never change what
 * they read (a change throws).
 */
const READ_ONLY = { readOnlyResult: true };

export function copyFreeView(store: ObjectStore): ObjectStore {
  return {
    get: (resource, namespace, name) =>
      store.peek ? store.peek(resource, namespace, name) : store.get(resource, namespace, name),
    list: (resource, namespace) =>
      store.peekList
        ? (store.peekList(resource, namespace) as StoredObject[])
        : store.list(resource, namespace),
    create: (resource, object) => store.create(resource, object, READ_ONLY),
    update: (resource, object) => store.update(resource, object, READ_ONLY),
    updateStatus: (resource, namespace, name, status) =>
      store.updateStatus(resource, namespace, name, status, READ_ONLY),
    delete: (resource, namespace, name) => store.delete(resource, namespace, name),
    subscribe: (listener) => (store.observe ? store.observe(listener) : store.subscribe(listener)),
  };
}
