// The labels by which BabyHelm finds what it owns in a cluster, whatever names and labels a pack chose.
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { isClusterScopedKind } from "./object-ref.js";

export const PROJECT_LABEL = "babyhelm.io/project";
export const APP_LABEL = "babyhelm.io/app";
/**
 * On a PersistentVolumeClaim kept when its app was deleted: the app it came from. Such a claim has lost APP_LABEL, so
 * nothing that acts on an app's objects (deletion, the orphan collector) touches it; it stays in the project's list of
 * kept volumes until deleted there, or until a new app of that name adopts it.
 */
export const KEPT_FROM_LABEL = "babyhelm.io/kept-from";

export interface Owner {
  project: string;
  app?: string;
}

/** Every kind an application may own, so that deleting an app can find all of it by label. */
export const APP_OWNED_KINDS: readonly { apiVersion: string; kind: string }[] = [
  { apiVersion: "apps/v1", kind: "Deployment" },
  { apiVersion: "v1", kind: "Service" },
  { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler" },
  { apiVersion: "policy/v1", kind: "PodDisruptionBudget" },
  { apiVersion: "networking.k8s.io/v1", kind: "Ingress" },
  { apiVersion: "batch/v1", kind: "CronJob" },
  { apiVersion: "v1", kind: "ConfigMap" },
  { apiVersion: "v1", kind: "Secret" },
  { apiVersion: "v1", kind: "PersistentVolumeClaim" },
];

/**
 * Copies of the objects, placed in `namespace` (cluster-scoped kinds excepted) and labelled with their owner on
 * `metadata.labels` only: pod templates and selectors stay as the pack made them, since a Deployment's selector
 * cannot change once it exists.
 */
export function withOwnerLabels(
  objects: readonly KubernetesObject[],
  owner: Owner & { namespace: string },
): KubernetesObject[] {
  const labels = ownerLabels(owner);
  return objects.map((object) => {
    const copy = structuredClone(object);
    if (!isClusterScopedKind(copy.kind)) copy.metadata.namespace = owner.namespace;
    copy.metadata.labels = { ...copy.metadata.labels, ...labels };
    return copy;
  });
}

export function ownerLabels(owner: Owner): Record<string, string> {
  return owner.app === undefined
    ? { [PROJECT_LABEL]: owner.project }
    : { [PROJECT_LABEL]: owner.project, [APP_LABEL]: owner.app };
}

/** `babyhelm.io/project=shop,babyhelm.io/app=web`: a label selector for what an owner has. */
export function ownerSelector(owner: Owner): string {
  return Object.entries(ownerLabels(owner))
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}
