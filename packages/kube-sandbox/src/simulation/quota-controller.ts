// The resource quota controller: keeps every ResourceQuota's status (hard as the spec says, used as the namespace's
// objects add up) current after each change in its namespace, so `kubectl describe quota` and clients read true figures.
import { quotaStatus } from "../admission/resource-quota.js";
import type { StoreEvent } from "../contract.js";
import { jsonEqual } from "../store/clone.js";
import type { Controller, ControllerContext } from "./context.js";

export class QuotaController implements Controller {
  constructor(private readonly context: ControllerContext) {}

  observe(event: StoreEvent): void {
    const namespace = event.object.metadata.namespace;
    if (namespace === undefined) return;
    if (
      event.resource !== "resourcequotas" &&
      this.context.store.list("resourcequotas", namespace).length === 0
    )
      return;
    this.queue(namespace);
  }

  resync(): void {
    const namespaces = new Set(
      this.context.store.list("resourcequotas").map((quota) => quota.metadata.namespace),
    );
    for (const namespace of namespaces) if (namespace !== undefined) this.queue(namespace);
  }

  private queue(namespace: string): void {
    this.context.enqueue(`quota/${namespace}`, () => {
      this.reconcile(namespace);
    });
  }

  private reconcile(namespace: string): void {
    const { store } = this.context;
    for (const quota of store.list("resourcequotas", namespace)) {
      if (quota.metadata.deletionTimestamp) continue;
      const status = quotaStatus(store, quota);
      if (!jsonEqual(status, quota.status))
        store.updateStatus("resourcequotas", namespace, quota.metadata.name, status);
    }
  }
}
