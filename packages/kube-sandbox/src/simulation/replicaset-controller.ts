// The ReplicaSet controller: keeps spec.replicas pods (named `<rs>-<5 chars>`, owned by the ReplicaSet) and reports
// how many are ready and available. Its pod creates go through admission like any client's: a refused one (quota,
// LimitRange) is a Warning FailedCreate Event and the ReplicaFailure condition, and is tried again with back-off.
import { admit } from "../admission/index.js";
import type { NewObject, ObjectStore, StoredObject, StoreEvent } from "../contract.js";
import { findResource } from "../resources.js";
import { ApiError } from "../server/status.js";
import { jsonEqual } from "../store/clone.js";
import { setCondition } from "./conditions.js";
import type { Controller, ControllerContext } from "./context.js";
import type { EventSource } from "./events.js";
import { acceptsNewObjects, controllerReference, isTerminating, selectorMatches } from "./objects.js";
import { generateName } from "./pod-template-hash.js";
import { ReconcileQueue } from "./reconcile-queue.js";
import type { PodObject, PodTemplate, ReplicaSetObject } from "./types.js";

const SOURCE: EventSource = { component: "replicaset-controller" };
const PODS = findResource("", "v1", "pods")!;
const retryKey = (uid: string): string => `replicaset-create:${uid}`;

export function isPodReady(pod: PodObject): boolean {
  return (
    pod.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ??
    false
  );
}

/** Deletion preference like the real controller's ranking: pods that are less far along go first, then the newest. */
function deletionRank(pod: PodObject): number {
  if (!pod.spec.nodeName) return 0;
  if (pod.status?.phase !== "Running") return 1;
  return isPodReady(pod) ? 3 : 2;
}

export class ReplicaSetController implements Controller {
  /** Refused create passes in a row, per ReplicaSet uid: the back-off's exponent. */
  private readonly refusals = new Map<string, number>();

  private readonly reconciles: ReconcileQueue;

  constructor(private readonly context: ControllerContext) {
    this.reconciles = new ReconcileQueue(context, "replicasets", "ReplicaSet", "pods", (namespace, name) => {
      this.reconcile(namespace, name);
    });
  }

  observe(event: StoreEvent): void {
    const { object } = event;
    if (
      event.resource === "replicasets" &&
      event.type === "DELETED" &&
      this.refusals.delete(object.metadata.uid)
    )
      this.context.timers.cancel(retryKey(object.metadata.uid));
    this.reconciles.observe(event);
  }

  resync(): void {
    this.reconciles.queueAll();
  }

  private reconcile(namespace: string, name: string): void {
    const { store, events } = this.context;
    const rs = store.get("replicasets", namespace, name) as ReplicaSetObject | undefined;
    if (!rs || isTerminating(rs)) return;
    const pods = (this.context.owners.controlledBy(store, "pods", rs) as PodObject[]).filter(
      (pod) => !isTerminating(pod),
    );
    const desired = rs.spec.replicas ?? 1;

    const canCreate = acceptsNewObjects(store, namespace);
    let refusal: string | undefined;
    for (let count = pods.length; canCreate && count < desired; count++) {
      let admitted: NewObject;
      try {
        admitted = admit(store, {
          info: PODS,
          namespace,
          object: podFromTemplate(store, rs, rs.spec.template),
        });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        // The real controller stops a batch at its first refusal too; the rest would be refused the same way.
        refusal = error.message;
        events.record(rs, "Warning", "FailedCreate", `Error creating: ${refusal}`, SOURCE);
        break;
      }
      const pod = store.create("pods", admitted);
      pods.push(pod as PodObject);
      events.record(rs, "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata.name}`, SOURCE);
    }
    this.scheduleRetry(rs, refusal !== undefined);
    if (pods.length > desired) {
      const doomed = [...pods]
        .sort(
          (a, b) =>
            deletionRank(a) - deletionRank(b) ||
            b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp),
        )
        .slice(0, pods.length - desired);
      for (const pod of doomed) {
        store.delete("pods", namespace, pod.metadata.name);
        pods.splice(pods.indexOf(pod), 1);
        events.record(rs, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`, SOURCE);
      }
    }

    const ready = pods.filter(isPodReady).length;
    const status = {
      ...rs.status,
      replicas: pods.length,
      fullyLabeledReplicas: pods.filter((pod) =>
        selectorMatches({ matchLabels: rs.spec.template.metadata?.labels }, pod.metadata.labels),
      ).length,
      readyReplicas: ready,
      // minReadySeconds is not simulated: a pod is available as soon as it is ready.
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
      conditions: replicaFailure(rs, refusal),
    };
    if (status.conditions === undefined) delete (status as Record<string, unknown>).conditions;
    if (!jsonEqual(status, rs.status)) store.updateStatus("replicasets", namespace, name, status);
  }

  /** After a refused create, tries again later (nothing else may change meanwhile); a full pass resets the back-off. */
  private scheduleRetry(rs: ReplicaSetObject, refused: boolean): void {
    const { timers, timing } = this.context;
    const { uid, name } = rs.metadata;
    const key = retryKey(uid);
    if (!refused) {
      if (this.refusals.delete(uid)) timers.cancel(key);
      return;
    }
    const attempt = this.refusals.get(uid) ?? 0;
    this.refusals.set(uid, attempt + 1);
    timers.schedule(key, timing.createBackOffMs(attempt), () => {
      this.reconciles.queue(rs.metadata.namespace ?? "default", name);
    });
  }
}

/**
 * The ReplicaFailure condition as the real controller keeps it: set (reason FailedCreate, the API server's message) when
 * a create is refused and the condition is absent, left as it is while refusals go on, removed after a clean pass.
 */
function replicaFailure(rs: ReplicaSetObject, refusal: string | undefined) {
  const conditions = rs.status?.conditions;
  const present = conditions?.some((condition) => condition.type === "ReplicaFailure") ?? false;
  if (refusal !== undefined && !present)
    return setCondition(conditions, {
      type: "ReplicaFailure",
      status: "True",
      reason: "FailedCreate",
      message: refusal,
    });
  if (refusal === undefined && present) {
    const rest = conditions!.filter((condition) => condition.type !== "ReplicaFailure");
    return rest.length > 0 ? rest : undefined;
  }
  return conditions;
}

/**
 * A new pod from a controller's pod template, owned by it and named `<owner>-<5 chars>`, with the defaults the API
 * server fills in; `labels` are added to the template's (the Job controller's job-name labels).
 */
export function podFromTemplate(
  store: ObjectStore,
  owner: StoredObject,
  template: PodTemplate,
  labels: Record<string, string> = {},
) {
  const namespace = owner.metadata.namespace ?? "default";
  const prefix = `${owner.metadata.name}-`;
  let name = generateName(prefix);
  while (store.get("pods", namespace, name)) name = generateName(prefix);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...template.metadata,
      labels: { ...template.metadata?.labels, ...labels },
      name,
      generateName: prefix,
      namespace,
      ownerReferences: [controllerReference(owner)],
    },
    spec: {
      restartPolicy: "Always",
      dnsPolicy: "ClusterFirst",
      schedulerName: "default-scheduler",
      serviceAccountName: "default",
      terminationGracePeriodSeconds: 30,
      ...template.spec,
      containers: template.spec.containers.map((container) => ({
        imagePullPolicy:
          container.image.endsWith(":latest") || !/[:@][^/]+$/.test(container.image)
            ? "Always"
            : "IfNotPresent",
        terminationMessagePath: "/dev/termination-log",
        terminationMessagePolicy: "File",
        ...container,
      })),
    },
    status: { phase: "Pending" },
  };
}
