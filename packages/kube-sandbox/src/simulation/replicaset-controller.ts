// The ReplicaSet controller: keeps spec.replicas pods (named `<rs>-<5 chars>`, owned by the ReplicaSet) and reports
// how many are ready and available.
import type { StoreEvent } from "../contract.js";
import { jsonEqual } from "../store/clone.js";
import type { Controller, ControllerContext } from "./context.js";
import type { EventSource } from "./events.js";
import {
  acceptsNewObjects,
  controllerOf,
  controllerReference,
  isTerminating,
  selectorMatches,
} from "./objects.js";
import { generateName } from "./pod-template-hash.js";
import type { PodObject, ReplicaSetObject } from "./types.js";

const SOURCE: EventSource = { component: "replicaset-controller" };

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
  constructor(private readonly context: ControllerContext) {}

  observe(event: StoreEvent): void {
    const { object } = event;
    const namespace = object.metadata.namespace ?? "default";
    if (event.resource === "replicasets" && event.type !== "DELETED")
      this.queue(namespace, object.metadata.name);
    if (event.resource === "pods") {
      const owner = controllerOf(object);
      if (owner?.kind === "ReplicaSet") this.queue(namespace, owner.name);
    }
  }

  resync(): void {
    for (const rs of this.context.store.list("replicasets"))
      this.queue(rs.metadata.namespace ?? "default", rs.metadata.name);
  }

  private queue(namespace: string, name: string): void {
    this.context.enqueue(`replicaset/${namespace}/${name}`, () => {
      this.reconcile(namespace, name);
    });
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
    for (let count = pods.length; canCreate && count < desired; count++) {
      const pod = store.create("pods", this.newPod(rs, namespace));
      pods.push(pod as PodObject);
      events.record(rs, "Normal", "SuccessfulCreate", `Created pod: ${pod.metadata.name}`, SOURCE);
    }
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
    };
    if (!jsonEqual(status, rs.status)) store.updateStatus("replicasets", namespace, name, status);
  }

  private newPod(rs: ReplicaSetObject, namespace: string) {
    const { store } = this.context;
    let name = generateName(`${rs.metadata.name}-`);
    while (store.get("pods", namespace, name)) name = generateName(`${rs.metadata.name}-`);
    const template = rs.spec.template;
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        ...template.metadata,
        name,
        generateName: `${rs.metadata.name}-`,
        namespace,
        ownerReferences: [controllerReference(rs)],
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
}
