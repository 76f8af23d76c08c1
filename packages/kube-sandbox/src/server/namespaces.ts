// Namespace lifecycle: a deleted namespace turns Terminating (deletionTimestamp, status.phase), refuses new
// content with 403 like the real NamespaceLifecycle admission plugin, has its content deleted, then disappears.
import type { NewObject, StoredObject } from "../contract.js";
import { STORED_RESOURCES, type ResourceInfo } from "../resources.js";
import { now, type MemoryObjectStore } from "../store/object-store.js";
import { forbidden, notFound } from "./status.js";

const NAMESPACES = { group: "", plural: "namespaces" };

export const INITIAL_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

export class NamespaceLifecycle {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: MemoryObjectStore,
    /** How long a namespace stays Terminating before its content is removed (the real one takes seconds). */
    private readonly terminationDelayMs: number,
  ) {}

  /** Creates the namespaces every cluster starts with, when missing (a restored snapshot already has them). */
  ensureInitial(): void {
    for (const name of INITIAL_NAMESPACES) {
      if (!this.store.get("namespaces", undefined, name))
        this.store.create("namespaces", namespaceObject(name));
    }
    // A snapshot taken mid-termination: finish the job.
    for (const namespace of this.store.list("namespaces")) {
      if (namespace.metadata.deletionTimestamp) this.scheduleCleanup(namespace.metadata.name);
    }
  }

  /** Throws the API server's error when new objects cannot be created in `namespace`. */
  assertCanCreateIn(info: ResourceInfo, namespace: string, name: string): void {
    const found = this.store.get("namespaces", undefined, namespace);
    if (!found) throw notFound(NAMESPACES, namespace);
    if (found.metadata.deletionTimestamp) {
      throw forbidden(
        info,
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
        [
          {
            reason: "NamespaceTerminating",
            message: `namespace ${namespace} is being terminated`,
            field: "metadata.namespace",
          },
        ],
      );
    }
  }

  /** Marks the namespace Terminating (returned, not yet stored when `dryRun`) and schedules its removal. */
  terminate(namespace: StoredObject, dryRun: boolean): StoredObject {
    if (namespace.metadata.deletionTimestamp) return namespace;
    const terminating: StoredObject = {
      ...namespace,
      metadata: { ...namespace.metadata, deletionTimestamp: now() },
      status: { ...(namespace.status as object | undefined), phase: "Terminating" },
    };
    if (dryRun) return terminating;
    const stored = this.store.update("namespaces", terminating);
    this.scheduleCleanup(namespace.metadata.name);
    return stored;
  }

  private scheduleCleanup(name: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.removeContent(name);
      this.store.delete("namespaces", undefined, name);
    }, this.terminationDelayMs);
    this.timers.add(timer);
  }

  private removeContent(namespace: string): void {
    // Controllers may react to a deletion by creating something (a ReplicaSet replacing a pod), so repeat until empty.
    for (let pass = 0; pass < 5; pass++) {
      let removed = 0;
      for (const info of STORED_RESOURCES) {
        if (!info.namespaced) continue;
        for (const object of this.store.list(info.plural, namespace)) {
          if (this.store.delete(info.plural, namespace, object.metadata.name)) removed++;
        }
      }
      if (removed === 0) return;
    }
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

export function namespaceObject(name: string): NewObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { "kubernetes.io/metadata.name": name } },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  };
}
