// The cloud provider's service controller, reduced to one rule: a Service of type LoadBalancer gets the address
// 127.0.0.1 after loadBalancerDelayMs (readyDelayMs), and loses it when it stops being a LoadBalancer.
import type { StoreEvent } from "../contract.js";
import type { Controller, ControllerContext } from "./context.js";
import type { ServiceObject } from "./types.js";

const LOAD_BALANCER_IP = "127.0.0.1";

export class ServiceController implements Controller {
  constructor(private readonly context: ControllerContext) {}

  observe(event: StoreEvent): void {
    if (event.resource !== "services") return;
    const { uid, namespace, name } = event.object.metadata;
    if (event.type === "DELETED") this.context.timers.cancel(`service:${uid}`);
    else this.sync(event.object as ServiceObject, namespace ?? "default", name);
  }

  resync(): void {
    for (const service of this.context.store.list("services")) {
      this.sync(service as ServiceObject, service.metadata.namespace ?? "default", service.metadata.name);
    }
  }

  private sync(service: ServiceObject, namespace: string, name: string): void {
    const { store, timers, timing } = this.context;
    const hasAddress = (service.status?.loadBalancer?.ingress?.length ?? 0) > 0;
    const key = `service:${service.metadata.uid}`;
    if (service.spec.type === "LoadBalancer" && !hasAddress && !timers.has(key)) {
      timers.schedule(key, timing.loadBalancerDelayMs, () => {
        const current = store.get("services", namespace, name) as ServiceObject | undefined;
        if (current?.metadata.uid !== service.metadata.uid || current.spec.type !== "LoadBalancer") return;
        store.updateStatus("services", namespace, name, {
          ...current.status,
          loadBalancer: { ingress: [{ ip: LOAD_BALANCER_IP, ipMode: "VIP" }] },
        });
      });
    } else if (service.spec.type !== "LoadBalancer" && hasAddress) {
      // Cleared on the next turn: store listeners never write synchronously.
      this.context.enqueue(`service/${namespace}/${name}`, () => {
        const current = store.get("services", namespace, name) as ServiceObject | undefined;
        if (current && current.spec.type !== "LoadBalancer")
          store.updateStatus("services", namespace, name, { ...current.status, loadBalancer: {} });
      });
    }
  }
}
