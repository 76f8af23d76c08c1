// Server-side printing: kubectl get asks for `application/json;as=Table;g=meta.k8s.io;v=v1` and prints the columns
// the server chose. Without it kubectl can only show NAME and AGE. Columns follow the real server's printers for the
// kinds BabyHelm uses; other kinds get NAME and AGE.
import type { StoredObject } from "../contract.js";

type Cell = string | number;

interface Column {
  name: string;
  type: "string" | "integer" | "date";
  format?: "name";
  /** 0: always shown; 1: only with -o wide. */
  priority?: number;
  cell: (object: unknown) => Cell;
}

/** The value at a path of untyped JSON, or undefined. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

const text = (value: unknown, fallback = ""): string =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : fallback;
const count = (value: unknown): number => (typeof value === "number" ? value : 0);
const items = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const none = (values: string[]): string => (values.length > 0 ? values.join(",") : "<none>");

/** Whether the Accept header asks for a Table (kubectl get), as opposed to plain objects. */
export function wantsTable(accept: string | undefined): boolean {
  return (
    accept?.split(",").some((type) => type.includes("as=Table") && type.includes("g=meta.k8s.io")) ?? false
  );
}

/** kubectl's HumanDuration: 45s, 3m20s, 25m, 5h3m, 2d4h, 97d, 3y... */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  if (seconds < 120) return `${seconds}s`;
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 192) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (days < 730) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

const since = (timestamp: unknown): string =>
  typeof timestamp === "string" ? humanDuration(Date.now() - Date.parse(timestamp)) : "<unknown>";

const name: Column = {
  name: "Name",
  type: "string",
  format: "name",
  cell: (o) => text(at(o, "metadata", "name")),
};
const age: Column = {
  name: "Age",
  type: "string",
  cell: (o) => since(at(o, "metadata", "creationTimestamp")),
};

function pairs(map: unknown): string[] {
  return typeof map === "object" && map !== null
    ? Object.entries(map).map(([key, value]) => `${key}=${text(value)}`)
    : [];
}

const nodeAddress = (node: unknown, type: string): string =>
  text(
    at(
      items(at(node, "status", "addresses")).find((address) => at(address, "type") === type),
      "address",
    ),
    "<none>",
  );

const containers = (o: unknown): unknown[] => items(at(o, "spec", "template", "spec", "containers"));

/** The STATUS column of a pod, as kubectl shows it (the reason of a waiting container wins over the phase). */
function podStatus(pod: unknown): string {
  if (at(pod, "metadata", "deletionTimestamp")) return "Terminating";
  for (const status of [
    ...items(at(pod, "status", "initContainerStatuses")),
    ...items(at(pod, "status", "containerStatuses")),
  ]) {
    const waiting = text(at(status, "state", "waiting", "reason"));
    if (waiting) return waiting;
    const terminated = text(at(status, "state", "terminated", "reason"));
    if (terminated && at(status, "state", "terminated", "exitCode") !== 0) return terminated;
  }
  return text(at(pod, "status", "reason")) || text(at(pod, "status", "phase"), "Unknown");
}

function servicePorts(service: unknown): string {
  return none(
    items(at(service, "spec", "ports")).map((port) => {
      const nodePort = at(port, "nodePort");
      return `${text(at(port, "port"))}${nodePort ? `:${text(nodePort)}` : ""}/${text(at(port, "protocol"), "TCP")}`;
    }),
  );
}

const ingressAddresses = (o: unknown): string[] =>
  items(at(o, "status", "loadBalancer", "ingress")).map(
    (entry) => text(at(entry, "ip")) || text(at(entry, "hostname")),
  );

function externalIp(service: unknown): string {
  const addresses = [
    ...items(at(service, "spec", "externalIPs")).map((ip) => text(ip)),
    ...ingressAddresses(service),
  ];
  if (addresses.length > 0) return addresses.join(",");
  return at(service, "spec", "type") === "LoadBalancer" ? "<pending>" : "<none>";
}

function hpaTargets(hpa: unknown): string {
  const current = items(at(hpa, "status", "currentMetrics"));
  return none(
    items(at(hpa, "spec", "metrics")).map((metric, index) => {
      const target = at(metric, "resource", "target");
      const now = at(current[index], "resource", "current");
      if (at(target, "type") === "Utilization") {
        const utilization = at(now, "averageUtilization");
        const value = utilization === undefined ? "<unknown>" : `${text(utilization)}%`;
        return `${text(at(metric, "resource", "name"), "metric")}: ${value}/${text(at(target, "averageUtilization"))}%`;
      }
      return `${text(at(now, "averageValue"), "<unknown>")}/${text(at(target, "averageValue")) || text(at(target, "value"), "?")}`;
    }),
  );
}

const COLUMNS: Record<string, Column[]> = {
  Namespace: [name, { name: "Status", type: "string", cell: (o) => text(at(o, "status", "phase")) }, age],
  Deployment: [
    name,
    {
      name: "Ready",
      type: "string",
      cell: (o) => `${count(at(o, "status", "readyReplicas"))}/${count(at(o, "spec", "replicas") ?? 1)}`,
    },
    { name: "Up-to-date", type: "integer", cell: (o) => count(at(o, "status", "updatedReplicas")) },
    { name: "Available", type: "integer", cell: (o) => count(at(o, "status", "availableReplicas")) },
    age,
    {
      name: "Containers",
      type: "string",
      priority: 1,
      cell: (o) => none(containers(o).map((c) => text(at(c, "name")))),
    },
    {
      name: "Images",
      type: "string",
      priority: 1,
      cell: (o) => none(containers(o).map((c) => text(at(c, "image")))),
    },
    {
      name: "Selector",
      type: "string",
      priority: 1,
      cell: (o) => none(pairs(at(o, "spec", "selector", "matchLabels"))),
    },
  ],
  ReplicaSet: [
    name,
    { name: "Desired", type: "integer", cell: (o) => count(at(o, "spec", "replicas") ?? 1) },
    { name: "Current", type: "integer", cell: (o) => count(at(o, "status", "replicas")) },
    { name: "Ready", type: "integer", cell: (o) => count(at(o, "status", "readyReplicas")) },
    age,
  ],
  Pod: [
    name,
    {
      name: "Ready",
      type: "string",
      cell: (o) =>
        `${items(at(o, "status", "containerStatuses")).filter((status) => at(status, "ready") === true).length}/${items(at(o, "spec", "containers")).length}`,
    },
    { name: "Status", type: "string", cell: podStatus },
    {
      name: "Restarts",
      type: "string",
      cell: (o) =>
        String(
          items(at(o, "status", "containerStatuses")).reduce(
            (total: number, status) => total + count(at(status, "restartCount")),
            0,
          ),
        ),
    },
    age,
    { name: "IP", type: "string", priority: 1, cell: (o) => text(at(o, "status", "podIP"), "<none>") },
    { name: "Node", type: "string", priority: 1, cell: (o) => text(at(o, "spec", "nodeName"), "<none>") },
  ],
  Service: [
    name,
    { name: "Type", type: "string", cell: (o) => text(at(o, "spec", "type"), "ClusterIP") },
    { name: "Cluster-IP", type: "string", cell: (o) => text(at(o, "spec", "clusterIP"), "<none>") },
    { name: "External-IP", type: "string", cell: externalIp },
    { name: "Port(s)", type: "string", cell: servicePorts },
    age,
    { name: "Selector", type: "string", priority: 1, cell: (o) => none(pairs(at(o, "spec", "selector"))) },
  ],
  HorizontalPodAutoscaler: [
    name,
    {
      name: "Reference",
      type: "string",
      cell: (o) =>
        `${text(at(o, "spec", "scaleTargetRef", "kind"))}/${text(at(o, "spec", "scaleTargetRef", "name"))}`,
    },
    { name: "Targets", type: "string", cell: hpaTargets },
    { name: "MinPods", type: "string", cell: (o) => text(at(o, "spec", "minReplicas"), "1") },
    { name: "MaxPods", type: "integer", cell: (o) => count(at(o, "spec", "maxReplicas")) },
    { name: "Replicas", type: "integer", cell: (o) => count(at(o, "status", "currentReplicas")) },
    age,
  ],
  Ingress: [
    name,
    { name: "Class", type: "string", cell: (o) => text(at(o, "spec", "ingressClassName"), "<none>") },
    {
      name: "Hosts",
      type: "string",
      cell: (o) => none(items(at(o, "spec", "rules")).map((rule) => text(at(rule, "host"), "*"))),
    },
    { name: "Address", type: "string", cell: (o) => ingressAddresses(o).join(",") },
    {
      name: "Ports",
      type: "string",
      cell: (o) => (items(at(o, "spec", "tls")).length > 0 ? "80, 443" : "80"),
    },
    age,
  ],
  PodDisruptionBudget: [
    name,
    { name: "Min Available", type: "string", cell: (o) => text(at(o, "spec", "minAvailable"), "N/A") },
    { name: "Max Unavailable", type: "string", cell: (o) => text(at(o, "spec", "maxUnavailable"), "N/A") },
    {
      name: "Allowed Disruptions",
      type: "integer",
      cell: (o) => count(at(o, "status", "disruptionsAllowed")),
    },
    age,
  ],
  NetworkPolicy: [
    name,
    {
      name: "Pod-Selector",
      type: "string",
      cell: (o) => none(pairs(at(o, "spec", "podSelector", "matchLabels"))),
    },
    age,
  ],
  ConfigMap: [
    name,
    {
      name: "Data",
      type: "integer",
      cell: (o) => pairs(at(o, "data")).length + pairs(at(o, "binaryData")).length,
    },
    age,
  ],
  Secret: [
    name,
    { name: "Type", type: "string", cell: (o) => text(at(o, "type"), "Opaque") },
    { name: "Data", type: "integer", cell: (o) => pairs(at(o, "data")).length },
    age,
  ],
  Endpoints: [
    name,
    {
      name: "Endpoints",
      type: "string",
      cell: (o) =>
        none(
          items(at(o, "subsets")).flatMap((subset) =>
            items(at(subset, "addresses")).flatMap((address) =>
              items(at(subset, "ports")).map(
                (port) => `${text(at(address, "ip"))}:${text(at(port, "port"))}`,
              ),
            ),
          ),
        ),
    },
    age,
  ],
  EndpointSlice: [
    name,
    { name: "AddressType", type: "string", cell: (o) => text(at(o, "addressType")) },
    {
      name: "Ports",
      type: "string",
      cell: (o) => {
        const ports = items(at(o, "ports")).map((port) => text(at(port, "port"), "<unset>"));
        return ports.length > 0 ? ports.join(",") : "<unset>";
      },
    },
    {
      name: "Endpoints",
      type: "string",
      cell: (o) => {
        const addresses = items(at(o, "endpoints")).flatMap((endpoint) =>
          items(at(endpoint, "addresses")).map((address) => text(address)),
        );
        // Like the real printer: the first three, then how many more.
        const shown = addresses.slice(0, 3).join(",");
        if (addresses.length === 0) return "<unset>";
        return addresses.length > 3 ? `${shown} + ${addresses.length - 3} more...` : shown;
      },
    },
    age,
  ],
  Node: [
    name,
    {
      name: "Status",
      type: "string",
      cell: (o) => {
        const ready = items(at(o, "status", "conditions")).find((c) => at(c, "type") === "Ready");
        const status = at(ready, "status") === "True" ? "Ready" : ready ? "NotReady" : "Unknown";
        return at(o, "spec", "unschedulable") === true ? `${status},SchedulingDisabled` : status;
      },
    },
    {
      name: "Roles",
      type: "string",
      cell: (o) =>
        none(
          Object.keys((at(o, "metadata", "labels") as Record<string, string> | undefined) ?? {})
            .filter((label) => label.startsWith("node-role.kubernetes.io/"))
            .map((label) => label.slice("node-role.kubernetes.io/".length))
            .sort(),
        ),
    },
    age,
    { name: "Version", type: "string", cell: (o) => text(at(o, "status", "nodeInfo", "kubeletVersion")) },
    {
      name: "Internal-IP",
      type: "string",
      priority: 1,
      cell: (o) => nodeAddress(o, "InternalIP"),
    },
    {
      name: "External-IP",
      type: "string",
      priority: 1,
      cell: (o) => nodeAddress(o, "ExternalIP"),
    },
    {
      name: "OS-Image",
      type: "string",
      priority: 1,
      cell: (o) => text(at(o, "status", "nodeInfo", "osImage"), "<unknown>"),
    },
    {
      name: "Kernel-Version",
      type: "string",
      priority: 1,
      cell: (o) => text(at(o, "status", "nodeInfo", "kernelVersion"), "<unknown>"),
    },
    {
      name: "Container-Runtime",
      type: "string",
      priority: 1,
      cell: (o) => text(at(o, "status", "nodeInfo", "containerRuntimeVersion"), "<unknown>"),
    },
  ],
  Event: [
    {
      name: "Last Seen",
      type: "string",
      cell: (o) =>
        since(at(o, "lastTimestamp") ?? at(o, "eventTime") ?? at(o, "metadata", "creationTimestamp")),
    },
    { name: "Type", type: "string", cell: (o) => text(at(o, "type")) },
    { name: "Reason", type: "string", cell: (o) => text(at(o, "reason")) },
    {
      name: "Object",
      type: "string",
      cell: (o) =>
        `${text(at(o, "involvedObject", "kind")).toLowerCase()}/${text(at(o, "involvedObject", "name"))}`,
    },
    { name: "Message", type: "string", cell: (o) => text(at(o, "message")) },
  ],
};

function rowObject(object: StoredObject, includeObject: string | null): unknown {
  if (includeObject === "None") return undefined;
  if (includeObject === "Object") return object;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: object.metadata };
}

/** A meta.k8s.io/v1 Table of `objects` of one kind. */
export function toTable(
  kind: string,
  objects: StoredObject[],
  listMetadata: Record<string, unknown>,
  includeObject: string | null,
): Record<string, unknown> {
  const columns = COLUMNS[kind] ?? [name, age];
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMetadata,
    columnDefinitions: columns.map((column) => ({
      name: column.name,
      type: column.type,
      format: column.format ?? "",
      description: "",
      priority: column.priority ?? 0,
    })),
    rows: objects.map((object) => {
      const row: Record<string, unknown> = { cells: columns.map((column) => column.cell(object)) };
      const embedded = rowObject(object, includeObject);
      if (embedded !== undefined) row.object = embedded;
      return row;
    }),
  };
}
