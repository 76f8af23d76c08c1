import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import type { Cluster } from "../cluster/cluster.js";
import { refKey, refOf } from "../cluster/object-ref.js";
import type { Logger } from "../logger.js";

/** What `kubectl rollout restart` sets on a pod template: a restart is a change of this annotation. */
export const RESTARTED_AT_ANNOTATION = "kubectl.kubernetes.io/restartedAt";
/** Restarts patch with a field manager of their own, so that BabyHelm's applies neither own nor undo them. */
export const RESTART_FIELD_MANAGER = "babyhelm-restart";

/**
 * Applies an app's next manifests and deletes the objects the previous ones had and the next ones do not. When the
 * cluster refuses any of it, puts back what was there (the previous manifests, or nothing for a new app) and
 * rethrows the cluster's error. A put-back that fails too is logged: the app then reads as drifted, and the periodic
 * check removes objects of apps that do not exist.
 */
export async function rollOut(
  cluster: Cluster,
  next: readonly KubernetesObject[],
  previous: readonly KubernetesObject[] | undefined,
  log: Logger,
): Promise<void> {
  try {
    await cluster.apply(withRemovalsSpelledOut(next, previous ?? []));
    await deleteObjects(cluster, without(previous ?? [], next));
  } catch (error) {
    await putBack(cluster, next, previous).catch((undoError: unknown) => {
      log.error(
        { err: undoError, objects: next.map((object) => refKey(refOf(object))) },
        "could not undo a failed rollout; the app will read as drifted until redeployed",
      );
    });
    throw error;
  }
}

async function putBack(
  cluster: Cluster,
  next: readonly KubernetesObject[],
  previous: readonly KubernetesObject[] | undefined,
): Promise<void> {
  if (previous !== undefined) await cluster.apply(withRemovalsSpelledOut(previous, next));
  await deleteObjects(cluster, without(next, previous ?? []));
}

export async function deleteObjects(cluster: Cluster, objects: readonly KubernetesObject[]): Promise<void> {
  // One at a time, Deployment first as rendered: a failure leaves the rest for a retry to find.
  for (const object of objects) await cluster.delete(refOf(object));
}

/** The objects of `from` that `other` does not have (by apiVersion, kind, namespace and name). */
export function without(
  from: readonly KubernetesObject[],
  other: readonly KubernetesObject[],
): KubernetesObject[] {
  const keep = new Set(other.map((object) => refKey(refOf(object))));
  return from.filter((object) => !keep.has(refKey(refOf(object))));
}

interface PodTemplateOwner {
  spec?: { template?: { spec?: { containers?: Record<string, unknown>[] } } };
}

function containersOf(object: KubernetesObject | undefined): Record<string, unknown>[] {
  return (object as PodTemplateOwner | undefined)?.spec?.template?.spec?.containers ?? [];
}

/**
 * `next` with each container field that `previous` applied as an object and `next` leaves out set to null. Server-side
 * apply removes only the fields BabyHelm set, and keeps what the API server defaulted inside them: a health check left
 * out would stay as `httpGet: { scheme: HTTP }` without a port, which the API server refuses ("livenessProbe.httpGet.port:
 * Required value"). An explicit null removes the whole field.
 */
export function withRemovalsSpelledOut(
  next: readonly KubernetesObject[],
  previous: readonly KubernetesObject[],
): KubernetesObject[] {
  const before = new Map(previous.map((object) => [refKey(refOf(object)), object]));
  return next.map((object) => {
    const earlier = containersOf(before.get(refKey(refOf(object))));
    const containers = containersOf(object);
    if (earlier.length === 0 || containers.length === 0) return object;
    const cleared = containers.map((container) => {
      const old = earlier.find((candidate) => candidate.name === container.name);
      if (old === undefined) return container;
      const gone = Object.keys(old).filter(
        (key) =>
          container[key] === undefined &&
          old[key] !== null &&
          typeof old[key] === "object" &&
          !Array.isArray(old[key]),
      );
      return gone.length === 0
        ? container
        : { ...container, ...Object.fromEntries(gone.map((key) => [key, null])) };
    });
    if (cleared.every((container, index) => container === containers[index])) return object;
    const template = (object as PodTemplateOwner).spec!.template!;
    return {
      ...object,
      spec: {
        ...(object.spec as Record<string, unknown>),
        template: { ...template, spec: { ...template.spec, containers: cleared } },
      },
    };
  });
}
