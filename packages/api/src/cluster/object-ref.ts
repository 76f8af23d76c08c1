import type { KubernetesObject } from "@babyhelm/manifest-sdk";

/** Names one object of a cluster: what a GET, a PATCH or a DELETE needs. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** Kinds that live outside namespaces among those BabyHelm writes or reads. */
const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "StorageClass",
  "ClusterRole",
  "ClusterRoleBinding",
  "IngressClass",
  "PriorityClass",
  "CustomResourceDefinition",
]);

export function isClusterScopedKind(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}

export function refOf(object: KubernetesObject): ObjectRef {
  const { apiVersion, kind } = object;
  const { name, namespace } = object.metadata;
  return namespace === undefined ? { apiVersion, kind, name } : { apiVersion, kind, name, namespace };
}

/** A map key for one object: two refs to the same object give the same key. */
export function refKey(ref: ObjectRef): string {
  return `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ""}|${ref.name}`;
}

/** `Deployment "web" in namespace "shop"`, for messages. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${JSON.stringify(ref.name)}${inNamespace(ref.namespace)}`;
}

export function inNamespace(namespace: string | undefined): string {
  return namespace === undefined ? "" : ` in namespace ${JSON.stringify(namespace)}`;
}
