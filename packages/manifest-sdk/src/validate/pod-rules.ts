/**
 * Rules on a pod spec, wherever it sits (a Pod, a workload's template, a CronJob's job template):
 * container names, ports, env var names, resource requests against limits, probe handlers and ports,
 * and volume mounts that name a declared volume.
 */
import {
  asArray,
  asInteger,
  asObject,
  asString,
  checkName,
  checkPortNumber,
  type JsonObject,
} from "./access.js";
import { quantityValue } from "./formats.js";
import { duplicateValue, invalidValue, type IssueSink, type PathSegment } from "./issues.js";
import { dns1123Label, envVarName, ianaServiceName } from "./name-rules.js";

/** All container lists of a pod share one name space: the kubelet addresses containers by name. */
const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"] as const;

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
const PROBE_HANDLERS = ["exec", "httpGet", "tcpSocket", "grpc"] as const;

/**
 * Checks the pod spec at `path`: its containers' names (unique across all lists), ports and env var names.
 * `claimedVolumes` are volumes the pod gets besides its own list (a StatefulSet's volumeClaimTemplates).
 */
export function checkPodSpec(
  spec: JsonObject,
  path: readonly PathSegment[],
  sink: IssueSink,
  claimedVolumes: readonly unknown[] = [],
): void {
  // Repeats within one list are the schema's list-map rule; this catches a name reused across lists.
  const earlierLists = new Set<string>();
  const volumes = new Set<unknown>([
    ...(asArray(spec.volumes) ?? []).map((volume) => asObject(volume)?.name),
    ...claimedVolumes,
  ]);
  for (const list of CONTAINER_LISTS) {
    const containers = asArray(spec[list]);
    if (containers === undefined) continue;
    if (list === "containers" && containers.length === 0)
      sink.at([...path, list], "required", "Required value");
    const names: string[] = [];
    containers.forEach((item, i) => {
      const container = asObject(item);
      if (container === undefined) return;
      const name = checkContainer(container, [...path, list, i], volumes, sink);
      if (name === undefined) return;
      if (earlierLists.has(name)) {
        sink.at([...path, list, i, "name"], "duplicate", duplicateValue(name));
      }
      names.push(name);
    });
    for (const name of names) earlierLists.add(name);
  }
}

/** @returns the container's name when it has a usable one */
function checkContainer(
  container: JsonObject,
  path: readonly PathSegment[],
  volumes: ReadonlySet<unknown>,
  sink: IssueSink,
): string | undefined {
  const name = asString(container.name);
  if (name === "") sink.at([...path, "name"], "required", "Required value");
  else if (name !== undefined) checkName(sink, [...path, "name"], name, dns1123Label);
  checkContainerPorts(asArray(container.ports) ?? [], [...path, "ports"], sink);
  (asArray(container.env) ?? []).forEach((item, i) => {
    const envName = asString(asObject(item)?.name);
    if (envName === "") sink.at([...path, "env", i, "name"], "required", "Required value");
    else if (envName !== undefined) checkName(sink, [...path, "env", i, "name"], envName, envVarName);
  });
  checkResources(asObject(container.resources), [...path, "resources"], sink);
  for (const probe of PROBES) {
    const handlers = asObject(container[probe]);
    if (handlers !== undefined) checkProbe(handlers, [...path, probe], sink);
  }
  (asArray(container.volumeMounts) ?? []).forEach((item, i) => {
    const volume = asString(asObject(item)?.name);
    if (volume !== undefined && volume !== "" && !volumes.has(volume)) {
      sink.at([...path, "volumeMounts", i, "name"], "invalid", `Not found: ${JSON.stringify(volume)}`);
    }
  });
  return name || undefined;
}

/** Requests must not be negative nor exceed the limit of the same resource. */
function checkResources(
  resources: JsonObject | undefined,
  path: readonly PathSegment[],
  sink: IssueSink,
): void {
  const requests = asObject(resources?.requests) ?? {};
  const limits = asObject(resources?.limits) ?? {};
  for (const [field, quantities] of [
    ["limits", limits],
    ["requests", requests],
  ] as const) {
    for (const [resource, quantity] of Object.entries(quantities)) {
      const value = quantityValue(quantity);
      if (value !== undefined && value < 0) {
        sink.at(
          [...path, field, resource],
          "range",
          invalidValue(quantity, "must be greater than or equal to 0"),
        );
      }
    }
  }
  for (const [resource, request] of Object.entries(requests)) {
    const requested = quantityValue(request);
    const limit = quantityValue(limits[resource]);
    if (requested !== undefined && limit !== undefined && requested > limit) {
      sink.at(
        [...path, "requests", resource],
        "range",
        invalidValue(
          request,
          `must be less than or equal to ${resource} limit of ${String(limits[resource])}`,
        ),
      );
    }
  }
}

/** A probe has exactly one handler; its port is a port number or a container port's name. */
function checkProbe(probe: JsonObject, path: readonly PathSegment[], sink: IssueSink): void {
  const handlers = PROBE_HANDLERS.filter((handler) => probe[handler] != null);
  if (handlers.length === 0) sink.at(path, "required", "Required value: must specify a handler type");
  if (handlers.length > 1)
    sink.at([...path, handlers[1]!], "invalid", "Forbidden: may not specify more than 1 handler type");
  for (const handler of handlers) {
    const port = asObject(probe[handler])?.port;
    const portPath = [...path, handler, "port"];
    if (typeof port === "number" && Number.isInteger(port)) checkPortNumber(sink, portPath, port);
    else if (typeof port === "string") checkName(sink, portPath, port, ianaServiceName);
  }
}

function checkContainerPorts(ports: readonly unknown[], path: readonly PathSegment[], sink: IssueSink): void {
  const portNames = new Set<string>();
  ports.forEach((item, i) => {
    const port = asObject(item);
    if (port === undefined) return;
    const at = [...path, i];
    const containerPort = asInteger(port.containerPort);
    if (containerPort === 0) sink.at([...at, "containerPort"], "required", "Required value");
    else if (containerPort !== undefined) checkPortNumber(sink, [...at, "containerPort"], containerPort);
    // hostPort 0 means "no host port".
    const hostPort = asInteger(port.hostPort);
    if (hostPort !== undefined && hostPort !== 0) checkPortNumber(sink, [...at, "hostPort"], hostPort);
    const name = asString(port.name);
    if (name !== undefined && name !== "") {
      checkName(sink, [...at, "name"], name, ianaServiceName);
      if (portNames.has(name)) sink.at([...at, "name"], "duplicate", duplicateValue(name));
      portNames.add(name);
    }
  });
}
