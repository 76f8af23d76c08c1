// Admission as the kube-apiserver runs it for the plugins the sandbox has: LimitRanger (mutating, then validating) and
// ResourceQuota (validating, last). Both the HTTP API's writes and the simulated controllers' pod creates go through
// `admit`, so a ReplicaSet's pods are refused exactly as kubectl's would be.
import type { NewObject, ObjectStore, StoredObject } from "../contract.js";
import type { ResourceInfo } from "../resources.js";
import { forbidden } from "../server/status.js";
import { defaultPodRequests, defaultPodResources, limitRangeRefusal } from "./limit-ranger.js";
import { quotaRefusal } from "./resource-quota.js";
import { byName, readList } from "./usage.js";

export interface AdmissionRequest {
  info: ResourceInfo;
  namespace: string;
  /** The object to create or the result of an update, before it is stored. */
  object: NewObject;
  /** The stored object, for an update. */
  old?: StoredObject;
}

const isPod = (info: ResourceInfo): boolean => info.group === "" && info.plural === "pods";

/**
 * The object as admission leaves it (a new pod with the LimitRanges' defaults), or throws the API server's 403
 * Forbidden (`pods "web-…" is forbidden: exceeded quota: compute, requested: …`).
 */
export function admit(store: ObjectStore, request: AdmissionRequest): NewObject {
  const { info, namespace, old } = request;
  let object = request.object;
  const name = object.metadata.name;
  // LimitRanger leaves pod updates alone: containers cannot change after creation.
  if (isPod(info) && !old) {
    object = defaultPodRequests(object);
    const limitRanges = byName(readList(store, "limitranges", namespace));
    if (limitRanges.length > 0) {
      object = defaultPodResources(object, limitRanges);
      const refusal = limitRangeRefusal(object, limitRanges);
      if (refusal) throw forbidden(info, name, refusal);
    }
  }
  const refusal = quotaRefusal(store, info, namespace, object, old);
  if (refusal) throw forbidden(info, name, refusal);
  return object;
}
