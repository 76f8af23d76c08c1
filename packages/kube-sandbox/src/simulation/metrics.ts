// Synthetic resource usage, as metrics-server would report it: a stable level per container (derived from the pod's
// uid and the container's requests), a slow ±15 % wave over ten minutes, and values that only change once per
// 15-second scrape, so two reads in a row agree. The HPA controller reads the same numbers.
import { quantityValue } from "@babyhelm/manifest-sdk";
import type { ObjectStore, PodMetrics } from "../contract.js";
import { parseLabelSelector } from "../server/selectors.js";
import { now } from "../store/object-store.js";
import { sha256Hex } from "./images.js";
import type { ContainerSpec, PodObject } from "./types.js";

const SCRAPE_INTERVAL_MS = 15_000;
const WAVE_PERIOD_MS = 10 * 60 * 1000;
const MIB = 1024 * 1024;

export interface ContainerUsage {
  name: string;
  /** Cores. */
  cpu: number;
  /** Bytes. */
  memory: number;
}

/** The start of the scrape window `atMs` falls in: usage is constant inside it. */
export function scrapeTime(atMs = Date.now()): number {
  return Math.floor(atMs / SCRAPE_INTERVAL_MS) * SCRAPE_INTERVAL_MS;
}

/** Three numbers in [0, 1) fixed for one container of one pod. */
function seeds(pod: PodObject, container: ContainerSpec): [number, number, number] {
  const hex = sha256Hex(`${pod.metadata.uid}/${pod.metadata.name}/${container.name}`);
  const part = (index: number) => Number.parseInt(hex.slice(index * 8, index * 8 + 8), 16) / 2 ** 32;
  return [part(0), part(1), part(2)];
}

export function containerUsage(pod: PodObject, container: ContainerSpec, atMs = Date.now()): ContainerUsage {
  const [level, memoryLevel, phase] = seeds(pod, container);
  const wave = Math.sin((2 * Math.PI * scrapeTime(atMs)) / WAVE_PERIOD_MS + 2 * Math.PI * phase);
  const cpuRequest = quantityValue(container.resources?.requests?.cpu ?? container.resources?.limits?.cpu);
  const memoryRequest = quantityValue(
    container.resources?.requests?.memory ?? container.resources?.limits?.memory,
  );
  // With requests, a quiet service at 10–40 % of its CPU and 30–60 % of its memory; without, a few millicores and tens of MiB.
  const cpu = (cpuRequest ? cpuRequest * (0.1 + 0.3 * level) : 0.002 + 0.03 * level) * (1 + 0.15 * wave);
  const memory =
    (memoryRequest ? memoryRequest * (0.3 + 0.3 * memoryLevel) : (24 + 96 * memoryLevel) * MIB) *
    (1 + 0.02 * wave);
  return { name: container.name, cpu, memory };
}

/** Pods metrics-server has numbers for: those whose containers run. */
export function isMeasurable(pod: PodObject): boolean {
  return pod.status?.phase === "Running" && pod.metadata.deletionTimestamp === undefined;
}

export function podMetrics(
  store: ObjectStore,
  namespace?: string,
  name?: string,
  labelSelector?: string,
): PodMetrics[] {
  const selector = parseLabelSelector(labelSelector);
  const pods = (
    name !== undefined && namespace !== undefined
      ? [store.get("pods", namespace, name)].filter((pod) => pod !== undefined)
      : store.list("pods", namespace)
  ) as PodObject[];
  const at = scrapeTime();
  return pods
    .filter(
      (pod) =>
        isMeasurable(pod) && (name === undefined || pod.metadata.name === name) && (selector?.(pod) ?? true),
    )
    .map((pod) => ({
      apiVersion: "metrics.k8s.io/v1beta1",
      kind: "PodMetrics",
      metadata: {
        name: pod.metadata.name,
        namespace: pod.metadata.namespace ?? "default",
        creationTimestamp: now(),
        ...(pod.metadata.labels ? { labels: pod.metadata.labels } : {}),
      },
      timestamp: new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z"),
      window: "30s",
      containers: pod.spec.containers.map((container) => {
        const usage = containerUsage(pod, container, at);
        return {
          name: container.name,
          usage: { cpu: `${Math.round(usage.cpu * 1e9)}n`, memory: `${Math.round(usage.memory / 1024)}Ki` },
        };
      }),
    }));
}
