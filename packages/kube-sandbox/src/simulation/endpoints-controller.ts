// The endpoints and endpointslice controllers: for each Service with a selector, an Endpoints object and
// EndpointSlices listing the IPs of matching pods (ready or not) with the Service's target ports resolved.
import type { StoredObject, StoreEvent } from "../contract.js";
import { jsonEqual } from "../store/clone.js";
import { now } from "../store/object-store.js";
import type { Controller, ControllerContext } from "./context.js";
import { ReadFields } from "./indexes.js";
import { acceptsNewObjects, controllerReference, isTerminating } from "./objects.js";
import { podTemplateHash } from "./pod-template-hash.js";
import { isPodReady } from "./replicaset-controller.js";
import type { PodObject, ServiceObject, ServicePort } from "./types.js";

interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
}

interface PortGroup {
  /** The resolved ports as JSON: what the pods of one group have in common. */
  key: string;
  ports: EndpointPort[];
  pods: PodObject[];
}

const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

/** A Service port's target on one pod; a named targetPort is looked up in the pod's container ports. */
function resolvePort(port: ServicePort, pod: PodObject): EndpointPort | undefined {
  const target = port.targetPort ?? port.port;
  const protocol = port.protocol ?? "TCP";
  const named = typeof target === "string" && !/^\d+$/.test(target);
  const number = named
    ? pod.spec.containers
        .flatMap((container) => container.ports ?? [])
        .find((candidate) => candidate.name === target)?.containerPort
    : Number(target);
  if (number === undefined) return undefined;
  return { ...(port.name ? { name: port.name } : {}), port: number, protocol };
}

function selects(service: ServiceObject, pod: PodObject): boolean {
  const selector = Object.entries(service.spec.selector ?? {});
  return selector.length > 0 && selector.every(([key, value]) => pod.metadata.labels?.[key] === value);
}

/** What a reconcile reads from the Service itself: its spec (generation) and labels (copied onto what it writes). */
const serviceFields = (service: StoredObject): string =>
  JSON.stringify([service.metadata.generation, service.metadata.labels]);

interface TrackedService {
  service: ServiceObject;
  listed: Set<string>;
}

export class EndpointsController implements Controller {
  private readonly read = new ReadFields(serviceFields);
  /**
   * Per namespace, each Service (as last seen) with the pods (by uid) its last reconcile listed, which matter even
   * once they stop matching: so a pod's change reconciles only the Services it concerns.
   */
  private readonly services = new Map<string, Map<string, TrackedService>>();

  constructor(private readonly context: ControllerContext) {}

  observe(event: StoreEvent): void {
    const { object } = event;
    const namespace = object.metadata.namespace ?? "default";
    if (event.resource === "services") {
      this.track(event.type, object as ServiceObject);
      if (!this.read.changed(event)) return;
      if (event.type === "DELETED") {
        this.context.enqueue(`endpoints/${namespace}/${object.metadata.name}`, () => {
          this.context.store.delete("endpoints", namespace, object.metadata.name);
        });
      } else this.queue(namespace, object.metadata.name);
    }
    if (event.resource === "pods") {
      const pod = object as PodObject;
      for (const [name, { service, listed }] of this.services.get(namespace) ?? []) {
        if (selects(service, pod) || listed.has(pod.metadata.uid)) this.queue(namespace, name);
      }
    }
  }

  private track(type: StoreEvent["type"], service: ServiceObject): void {
    const namespace = service.metadata.namespace ?? "default";
    let services = this.services.get(namespace);
    if (type === "DELETED") {
      services?.delete(service.metadata.name);
      if (services?.size === 0) this.services.delete(namespace);
      return;
    }
    if (!services) this.services.set(namespace, (services = new Map<string, TrackedService>()));
    const listed = services.get(service.metadata.name)?.listed ?? new Set<string>();
    services.set(service.metadata.name, { service, listed });
  }

  resync(): void {
    for (const service of this.context.store.list("services")) {
      this.track("ADDED", service as ServiceObject);
      this.queue(service.metadata.namespace ?? "default", service.metadata.name);
    }
  }

  private queue(namespace: string, name: string): void {
    this.context.enqueue(`endpoints/${namespace}/${name}`, () => {
      this.reconcile(namespace, name);
    });
  }

  private reconcile(namespace: string, name: string): void {
    const { store } = this.context;
    const service = store.get("services", namespace, name) as ServiceObject | undefined;
    // Services without a selector have hand-made Endpoints; they are not ours to touch.
    if (!service || Object.keys(service.spec.selector ?? {}).length === 0) return;
    const pods = (store.list("pods", namespace) as PodObject[]).filter(
      (pod) => selects(service, pod) && !isTerminating(pod) && pod.status?.podIP !== undefined,
    );
    const tracked = this.services.get(namespace)?.get(name);
    if (tracked) tracked.listed = new Set(pods.map((pod) => pod.metadata.uid));
    // Pods whose resolved ports are the same share a subset (and a slice), as the real controllers pack them.
    const groups = new Map<string, PortGroup>();
    for (const pod of pods) {
      const ports = (service.spec.ports ?? []).map((port) => resolvePort(port, pod));
      if (ports.some((port) => port === undefined)) continue;
      const key = JSON.stringify(ports);
      const group = groups.get(key) ?? { key, ports: ports as EndpointPort[], pods: [] };
      groups.set(key, group);
      group.pods.push(pod);
    }
    const canCreate = acceptsNewObjects(store, namespace);
    this.writeEndpoints(service, [...groups.values()], canCreate);
    this.writeSlices(service, [...groups.values()], canCreate);
  }

  private writeEndpoints(service: ServiceObject, groups: PortGroup[], canCreate: boolean): void {
    const { store } = this.context;
    const { name } = service.metadata;
    const namespace = service.metadata.namespace ?? "default";
    const address = (pod: PodObject) => ({
      ip: pod.status?.podIP,
      nodeName: pod.spec.nodeName,
      targetRef: { kind: "Pod", namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    });
    const subsets = groups.map((group) => {
      const ready = group.pods.filter(isPodReady).map(address);
      const notReady = group.pods.filter((pod) => !isPodReady(pod)).map(address);
      return {
        ...(ready.length > 0 ? { addresses: ready } : {}),
        ...(notReady.length > 0 ? { notReadyAddresses: notReady } : {}),
        ports: group.ports,
      };
    });
    const existing = store.get("endpoints", namespace, name);
    const labels = {
      ...service.metadata.labels,
      "endpoints.kubernetes.io/managed-by": "endpoint-controller",
    };
    const body = {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: {
        ...existing?.metadata,
        name,
        namespace,
        labels,
        annotations: {
          ...existing?.metadata.annotations,
          "endpoints.kubernetes.io/last-change-trigger-time": now(),
        },
      },
      ...(subsets.length > 0 ? { subsets } : {}),
    };
    if (!existing) {
      if (canCreate) store.create("endpoints", body);
    } else if (!jsonEqual(existing.subsets, body.subsets) || !jsonEqual(existing.metadata.labels, labels)) {
      store.update("endpoints", {
        ...existing,
        ...body,
        metadata: { ...existing.metadata, ...body.metadata },
      });
    }
  }

  /**
   * discovery.k8s.io/v1 EndpointSlices, which `kubectl describe service` reads since 1.32 (labelled
   * kubernetes.io/service-name); owned by the Service so the garbage collector removes them with it.
   */
  private writeSlices(service: ServiceObject, groups: PortGroup[], canCreate: boolean): void {
    const { store } = this.context;
    const namespace = service.metadata.namespace ?? "default";
    const existing = store
      .list("endpointslices", namespace)
      .filter(
        (slice) =>
          slice.metadata.labels?.[SERVICE_NAME_LABEL] === service.metadata.name &&
          slice.metadata.ownerReferences?.some((ref) => ref.uid === service.metadata.uid),
      );
    // A service with no matching pods still has one empty slice, as on a real cluster.
    const wanted = groups.length > 0 ? groups : [{ key: "", ports: [], pods: [] }];
    const names = new Set<string>();
    for (const group of wanted) {
      const name = `${service.metadata.name}-${podTemplateHash(group.key).slice(0, 5)}`;
      names.add(name);
      const body = {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: {
          name,
          namespace,
          labels: {
            ...service.metadata.labels,
            [SERVICE_NAME_LABEL]: service.metadata.name,
            "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
          },
          ownerReferences: [controllerReference(service)],
        },
        addressType: "IPv4",
        endpoints: group.pods.map((pod) => ({
          addresses: [pod.status?.podIP],
          conditions: { ready: isPodReady(pod), serving: isPodReady(pod), terminating: false },
          nodeName: pod.spec.nodeName,
          targetRef: { kind: "Pod", namespace, name: pod.metadata.name, uid: pod.metadata.uid },
        })),
        ports: group.ports,
      };
      const current = existing.find((slice) => slice.metadata.name === name);
      if (!current) {
        if (canCreate) store.create("endpointslices", body);
      } else if (
        !jsonEqual(current.endpoints, body.endpoints) ||
        !jsonEqual(current.ports, body.ports) ||
        !jsonEqual(current.metadata.labels, body.metadata.labels)
      ) {
        store.update("endpointslices", {
          ...current,
          ...body,
          metadata: { ...current.metadata, ...body.metadata },
        });
      }
    }
    for (const slice of existing)
      if (!names.has(slice.metadata.name)) store.delete("endpointslices", namespace, slice.metadata.name);
  }
}
