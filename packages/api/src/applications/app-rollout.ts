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
    await cluster.apply(next);
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
  if (previous !== undefined) await cluster.apply(previous);
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
