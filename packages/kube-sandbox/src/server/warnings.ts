// The API server's warnings for pod specs that are accepted but probably wrong (k8s.io/kubernetes/pkg/api/pod,
// warnings.go), limited to the repeated entries that server-side apply refuses: a user who creates or updates such
// an object hears about it then, rather than at their first apply.
import { isPlainObject } from "../store/clone.js";

type Json = Record<string, unknown>;

const objects = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isPlainObject) : []);

/** Where the pod spec is: a Pod's own spec, or the template of a workload. */
function podSpecOf(kind: string, object: Json): { spec: Json; path: string } | undefined {
  const spec = isPlainObject(object.spec) ? object.spec : undefined;
  if (kind === "Pod") return spec && { spec, path: "spec" };
  const template = spec && isPlainObject(spec.template) ? spec.template : undefined;
  return template && isPlainObject(template.spec)
    ? { spec: template.spec, path: "spec.template.spec" }
    : undefined;
}

interface PortBlock {
  field: string;
  hostIP: string;
  hostPort: number;
}

/** Warnings for a written object, worded as the real server's (kubectl prints them as `Warning: ...`). */
export function podSpecWarnings(kind: string, object: Json): string[] {
  const found = podSpecOf(kind, object);
  if (!found) return [];
  const warnings: string[] = [];
  const containers = ["initContainers", "containers", "ephemeralContainers"].flatMap((list) =>
    objects(found.spec[list]).map((container, index) => ({
      container,
      path: `${found.path}.${list}[${index}]`,
    })),
  );
  for (const { container, path } of containers) {
    const names = new Set<string>();
    objects(container.env).forEach((item, index) => {
      const name = String(item.name);
      if (!names.has(name)) {
        names.add(name);
        return;
      }
      // A redefinition that builds on the previous value (X="$(X):more") is deliberate; anything else hides it.
      const reference = `$(${name})`;
      const value = typeof item.value === "string" ? item.value : "";
      if (item.valueFrom !== undefined || value === reference || !value.includes(reference)) {
        warnings.push(
          `${path}.env[${index}]: hides previous definition of ${JSON.stringify(name)}, which may be dropped when using apply`,
        );
      }
    });
  }
  // Ports are compared across all containers, as they share the pod's network namespace.
  const ports = new Map<string, PortBlock[]>();
  for (const { container, path } of containers.filter(({ path }) => !path.includes("ephemeral"))) {
    objects(container.ports).forEach((port, index) => {
      const block: PortBlock = {
        field: `${path}.ports[${index}]`,
        hostIP: typeof port.hostIP === "string" ? port.hostIP : "",
        hostPort: typeof port.hostPort === "number" ? port.hostPort : 0,
      };
      const key = `${String(port.containerPort)}/${typeof port.protocol === "string" ? port.protocol : "TCP"}`;
      const others = ports.get(key) ?? [];
      for (const other of others) {
        if (block.hostIP === other.hostIP && block.hostPort === other.hostPort)
          warnings.push(`${block.field}: duplicate port definition with ${other.field}`);
        else if (block.hostPort === 0 || other.hostPort === 0)
          warnings.push(`${block.field}: overlapping port definition with ${other.field}`);
        else if (block.hostPort === other.hostPort && (block.hostIP === "") !== (other.hostIP === ""))
          warnings.push(`${block.field}: dangerously ambiguous port definition with ${other.field}`);
      }
      ports.set(key, [...others, block]);
    });
  }
  return warnings;
}
