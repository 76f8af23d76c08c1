// The few things the real API server allocates or defaults that clients read back: a Service's type, cluster IP
// and node ports, and the protocol of its ports; a new PersistentVolumeClaim's storage class. (General defaulting is
// out of scope: see README.)
import type { StoredObject } from "../contract.js";
import type { ResourceInfo } from "../resources.js";
import { isPlainObject } from "../store/clone.js";

type Json = Record<string, unknown>;

/**
 * Allocates cluster IPs and node ports from counters, skipping those of existing Services (a restored snapshot).
 * 10.96.0.1 is the kubernetes Service on a real cluster, so addresses start after it.
 */
export class ServiceAllocator {
  private nextAddress = 10;
  private nextNodePort = 30000;
  private readonly used = new Set<string | number>();

  constructor(existing: readonly StoredObject[] = []) {
    for (const service of existing) {
      const spec = (service.spec ?? {}) as Json;
      if (typeof spec.clusterIP === "string") this.used.add(spec.clusterIP);
      for (const port of Array.isArray(spec.ports) ? (spec.ports as Json[]) : []) {
        if (typeof port.nodePort === "number") this.used.add(port.nodePort);
      }
    }
  }

  clusterIp(): string {
    for (;;) {
      const value = this.nextAddress++;
      const address = `10.96.${Math.floor(value / 250) % 256}.${(value % 250) + 1}`;
      if (!this.used.has(address)) return address;
    }
  }

  nodePort(): number {
    for (let attempt = 0; attempt < 2768; attempt++) {
      const port = this.nextNodePort;
      this.nextNodePort = port >= 32767 ? 30000 : port + 1;
      if (!this.used.has(port)) {
        this.used.add(port);
        return port;
      }
    }
    return this.nextNodePort;
  }
}

/** Fills in a Service's allocated and defaulted fields, keeping what the stored Service already had. */
export function defaultService(
  info: ResourceInfo,
  object: Json,
  stored: StoredObject | undefined,
  allocator: ServiceAllocator,
): void {
  if (info.plural !== "services" || !isPlainObject(object.spec)) return;
  const spec = object.spec;
  const previous = isPlainObject(stored?.spec) ? stored.spec : {};
  spec.type ??= "ClusterIP";
  spec.sessionAffinity ??= "None";
  if (spec.type !== "ExternalName") {
    spec.clusterIP ??= previous.clusterIP ?? allocator.clusterIp();
    spec.clusterIPs ??= previous.clusterIPs ?? [spec.clusterIP];
    spec.ipFamilies ??= ["IPv4"];
    spec.ipFamilyPolicy ??= "SingleStack";
    spec.internalTrafficPolicy ??= "Cluster";
  }
  const previousPorts = Array.isArray(previous.ports) ? (previous.ports as Json[]) : [];
  for (const port of Array.isArray(spec.ports) ? (spec.ports as unknown[]) : []) {
    if (!isPlainObject(port)) continue;
    port.protocol ??= "TCP";
    port.targetPort ??= port.port;
    if ((spec.type === "NodePort" || spec.type === "LoadBalancer") && port.nodePort === undefined) {
      port.nodePort = previousPorts.find((old) => old.port === port.port)?.nodePort ?? allocator.nodePort();
    }
  }
}

/** The simulated cluster's default StorageClass, which claims that name none get at create. */
export const DEFAULT_STORAGE_CLASS = "standard";

/** A new claim without a storage class gets the default one (DefaultStorageClass admission); later writes keep it. */
export function defaultVolumeClaim(info: ResourceInfo, object: Json, stored: StoredObject | undefined): void {
  if (info.plural !== "persistentvolumeclaims" || !isPlainObject(object.spec)) return;
  const previous = isPlainObject(stored?.spec) ? stored.spec : undefined;
  object.spec.storageClassName ??= previous === undefined ? DEFAULT_STORAGE_CLASS : previous.storageClassName;
  object.spec.volumeMode ??= previous?.volumeMode ?? "Filesystem";
}
