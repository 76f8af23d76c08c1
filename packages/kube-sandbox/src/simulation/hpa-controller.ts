// The HorizontalPodAutoscaler controller, reporting but not chasing load: it computes current metrics from the same
// synthetic usage as the metrics API and keeps the target within [minReplicas, maxReplicas] (scaling it up to the
// minimum or down to the maximum, like a real HPA would), but never scales on the synthetic load itself, so a sandbox
// never flaps. desiredReplicas is therefore the current replica count clamped to the bounds.
import { quantityValue } from "@babyhelm/manifest-sdk";
import type { StoredObject, StoreEvent } from "../contract.js";
import { findResourceByKind, qualifiedResource, RESOURCES } from "../resources.js";
import { jsonEqual } from "../store/clone.js";
import { now } from "../store/object-store.js";
import { setCondition } from "./conditions.js";
import type { Controller, ControllerContext } from "./context.js";
import type { EventSource } from "./events.js";
import { ReadFields } from "./indexes.js";
import { containerUsage, isMeasurable, scrapeTime } from "./metrics.js";
import { selectorMatches } from "./objects.js";
import type { Condition, DeploymentObject, HpaObject, MetricTarget, PodObject } from "./types.js";

const SOURCE: EventSource = { component: "horizontal-pod-autoscaler" };
/** How often metrics are re-read without any store change, like --horizontal-pod-autoscaler-sync-period. */
const RESYNC_MS = 15_000;

type ConditionInput = Omit<Condition, "lastTransitionTime" | "lastUpdateTime">;

interface MetricResult {
  current?: Record<string, unknown>;
  /** Why no value could be computed (the real controller's wording). */
  error?: string;
  /** The human name ScalingActive reports, e.g. "cpu resource utilization (percentage of request)". */
  description: string;
}

function resourceMetric(name: string, target: MetricTarget, pods: PodObject[]): MetricResult {
  const utilization = target.type === "Utilization";
  const description = utilization
    ? `${name} resource utilization (percentage of request)`
    : `${name} resource`;
  if (pods.length === 0)
    return {
      description,
      error: `failed to get ${name} utilization: did not receive metrics for targeted pods (pods might be unready)`,
    };
  let usage = 0;
  let requested = 0;
  for (const pod of pods) {
    for (const container of pod.spec.containers) {
      const value = containerUsage(pod, container, scrapeTime());
      usage += name === "cpu" ? value.cpu : value.memory;
      const request = quantityValue(container.resources?.requests?.[name]);
      if (utilization && request === undefined) {
        return {
          description,
          error: `failed to get ${name} utilization: missing request for ${name} in container ${container.name} of Pod ${pod.metadata.name}`,
        };
      }
      requested += request ?? 0;
    }
  }
  const average = usage / pods.length;
  const averageValue = name === "cpu" ? `${Math.round(average * 1000)}m` : String(Math.round(average));
  if (!utilization) return { description, current: { averageValue } };
  const averageUtilization = Math.round((usage / requested) * 100);
  return { description, current: { averageUtilization, averageValue } };
}

/** What a reconcile reads from the HPA itself: its spec (generation) and status. */
const hpaFields = (hpa: StoredObject): string => JSON.stringify([hpa.metadata.generation, hpa.status]);
/** What it reads from its target: the replica count and the selector of the pods it measures. */
const targetFields = (target: StoredObject): string => {
  const { spec } = target as DeploymentObject;
  return JSON.stringify([spec.replicas, spec.selector]);
};

interface Autoscaler {
  /** The scale target: its resource (undefined when no served kind with a scale subresource) and name. */
  resource: string | undefined;
  target: string;
  /** The pods (by uid) the last reconcile measured: they matter when they change, even if they stop matching. */
  measured: Set<string>;
}

/** Any served kind with a scale subresource can be a target. */
function scaleTargetResource(hpa: HpaObject): string | undefined {
  const { apiVersion, kind } = hpa.spec.scaleTargetRef;
  const info = findResourceByKind(apiVersion ?? "apps/v1", kind);
  return info?.subresources.includes("scale") ? info.plural : undefined;
}

const SCALABLE = new Set(
  RESOURCES.filter((info) => info.subresources.includes("scale")).map((info) => info.plural),
);

export class HpaController implements Controller {
  /** Per namespace, each HPA by name: so a change to a pod or a target reconciles only the HPAs it concerns. */
  private readonly autoscalers = new Map<string, Map<string, Autoscaler>>();
  private readonly hpaRead = new ReadFields(hpaFields);
  private readonly targetRead = new ReadFields(targetFields);

  constructor(private readonly context: ControllerContext) {}

  observe(event: StoreEvent): void {
    const { object } = event;
    const namespace = object.metadata.namespace ?? "default";
    if (event.resource === "horizontalpodautoscalers") {
      this.track(event);
      if (!this.hpaRead.changed(event)) return;
      if (event.type === "DELETED") this.context.timers.cancel(`hpa:${object.metadata.uid}`);
      else this.queue(namespace, object.metadata.name);
      return;
    }
    const autoscalers = this.autoscalers.get(namespace);
    if (!autoscalers) return;
    if (event.resource === "pods") {
      const pod = object as PodObject;
      const counts = event.type !== "DELETED" && isMeasurable(pod);
      for (const [name, autoscaler] of autoscalers) {
        if (autoscaler.measured.has(pod.metadata.uid) || (counts && this.selects(namespace, autoscaler, pod)))
          this.queue(namespace, name);
      }
    } else if (SCALABLE.has(event.resource)) {
      if (!this.targetRead.changed(event)) return;
      for (const [name, autoscaler] of autoscalers) {
        if (autoscaler.resource === event.resource && autoscaler.target === object.metadata.name)
          this.queue(namespace, name);
      }
    }
  }

  /** Files an HPA under its target, or forgets it. */
  private track(event: StoreEvent): void {
    const hpa = event.object as HpaObject;
    const namespace = hpa.metadata.namespace ?? "default";
    let autoscalers = this.autoscalers.get(namespace);
    if (event.type === "DELETED") {
      autoscalers?.delete(hpa.metadata.name);
      if (autoscalers?.size === 0) this.autoscalers.delete(namespace);
      return;
    }
    if (!autoscalers) this.autoscalers.set(namespace, (autoscalers = new Map<string, Autoscaler>()));
    const measured = autoscalers.get(hpa.metadata.name)?.measured ?? new Set<string>();
    autoscalers.set(hpa.metadata.name, {
      resource: scaleTargetResource(hpa),
      target: hpa.spec.scaleTargetRef.name,
      measured,
    });
  }

  /** Whether the HPA's target selects the pod. */
  private selects(namespace: string, autoscaler: Autoscaler, pod: PodObject): boolean {
    const target =
      autoscaler.resource &&
      (this.context.store.get(autoscaler.resource, namespace, autoscaler.target) as
        DeploymentObject | undefined);
    return (
      target !== undefined && target !== "" && selectorMatches(target.spec.selector, pod.metadata.labels)
    );
  }

  resync(): void {
    for (const hpa of this.context.store.list("horizontalpodautoscalers")) {
      this.track({ type: "ADDED", resource: "horizontalpodautoscalers", object: hpa });
      this.queue(hpa.metadata.namespace ?? "default", hpa.metadata.name);
    }
  }

  private queue(namespace: string, name: string): void {
    this.context.enqueue(`hpa/${namespace}/${name}`, () => {
      this.reconcile(namespace, name);
    });
  }

  private reconcile(namespace: string, name: string): void {
    const { store, timers, events } = this.context;
    const hpa = store.get("horizontalpodautoscalers", namespace, name) as HpaObject | undefined;
    if (!hpa) return;
    timers.schedule(`hpa:${hpa.metadata.uid}`, RESYNC_MS, () => {
      this.queue(namespace, name);
    });
    const { scaleTargetRef, maxReplicas } = hpa.spec;
    const minReplicas = hpa.spec.minReplicas ?? 1;
    const info = findResourceByKind(scaleTargetRef.apiVersion ?? "apps/v1", scaleTargetRef.kind);
    const resource = scaleTargetResource(hpa);
    const target = resource
      ? (store.get(resource, namespace, scaleTargetRef.name) as DeploymentObject | undefined)
      : undefined;
    let conditions = hpa.status?.conditions;
    const status: Record<string, unknown> = {
      ...hpa.status,
      observedGeneration: hpa.metadata.generation ?? 1,
    };

    if (!resource || !target) {
      const what = info ? qualifiedResource(info) : scaleTargetRef.kind.toLowerCase();
      const message = `the HPA controller was unable to get the target's current scale: ${what} "${scaleTargetRef.name}" not found`;
      conditions = setCondition(conditions, {
        type: "AbleToScale",
        status: "False",
        reason: "FailedGetScale",
        message,
      });
      this.write(hpa, { ...status, currentReplicas: 0, desiredReplicas: 0, conditions });
      return;
    }

    const currentReplicas = target.spec.replicas ?? 1;
    const desiredReplicas =
      currentReplicas === 0 ? 0 : Math.min(maxReplicas, Math.max(minReplicas, currentReplicas));
    const pods = (store.list("pods", namespace) as PodObject[]).filter(
      (pod) => isMeasurable(pod) && selectorMatches(target.spec.selector, pod.metadata.labels),
    );
    const autoscaler = this.autoscalers.get(namespace)?.get(name);
    if (autoscaler) autoscaler.measured = new Set(pods.map((pod) => pod.metadata.uid));
    const metricSpecs = hpa.spec.metrics ?? [
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization" as const, averageUtilization: 80 } },
      },
    ];
    const results = metricSpecs.flatMap((metric) =>
      metric.type === "Resource" && metric.resource
        ? [{ metric, result: resourceMetric(metric.resource.name, metric.resource.target, pods) }]
        : [],
    );
    status.currentMetrics = results.flatMap(({ metric, result }) =>
      result.current
        ? [{ type: "Resource", resource: { name: metric.resource!.name, current: result.current } }]
        : [],
    );

    if (desiredReplicas !== currentReplicas) {
      store.update(resource, { ...target, spec: { ...target.spec, replicas: desiredReplicas } });
      const reason =
        desiredReplicas > currentReplicas
          ? "Current number of replicas below Spec.MinReplicas"
          : "Current number of replicas above Spec.MaxReplicas";
      events.record(
        hpa,
        "Normal",
        "SuccessfulRescale",
        `New size: ${desiredReplicas}; reason: ${reason}`,
        SOURCE,
      );
      status.lastScaleTime = now();
    }

    const failed = results.find(({ result }) => result.error !== undefined)?.result;
    const first = results[0]?.result;
    const able: ConditionInput =
      desiredReplicas !== currentReplicas
        ? {
            type: "AbleToScale",
            status: "True",
            reason: "SucceededRescale",
            message: `the HPA controller was able to update the target scale to ${desiredReplicas}`,
          }
        : {
            type: "AbleToScale",
            status: "True",
            reason: "ReadyForNewScale",
            message: "recommended size matches current size",
          };
    let active: ConditionInput;
    if (currentReplicas === 0)
      active = {
        type: "ScalingActive",
        status: "False",
        reason: "ScalingDisabled",
        message: "scaling is disabled since the replica count of the target is zero",
      };
    else if (failed)
      active = {
        type: "ScalingActive",
        status: "False",
        reason: "FailedGetResourceMetric",
        message: `the HPA was unable to compute the replica count: ${failed.error ?? ""}`,
      };
    else
      active = {
        type: "ScalingActive",
        status: "True",
        reason: "ValidMetricFound",
        message: `the HPA was able to successfully calculate a replica count from ${first?.description ?? "cpu resource"}`,
      };
    let limited: ConditionInput = {
      type: "ScalingLimited",
      status: "False",
      reason: "DesiredWithinRange",
      message: "the desired count is within the acceptable range",
    };
    if (currentReplicas !== 0 && currentReplicas < minReplicas)
      limited = {
        type: "ScalingLimited",
        status: "True",
        reason: "TooFewReplicas",
        message: "the desired replica count is less than the minimum replica count",
      };
    if (currentReplicas > maxReplicas)
      limited = {
        type: "ScalingLimited",
        status: "True",
        reason: "TooManyReplicas",
        message: "the desired replica count is more than the maximum replica count",
      };
    for (const condition of [able, active, limited]) conditions = setCondition(conditions, condition);

    this.write(hpa, { ...status, currentReplicas, desiredReplicas, conditions });
  }

  private write(hpa: HpaObject, status: Record<string, unknown>): void {
    if (!jsonEqual(status, hpa.status))
      this.context.store.updateStatus(
        "horizontalpodautoscalers",
        hpa.metadata.namespace,
        hpa.metadata.name,
        status,
      );
  }
}
