// Small helpers over stored objects that several controllers need: ownership and label selectors.
import type { ObjectStore, OwnerReference, StoredObject } from "../contract.js";
import type { LabelSelector } from "./types.js";

/** The ownerReference a controller puts on what it creates (controller: true, like kube-controller-manager). */
export function controllerReference(owner: StoredObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function controllerOf(object: StoredObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((reference) => reference.controller === true);
}

export function isTerminating(object: StoredObject): boolean {
  return object.metadata.deletionTimestamp !== undefined;
}

/** metav1.LabelSelector semantics: every matchLabels pair and every expression must hold; an empty selector matches all. */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string> = {},
): boolean {
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {}))
    if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    const value = labels[key] ?? "";
    if (operator === "In" && !(has && values.includes(value))) return false;
    if (operator === "NotIn" && has && values.includes(value)) return false;
    if (operator === "Exists" && !has) return false;
    if (operator === "DoesNotExist" && has) return false;
  }
  return true;
}

/**
 * False while a namespace is being deleted: like the NamespaceLifecycle admission plugin, which refuses new objects
 * there, so controllers do not refill a namespace that is being emptied. (A namespace the store does not know is
 * accepted: controllers are trusted, and bare stores in tests have none.)
 */
export function acceptsNewObjects(store: ObjectStore, namespace: string | undefined): boolean {
  if (namespace === undefined) return true;
  return store.get("namespaces", undefined, namespace)?.metadata.deletionTimestamp === undefined;
}
