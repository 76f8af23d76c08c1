// What a deploy will take from the project's ResourceQuota, from the manifests the preview shows: each Deployment's
// pods (replicas, or an HPA's minReplicas…maxReplicas) times each pod's requests and limits, with the LimitRange's
// defaults where a container states none (as the API server's LimitRanger fills them in), plus a rolling update's
// surge; and the objects a quota counts (Services, count/…). Compared with hard − used of each quota, it tells which
// pods will not start and which objects the cluster will refuse, before anything is applied.
import { quantityValue } from "@babyhelm/manifest-sdk/quantity";

export interface QuotaFigure {
  quantity: string;
  value: number | null;
}

/** What `projects.usage` says of the namespace (only the parts this needs). */
export interface QuotaBudgetInput {
  quotas: readonly {
    name: string;
    hard: Record<string, QuotaFigure>;
    used: Record<string, QuotaFigure>;
  }[];
  containerDefaults: { requests: Record<string, QuotaFigure>; limits: Record<string, QuotaFigure> };
}

/** A manifest as the preview returns it: only kind, name and the fields read here matter. */
export interface ManifestLike {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: unknown;
}

export type ResourceKind = "cpu" | "memory" | "count";

/** The per-pod quota resources, with the quota keys that count them (`cpu` is an alias of `requests.cpu`). */
const POD_RESOURCES = [
  { key: "requests.cpu", aliases: ["requests.cpu", "cpu"], label: "CPU requests", kind: "cpu" },
  {
    key: "requests.memory",
    aliases: ["requests.memory", "memory"],
    label: "memory requests",
    kind: "memory",
  },
  { key: "limits.cpu", aliases: ["limits.cpu"], label: "CPU limits", kind: "cpu" },
  { key: "limits.memory", aliases: ["limits.memory"], label: "memory limits", kind: "memory" },
  { key: "pods", aliases: ["pods", "count/pods"], label: "pods", one: "pod", kind: "count" },
] as const;

/** Object counts a quota may set, by the kind that uses them. */
const OBJECT_COUNTS: Record<string, { keys: readonly string[]; label: string; one: string }> = {
  Service: { keys: ["services", "count/services"], label: "Services", one: "Service" },
  ConfigMap: { keys: ["configmaps", "count/configmaps"], label: "ConfigMaps", one: "ConfigMap" },
  Secret: { keys: ["secrets", "count/secrets"], label: "Secrets", one: "Secret" },
  Deployment: { keys: ["count/deployments.apps"], label: "Deployments", one: "Deployment" },
  Ingress: { keys: ["count/ingresses.networking.k8s.io"], label: "Ingresses", one: "Ingress" },
  HorizontalPodAutoscaler: {
    keys: ["count/horizontalpodautoscalers.autoscaling"],
    label: "HorizontalPodAutoscalers",
    one: "HorizontalPodAutoscaler",
  },
};

interface ContainerShape {
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

interface DeploymentShape {
  replicas?: number;
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string } };
  template?: { spec?: { containers?: ContainerShape[]; initContainers?: ContainerShape[] } };
}

interface HpaShape {
  scaleTargetRef?: { kind?: string; name?: string };
  minReplicas?: number;
  maxReplicas?: number;
}

/** One Deployment's pods: what each costs, and how many there are at least, at most, and extra while rolling. */
export interface Workload {
  name: string;
  perPod: Record<string, number>;
  minReplicas: number;
  maxReplicas: number;
  /** Pods a rolling update starts before it stops old ones (maxSurge, 25 % rounded up by default). */
  surge: number;
  /** The pod template as JSON: an edit that changes it rolls the pods (and surges); one that does not only scales. */
  template: string;
}

/** What a set of manifests needs: its workloads and the objects quotas count. */
export interface Need {
  workloads: Workload[];
  /** Count per object kind (Service: 1). */
  objects: Record<string, number>;
}

function figure(values: Record<string, unknown> | undefined, name: string): number | undefined {
  return quantityValue(values?.[name]);
}

/** A container's requests and limits after pod defaulting and LimitRanger (request ← limit ← LimitRange). */
function containerCost(
  container: ContainerShape,
  defaults: QuotaBudgetInput["containerDefaults"],
): Record<string, number> {
  const cost: Record<string, number> = {};
  for (const name of ["cpu", "memory"]) {
    const limit = figure(container.resources?.limits, name) ?? defaults.limits[name]?.value ?? undefined;
    const request =
      figure(container.resources?.requests, name) ??
      figure(container.resources?.limits, name) ??
      defaults.requests[name]?.value ??
      undefined;
    if (request !== undefined) cost[`requests.${name}`] = request;
    if (limit !== undefined) cost[`limits.${name}`] = limit;
  }
  return cost;
}

function surgeOf(strategy: DeploymentShape["strategy"], replicas: number): number {
  if (strategy?.type === "Recreate") return 0;
  const surge = strategy?.rollingUpdate?.maxSurge ?? "25%";
  if (typeof surge === "number") return surge;
  const percent = /^(\d+)%$/.exec(surge);
  return percent ? Math.ceil((replicas * Number(percent[1])) / 100) : Number(surge) || 0;
}

export function needOf(
  manifests: readonly ManifestLike[],
  defaults: QuotaBudgetInput["containerDefaults"],
): Need {
  const hpas = manifests.filter((object) => object.kind === "HorizontalPodAutoscaler");
  const workloads: Workload[] = [];
  const objects: Record<string, number> = {};
  for (const object of manifests) {
    const kind = object.kind ?? "";
    objects[kind] = (objects[kind] ?? 0) + 1;
    if (kind !== "Deployment") continue;
    const spec = (object.spec ?? {}) as DeploymentShape;
    const name = object.metadata?.name ?? "";
    const perPod: Record<string, number> = { pods: 1 };
    for (const container of spec.template?.spec?.containers ?? []) {
      for (const [key, value] of Object.entries(containerCost(container, defaults)))
        perPod[key] = (perPod[key] ?? 0) + value;
    }
    const hpa = hpas
      .map((candidate) => (candidate.spec ?? {}) as HpaShape)
      .find(
        (candidate) =>
          candidate.scaleTargetRef?.kind === "Deployment" && candidate.scaleTargetRef.name === name,
      );
    const replicas = spec.replicas ?? 1;
    const minReplicas = hpa ? (hpa.minReplicas ?? 1) : replicas;
    const maxReplicas = hpa ? (hpa.maxReplicas ?? minReplicas) : replicas;
    workloads.push({
      name,
      perPod,
      minReplicas,
      maxReplicas,
      surge: surgeOf(spec.strategy, minReplicas),
      template: JSON.stringify(spec.template ?? {}),
    });
  }
  return { workloads, objects };
}

/** One quota resource this deploy uses: how much it needs and how much is left. */
export interface BudgetLine {
  quota: string;
  key: string;
  /** "CPU requests", "pods", "Services". */
  label: string;
  /** For counts: one of them ("pod", "Service"). */
  one?: string;
  kind: ResourceKind;
  hard: number;
  /** hard − used, plus what the app being edited holds now (it is given back as its pods are replaced). */
  left: number;
  /** At the lowest replica count, including a rolling update's surge. */
  needed: number;
  /** At an HPA's maxReplicas, when that is more. */
  neededAtMax?: number;
  fits: boolean;
  /** For pod resources that do not fit: how many of the lowest replica count will start. */
  podsStarting?: { start: number; of: number };
  /**
   * For an edit whose pods fit but whose rolling update's extra pods do not: how many of them there is room for
   * (0: the rollout cannot start a new pod until something frees room).
   */
  surgeRoom?: { room: number; surge: number };
  /** For object counts that do not fit: the apply itself will be refused. */
  refusesApply?: boolean;
}

function quotaValue(record: Record<string, QuotaFigure>, keys: readonly string[]): number | undefined {
  for (const key of keys) {
    const value = record[key]?.value;
    if (value !== null && value !== undefined) return value;
  }
  return undefined;
}

/** Totals of a need for one pod resource, at the lowest and highest counts, with the surge of workloads that roll. */
function podTotals(need: Need, key: string, rolls: (workload: Workload) => boolean = () => false) {
  let low = 0;
  let high = 0;
  for (const workload of need.workloads) {
    const cost = workload.perPod[key] ?? 0;
    const surge = rolls(workload) ? workload.surge : 0;
    low += cost * (workload.minReplicas + surge);
    high += cost * (workload.maxReplicas + surge);
  }
  return { low, high };
}

/**
 * Each quota resource the deploy uses, against what is left. `current` is what the app runs now, for an edit: only
 * the difference counts, and a rolling update's surge comes on top (old pods run until new ones are ready).
 */
export function quotaBudget(
  usage: QuotaBudgetInput,
  manifests: readonly ManifestLike[],
  current?: readonly ManifestLike[],
): BudgetLine[] {
  const need = needOf(manifests, usage.containerDefaults);
  const held = current ? needOf(current, usage.containerDefaults) : undefined;
  // Only a Deployment that runs now and gets a new pod template rolls (old pods stay until new ones are ready).
  const rolls = (workload: Workload): boolean => {
    const running = held?.workloads.find((candidate) => candidate.name === workload.name);
    return running !== undefined && running.template !== workload.template;
  };
  const lines: BudgetLine[] = [];
  for (const quota of usage.quotas) {
    for (const resource of POD_RESOURCES) {
      const hard = quotaValue(quota.hard, resource.aliases);
      if (hard === undefined) continue;
      const used = quotaValue(quota.used, resource.aliases) ?? 0;
      const { low, high } = podTotals(need, resource.key, rolls);
      if (high === 0) continue;
      const holds = held ? podTotals(held, resource.key).low : 0;
      const left = Math.max(0, hard - used) + holds;
      const fits = low <= left + 1e-9;
      const line: BudgetLine = {
        quota: quota.name,
        key: resource.key,
        label: resource.label,
        ...("one" in resource ? { one: resource.one } : {}),
        kind: resource.kind,
        hard,
        left,
        needed: low,
        fits,
        ...(high > low ? { neededAtMax: high } : {}),
      };
      const pods = need.workloads.reduce((total, workload) => total + workload.minReplicas, 0);
      const perPod = need.workloads[0]?.perPod[resource.key] ?? 0;
      const workload = need.workloads[0];
      if (!fits && need.workloads.length === 1 && perPod > 0) {
        const start = Math.floor((left + 1e-9) / perPod);
        if (rolls(workload!) && start >= pods)
          line.surgeRoom = { room: start - pods, surge: workload!.surge };
        else line.podsStarting = { start: Math.min(pods, start), of: pods };
      }
      lines.push(line);
    }
    for (const [kind, count] of Object.entries(need.objects)) {
      const counted = OBJECT_COUNTS[kind];
      if (!counted) continue;
      const hard = quotaValue(quota.hard, counted.keys);
      if (hard === undefined) continue;
      const used = quotaValue(quota.used, counted.keys) ?? 0;
      const needed = Math.max(0, count - (held?.objects[kind] ?? 0));
      const left = Math.max(0, hard - used);
      const fits = needed <= left;
      lines.push({
        quota: quota.name,
        key: counted.keys[0]!,
        label: counted.label,
        one: counted.one,
        kind: "count",
        hard,
        left,
        needed,
        fits,
        ...(fits ? {} : { refusesApply: true }),
      });
    }
  }
  return lines;
}
