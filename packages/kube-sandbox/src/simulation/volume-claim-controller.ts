// The persistent volume controller with a provisioner that never waits: every claim is Bound as soon as it is seen,
// to a volume of exactly the size it asked for. The claim's storage class is filled in at create (the default
// StorageClass, see server/defaults.ts), as the DefaultStorageClass admission plugin does.
import type { StoreEvent } from "../contract.js";
import type { Controller, ControllerContext } from "./context.js";

interface ClaimShape {
  metadata: { uid: string };
  spec?: { accessModes?: string[]; resources?: { requests?: { storage?: string } } };
  status?: { phase?: string };
}

export class VolumeClaimController implements Controller {
  constructor(private readonly context: ControllerContext) {}

  observe(event: StoreEvent): void {
    if (event.resource !== "persistentvolumeclaims" || event.type === "DELETED") return;
    this.sync(event.object.metadata.namespace ?? "default", event.object.metadata.name);
  }

  resync(): void {
    for (const claim of this.context.store.list("persistentvolumeclaims")) {
      this.sync(claim.metadata.namespace ?? "default", claim.metadata.name);
    }
  }

  private sync(namespace: string, name: string): void {
    this.context.enqueue(`claim/${namespace}/${name}`, () => {
      const { store } = this.context;
      const claim = store.get("persistentvolumeclaims", namespace, name) as ClaimShape | undefined;
      if (claim === undefined || claim.status?.phase === "Bound") return;
      const storage = claim.spec?.resources?.requests?.storage;
      store.updateStatus("persistentvolumeclaims", namespace, name, {
        phase: "Bound",
        accessModes: claim.spec?.accessModes ?? [],
        ...(storage === undefined ? {} : { capacity: { storage } }),
      });
    });
  }
}
