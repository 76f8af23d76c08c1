// The Deployment controller: one ReplicaSet per pod template (`<deployment>-<pod-template-hash>`), rolled over with
// the RollingUpdate or Recreate strategy, revision annotations for `kubectl rollout history/undo`, old ReplicaSets
// kept up to revisionHistoryLimit, and the status and conditions `kubectl rollout status` reads.
import type { StoredObject, StoreEvent } from "../contract.js";
import { cloneJson, jsonEqual } from "../store/clone.js";
import { getCondition, setCondition } from "./conditions.js";
import type { Controller, ControllerContext } from "./context.js";
import type { EventSource } from "./events.js";
import { ReadFields } from "./indexes.js";
import { acceptsNewObjects, controllerOf, controllerReference, isTerminating } from "./objects.js";
import { POD_TEMPLATE_HASH_LABEL, podTemplateHash, sameTemplate } from "./pod-template-hash.js";
import type { Condition, DeploymentObject, IntOrPercent, ReplicaSetObject } from "./types.js";

const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
const REVISION_HISTORY_ANNOTATION = "deployment.kubernetes.io/revision-history";
const DESIRED_REPLICAS_ANNOTATION = "deployment.kubernetes.io/desired-replicas";
const MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas";
const SOURCE: EventSource = { component: "deployment-controller" };

/** What the API server defaults when a Deployment leaves them out. */
const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
const DEFAULT_REVISION_HISTORY_LIMIT = 10;

function resolveIntOrPercent(value: IntOrPercent | undefined, total: number, roundUp: boolean): number {
  const raw = value ?? "25%";
  if (typeof raw === "number") return raw;
  const percent = Number.parseInt(raw, 10);
  if (!raw.endsWith("%") || Number.isNaN(percent)) return Number.parseInt(raw, 10) || 0;
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** [maxSurge, maxUnavailable] in pods; Recreate allows neither, and both zero would deadlock so one may be unavailable. */
function rollingBounds(deployment: DeploymentObject): [number, number] {
  const replicas = desiredReplicas(deployment);
  if (deployment.spec.strategy?.type === "Recreate") return [0, 0];
  const rolling = deployment.spec.strategy?.rollingUpdate;
  const surge = resolveIntOrPercent(rolling?.maxSurge, replicas, true);
  const unavailable = Math.min(resolveIntOrPercent(rolling?.maxUnavailable, replicas, false), replicas);
  return surge === 0 && unavailable === 0 ? [0, 1] : [surge, unavailable];
}

const desiredReplicas = (deployment: DeploymentObject): number => deployment.spec.replicas ?? 1;
const specReplicas = (rs: ReplicaSetObject): number => rs.spec.replicas ?? 0;
const revisionOf = (rs: ReplicaSetObject): number =>
  Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
const sum = (sets: ReplicaSetObject[], count: (rs: ReplicaSetObject) => number): number =>
  sets.reduce((total, rs) => total + count(rs), 0);
const byCreation = (a: ReplicaSetObject, b: ReplicaSetObject): number =>
  a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) || revisionOf(a) - revisionOf(b);

/**
 * What a reconcile reads from the Deployment itself: its spec (generation), deletion, revision annotation and status.
 * A client re-applying it with another label or annotation changes none of them.
 */
const readFields = (deployment: StoredObject): string =>
  JSON.stringify([
    deployment.metadata.generation,
    deployment.metadata.deletionTimestamp,
    deployment.metadata.annotations?.[REVISION_ANNOTATION],
    deployment.status,
  ]);

export class DeploymentController implements Controller {
  /** When each Deployment (by uid) last made progress, in ms: the progress deadline counts from here. */
  private readonly lastProgress = new Map<string, number>();
  private readonly read = new ReadFields(readFields);

  constructor(private readonly context: ControllerContext) {}

  observe(event: StoreEvent): void {
    const { object } = event;
    const namespace = object.metadata.namespace ?? "default";
    if (event.resource === "deployments" && this.read.changed(event)) {
      if (event.type === "DELETED") {
        this.lastProgress.delete(object.metadata.uid);
        this.context.timers.cancel(`deployment:${object.metadata.uid}`);
      } else {
        this.queue(namespace, object.metadata.name);
      }
    }
    if (event.resource === "replicasets") {
      const owner = controllerOf(object);
      if (owner?.kind === "Deployment") this.queue(namespace, owner.name);
    }
  }

  resync(): void {
    for (const deployment of this.context.store.list("deployments")) {
      this.queue(deployment.metadata.namespace ?? "default", deployment.metadata.name);
    }
  }

  private queue(namespace: string, name: string): void {
    this.context.enqueue(`deployment/${namespace}/${name}`, () => {
      this.reconcile(namespace, name);
    });
  }

  private replicaSetsOf(deployment: DeploymentObject): ReplicaSetObject[] {
    const { store, owners } = this.context;
    return (owners.controlledBy(store, "replicasets", deployment) as ReplicaSetObject[]).filter(
      (rs) => !isTerminating(rs),
    );
  }

  private reconcile(namespace: string, name: string): void {
    const deployment = this.context.store.get("deployments", namespace, name) as DeploymentObject | undefined;
    if (!deployment || isTerminating(deployment) || !acceptsNewObjects(this.context.store, namespace)) return;
    const owned = this.replicaSetsOf(deployment);
    let newRS = owned.find((rs) => sameTemplate(rs.spec.template, deployment.spec.template));
    const oldRSs = owned.filter((rs) => rs !== newRS).sort(byCreation);
    let progressReason: "NewReplicaSetCreated" | "FoundNewReplicaSet" | undefined;

    if (!deployment.spec.paused) {
      if (!newRS) {
        newRS = this.createReplicaSet(deployment, oldRSs);
        progressReason = "NewReplicaSetCreated";
      } else if (oldRSs.some((rs) => revisionOf(rs) > revisionOf(newRS!))) {
        progressReason = "FoundNewReplicaSet";
      }
    }
    if (newRS) newRS = this.syncRevision(deployment, newRS, oldRSs);

    if (deployment.spec.paused) this.scalePaused(deployment, newRS, oldRSs);
    else if (deployment.spec.strategy?.type === "Recreate") this.recreate(deployment, newRS!, oldRSs);
    else this.rollingUpdate(deployment, newRS!, oldRSs);

    this.cleanupOldReplicaSets(deployment, oldRSs);
    this.updateStatus(deployment, progressReason);
  }

  private createReplicaSet(deployment: DeploymentObject, oldRSs: ReplicaSetObject[]): ReplicaSetObject {
    const { store } = this.context;
    const namespace = deployment.metadata.namespace;
    let collisionCount = deployment.status?.collisionCount ?? 0;
    let hash = podTemplateHash(deployment.spec.template, collisionCount);
    // A foreign object already holding the name: bump collisionCount and hash again, like the real controller.
    while (store.get("replicasets", namespace, `${deployment.metadata.name}-${hash}`)) {
      collisionCount += 1;
      hash = podTemplateHash(deployment.spec.template, collisionCount);
    }
    if (collisionCount !== (deployment.status?.collisionCount ?? 0)) {
      store.updateStatus("deployments", namespace, deployment.metadata.name, {
        ...deployment.status,
        collisionCount,
      });
    }
    const template = cloneJson(deployment.spec.template);
    template.metadata = {
      ...template.metadata,
      labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash },
    };
    const selector = deployment.spec.selector;
    const [maxSurge] = rollingBounds(deployment);
    const replicas = desiredReplicas(deployment);
    // Born at the size the strategy allows right away, as the real controller does (Recreate waits for old pods).
    const oldTotal = sum(oldRSs, specReplicas);
    const initial =
      deployment.spec.strategy?.type === "Recreate"
        ? oldTotal > 0 || oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0)
          ? 0
          : replicas
        : Math.min(replicas, Math.max(0, replicas + maxSurge - oldTotal));
    const created = store.create("replicasets", {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name: `${deployment.metadata.name}-${hash}`,
        namespace,
        labels: template.metadata.labels,
        annotations: {
          [DESIRED_REPLICAS_ANNOTATION]: String(replicas),
          [MAX_REPLICAS_ANNOTATION]: String(replicas + maxSurge),
          [REVISION_ANNOTATION]: String(Math.max(0, ...oldRSs.map(revisionOf)) + 1),
        },
        ownerReferences: [controllerReference(deployment)],
      },
      spec: {
        replicas: initial,
        minReadySeconds: deployment.spec.minReadySeconds ?? 0,
        selector: { ...selector, matchLabels: { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash } },
        template,
      },
    }) as ReplicaSetObject;
    if (initial > 0) this.recordScaling(deployment, created, 0, initial);
    return created;
  }

  private recordScaling(deployment: DeploymentObject, rs: ReplicaSetObject, from: number, to: number): void {
    const message = `Scaled ${to > from ? "up" : "down"} replica set ${rs.metadata.name} from ${from} to ${to}`;
    this.context.events.record(deployment, "Normal", "ScalingReplicaSet", message, SOURCE);
  }

  /** The new ReplicaSet carries the highest revision (a rollback re-numbers the old one); the Deployment mirrors it. */
  private syncRevision(
    deployment: DeploymentObject,
    newRS: ReplicaSetObject,
    oldRSs: ReplicaSetObject[],
  ): ReplicaSetObject {
    const { store } = this.context;
    const maxOld = Math.max(0, ...oldRSs.map(revisionOf));
    let current = newRS;
    if (revisionOf(newRS) <= maxOld) {
      const annotations: Record<string, string> = {
        ...newRS.metadata.annotations,
        [REVISION_ANNOTATION]: String(maxOld + 1),
      };
      const history = [
        newRS.metadata.annotations?.[REVISION_HISTORY_ANNOTATION],
        String(revisionOf(newRS)),
      ].filter(Boolean);
      annotations[REVISION_HISTORY_ANNOTATION] = history.join(",");
      current = store.update("replicasets", {
        ...newRS,
        metadata: { ...newRS.metadata, annotations },
      }) as ReplicaSetObject;
    }
    const revision = String(revisionOf(current));
    // Re-read: creating the ReplicaSet may have just written the Deployment's status (collisionCount).
    const fresh =
      (store.get("deployments", deployment.metadata.namespace, deployment.metadata.name) as
        DeploymentObject | undefined) ?? deployment;
    if (fresh.metadata.annotations?.[REVISION_ANNOTATION] !== revision) {
      const annotations = { ...fresh.metadata.annotations, [REVISION_ANNOTATION]: revision };
      store.update("deployments", { ...fresh, metadata: { ...fresh.metadata, annotations } });
    }
    return current;
  }

  /** Sets a ReplicaSet's size (and the annotations that remember the Deployment's size) with a ScalingReplicaSet event. */
  private scale(deployment: DeploymentObject, rs: ReplicaSetObject, replicas: number): ReplicaSetObject {
    const from = specReplicas(rs);
    const [maxSurge] = rollingBounds(deployment);
    const desired = desiredReplicas(deployment);
    const annotations = {
      ...rs.metadata.annotations,
      [DESIRED_REPLICAS_ANNOTATION]: String(desired),
      [MAX_REPLICAS_ANNOTATION]: String(desired + maxSurge),
    };
    if (from === replicas && jsonEqual(annotations, rs.metadata.annotations)) return rs;
    const updated = this.context.store.update("replicasets", {
      ...rs,
      metadata: { ...rs.metadata, annotations },
      spec: { ...rs.spec, replicas },
    }) as ReplicaSetObject;
    if (from !== replicas) this.recordScaling(deployment, rs, from, replicas);
    return updated;
  }

  /** RollingUpdate as in k8s.io/kubernetes/pkg/controller/deployment/rolling.go, without proportional scaling. */
  private rollingUpdate(
    deployment: DeploymentObject,
    newRS: ReplicaSetObject,
    oldRSs: ReplicaSetObject[],
  ): void {
    const replicas = desiredReplicas(deployment);
    const [maxSurge, maxUnavailable] = rollingBounds(deployment);
    let current = newRS;
    let total = sum([current, ...oldRSs], specReplicas);

    const newCount = specReplicas(current);
    const target =
      newCount > replicas
        ? replicas
        : Math.min(replicas, newCount + Math.max(0, replicas + maxSurge - total));
    current = this.scale(deployment, current, target);
    total += target - newCount;

    const minAvailable = replicas - maxUnavailable;
    const newUnavailable = specReplicas(current) - (current.status?.availableReplicas ?? 0);
    let budget = total - minAvailable - newUnavailable;
    if (budget <= 0) return;
    const old = oldRSs.filter((rs) => specReplicas(rs) > 0);
    // First old pods that are not available anyway (they cost no availability), then available ones.
    for (const [index, rs] of old.entries()) {
      const unhealthy = specReplicas(rs) - (rs.status?.availableReplicas ?? 0);
      const down = Math.min(budget, Math.max(0, unhealthy));
      if (down === 0) continue;
      old[index] = this.scale(deployment, rs, specReplicas(rs) - down);
      budget -= down;
    }
    const available = sum([current, ...oldRSs], (rs) => rs.status?.availableReplicas ?? 0);
    let scaleDown = Math.min(budget, available - minAvailable);
    for (const rs of old) {
      if (scaleDown <= 0) break;
      const down = Math.min(specReplicas(rs), scaleDown);
      if (down === 0) continue;
      this.scale(deployment, rs, specReplicas(rs) - down);
      scaleDown -= down;
    }
  }

  /** Recreate: every old pod goes first; the new ReplicaSet scales up once none is left. */
  private recreate(deployment: DeploymentObject, newRS: ReplicaSetObject, oldRSs: ReplicaSetObject[]): void {
    for (const rs of oldRSs) if (specReplicas(rs) > 0) this.scale(deployment, rs, 0);
    if (oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0)) return;
    this.scale(deployment, newRS, desiredReplicas(deployment));
  }

  /** A paused Deployment still scales (`kubectl scale` works), but only when a single ReplicaSet is active. */
  private scalePaused(
    deployment: DeploymentObject,
    newRS: ReplicaSetObject | undefined,
    oldRSs: ReplicaSetObject[],
  ): void {
    const sets = [...(newRS ? [newRS] : []), ...oldRSs];
    const active = sets.filter((rs) => specReplicas(rs) > 0);
    const only = active.length === 1 ? active[0] : active.length === 0 ? (newRS ?? oldRSs.at(-1)) : undefined;
    if (only) this.scale(deployment, only, desiredReplicas(deployment));
  }

  /** Deletes the oldest fully scaled-down ReplicaSets beyond revisionHistoryLimit. */
  private cleanupOldReplicaSets(deployment: DeploymentObject, oldRSs: ReplicaSetObject[]): void {
    const limit = deployment.spec.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
    const { store } = this.context;
    const idle = oldRSs
      .map(
        (rs) =>
          (store.get("replicasets", rs.metadata.namespace, rs.metadata.name) as
            ReplicaSetObject | undefined) ?? rs,
      )
      .filter((rs) => specReplicas(rs) === 0 && (rs.status?.replicas ?? 0) === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      store.delete("replicasets", rs.metadata.namespace, rs.metadata.name);
    }
  }

  private updateStatus(
    deployment: DeploymentObject,
    progressReason: "NewReplicaSetCreated" | "FoundNewReplicaSet" | undefined,
  ): void {
    const { store, timers, timing } = this.context;
    const namespace = deployment.metadata.namespace;
    const fresh =
      (store.get("deployments", namespace, deployment.metadata.name) as DeploymentObject | undefined) ??
      deployment;
    const sets = this.replicaSetsOf(fresh);
    const newRS = sets.find((rs) => sameTemplate(rs.spec.template, fresh.spec.template));
    const replicas = desiredReplicas(fresh);
    const previous = fresh.status ?? {};
    const counts = {
      replicas: sum(sets, (rs) => rs.status?.replicas ?? 0),
      updatedReplicas: newRS?.status?.replicas ?? 0,
      readyReplicas: sum(sets, (rs) => rs.status?.readyReplicas ?? 0),
      availableReplicas: sum(sets, (rs) => rs.status?.availableReplicas ?? 0),
    };
    const unavailableReplicas = Math.max(0, sum(sets, specReplicas) - counts.availableReplicas);
    const [, maxUnavailable] = rollingBounds(fresh);
    let conditions = setCondition(
      previous.conditions,
      counts.availableReplicas >= replicas - maxUnavailable
        ? {
            type: "Available",
            status: "True",
            reason: "MinimumReplicasAvailable",
            message: "Deployment has minimum availability.",
          }
        : {
            type: "Available",
            status: "False",
            reason: "MinimumReplicasUnavailable",
            message: "Deployment does not have minimum availability.",
          },
      { updateTime: true },
    );

    const uid = fresh.metadata.uid;
    const rsName = newRS?.metadata.name ?? fresh.metadata.name;
    const complete =
      counts.updatedReplicas === replicas &&
      counts.replicas === replicas &&
      counts.availableReplicas === replicas &&
      newRS !== undefined;
    const progressed =
      progressReason !== undefined ||
      previous.observedGeneration !== fresh.metadata.generation ||
      counts.updatedReplicas > Number(previous.updatedReplicas ?? 0) ||
      counts.readyReplicas > Number(previous.readyReplicas ?? 0) ||
      counts.availableReplicas > Number(previous.availableReplicas ?? 0) ||
      counts.replicas - counts.updatedReplicas <
        Number(previous.replicas ?? 0) - Number(previous.updatedReplicas ?? 0);
    if (progressed || !this.lastProgress.has(uid)) this.lastProgress.set(uid, Date.now());
    const deadlineMs = timing.progressDeadlineMs(
      fresh.spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS,
    );
    const overdueAt = (this.lastProgress.get(uid) ?? Date.now()) + deadlineMs;

    let progressing: Omit<Condition, "lastTransitionTime" | "lastUpdateTime"> | undefined;
    const wasPaused = getCondition(previous.conditions, "Progressing")?.reason === "DeploymentPaused";
    if (fresh.spec.paused)
      progressing = {
        type: "Progressing",
        status: "Unknown",
        reason: "DeploymentPaused",
        message: "Deployment is paused",
      };
    else if (wasPaused)
      progressing = {
        type: "Progressing",
        status: "Unknown",
        reason: "DeploymentResumed",
        message: "Deployment is resumed",
      };
    else if (complete) {
      progressing = {
        type: "Progressing",
        status: "True",
        reason: "NewReplicaSetAvailable",
        message: `ReplicaSet "${rsName}" has successfully progressed.`,
      };
    } else if (progressReason === "NewReplicaSetCreated") {
      progressing = {
        type: "Progressing",
        status: "True",
        reason: progressReason,
        message: `Created new replica set "${rsName}"`,
      };
    } else if (progressReason === "FoundNewReplicaSet") {
      progressing = {
        type: "Progressing",
        status: "True",
        reason: progressReason,
        message: `Found new replica set "${rsName}"`,
      };
    } else if (progressed || !getCondition(previous.conditions, "Progressing")) {
      progressing = {
        type: "Progressing",
        status: "True",
        reason: "ReplicaSetUpdated",
        message: `ReplicaSet "${rsName}" is progressing.`,
      };
    } else if (Date.now() >= overdueAt) {
      progressing = {
        type: "Progressing",
        status: "False",
        reason: "ProgressDeadlineExceeded",
        message: `ReplicaSet "${rsName}" has timed out progressing.`,
      };
    }
    if (progressing)
      conditions = setCondition(conditions, progressing, { updateTime: true, touch: progressed });

    conditions = mirrorReplicaFailure(conditions, newRS, sets);

    const timerKey = `deployment:${uid}`;
    const timedOut = getCondition(conditions, "Progressing")?.reason === "ProgressDeadlineExceeded";
    if (complete || fresh.spec.paused || timedOut) timers.cancel(timerKey);
    else {
      timers.schedule(timerKey, overdueAt - Date.now(), () => {
        this.queue(namespace ?? "default", fresh.metadata.name);
      });
    }

    const status = {
      ...previous,
      observedGeneration: fresh.metadata.generation ?? 1,
      ...counts,
      unavailableReplicas,
      conditions,
    };
    if (unavailableReplicas === 0) delete (status as Record<string, unknown>).unavailableReplicas;
    if (!jsonEqual(status, fresh.status))
      store.updateStatus("deployments", namespace, fresh.metadata.name, status);
  }
}

/**
 * The Deployment carries its ReplicaSets' ReplicaFailure (the new one's first) as the real controller does
 * (ReplicaSetToDeploymentCondition: both times from the ReplicaSet's lastTransitionTime), and drops it once none has one.
 */
function mirrorReplicaFailure(
  conditions: Condition[],
  newRS: ReplicaSetObject | undefined,
  sets: ReplicaSetObject[],
): Condition[] {
  const failure = [newRS, ...sets]
    .map((rs) => getCondition(rs?.status?.conditions, "ReplicaFailure"))
    .find((condition) => condition !== undefined);
  const rest = conditions.filter((condition) => condition.type !== "ReplicaFailure");
  if (!failure) return rest;
  const current = getCondition(conditions, "ReplicaFailure");
  if (current?.status === failure.status && current.reason === failure.reason) return conditions;
  return [
    ...rest,
    {
      type: "ReplicaFailure",
      status: failure.status,
      lastUpdateTime: failure.lastTransitionTime,
      lastTransitionTime:
        current?.status === failure.status ? current.lastTransitionTime : failure.lastTransitionTime,
      reason: failure.reason,
      message: failure.message,
    },
  ];
}
