// Why an app's rollout is stuck, in plain words first: what is wrong, what to do next, and the cluster's own message
// for those who want it. Restart and Redeploy are said to help only where they can.
import type { ContainerStateTerminated, Pod } from "kubernetes-types/core/v1.js";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";

export type AppProblemKind =
  | "image-pull"
  | "invalid-image"
  | "crash-loop"
  | "container-config"
  | "quota"
  | "pods-refused"
  | "unschedulable"
  | "progress-deadline";

export interface AppProblem {
  kind: AppProblemKind;
  /** What is wrong, in plain words. */
  summary: string;
  /** What to do about it. */
  next: string;
  /** The cluster's own message, for the curious (behind a "details" toggle). */
  details: string;
  /** Whether restarting the pods or applying the revision again can fix it: offer those actions only then. */
  helps: { restart: boolean; redeploy: boolean };
  /** For a crash loop: the crashed container and, when they could be read, the last lines it wrote. */
  crash?: CrashReport;
}

export interface CrashReport {
  pod: string;
  container: string;
  restarts: number;
  exitCode?: number;
  reason?: string;
  /** The last lines of the container that crashed; filled by the status service, which may read logs. */
  lastLines?: string[];
}

/** A stuck container as the status reads it from a pod. */
export interface StuckContainer {
  pod: string;
  container: string;
  image: string;
  reason: string;
  /** The kubelet's message, or for pull failures the registry's words from the "Failed to pull image" event. */
  message?: string;
  restarts: number;
  lastTerminated?: ContainerStateTerminated;
}

export interface ProblemFacts {
  /** The first stuck container of the current revision's pods, if any. */
  stuck?: StuckContainer;
  /** A pod of the current revision the scheduler cannot place, and the scheduler's message. */
  unschedulable?: { pod: string; message: string };
  /** The Deployment's ReplicaFailure condition when True (pods refused by the API server). */
  replicaFailure?: { reason?: string; message?: string };
  /** The Deployment's Progressing condition when the deadline passed. */
  deadlineExceeded?: { message?: string };
  /** Pods of the current revision that exist, and how many are wanted. */
  podsRunning: number;
  desired: number;
}

const NO_ACTION_HELPS = { restart: false, redeploy: false };

/** The plain-words account of what keeps the rollout from finishing; undefined when nothing does. */
export function classifyProblem(facts: ProblemFacts): AppProblem | undefined {
  if (facts.replicaFailure !== undefined) return refusedPods(facts.replicaFailure, facts);
  if (facts.stuck !== undefined) return stuckContainer(facts.stuck);
  if (facts.unschedulable !== undefined) return unschedulable(facts.unschedulable);
  if (facts.deadlineExceeded !== undefined) {
    const details = facts.deadlineExceeded.message ?? "ProgressDeadlineExceeded";
    return {
      kind: "progress-deadline",
      summary: `The rollout made no progress within its deadline: ${facts.podsRunning} of ${facts.desired} new pods run, and they do not become ready.`,
      next: "Look at the pods and events below and at the logs for why the new pods never become ready (a readiness probe on the wrong port or path is a common cause), then change what is wrong.",
      details,
      helps: { restart: true, redeploy: true },
    };
  }
  return undefined;
}

function stuckContainer(stuck: StuckContainer): AppProblem {
  const raw = `${stuck.reason}${stuck.message === undefined ? "" : `: ${stuck.message}`}`;
  switch (stuck.reason) {
    case "ErrImagePull":
    case "ImagePullBackOff":
      return {
        kind: "image-pull",
        summary: `The cluster cannot pull image ${stuck.image}: check its name and tag; a private registry needs a pull secret.`,
        next: "Change the image to one the cluster can pull. Restarting or redeploying pulls the same image again.",
        // The registry's words already end with the waiting reason.
        details: stuck.message ?? stuck.reason,
        helps: NO_ACTION_HELPS,
      };
    case "InvalidImageName":
      return {
        kind: "invalid-image",
        summary: `${JSON.stringify(stuck.image)} is not a valid image reference.`,
        next: "Change the image to a reference like registry.example.com/team/app:1.2.",
        details: raw,
        helps: NO_ACTION_HELPS,
      };
    case "CrashLoopBackOff": {
      const exit = stuck.lastTerminated;
      const how =
        exit?.exitCode === undefined
          ? "it stops soon after it starts"
          : `it exited with code ${exit.exitCode}${exit.reason === undefined ? "" : ` (${exit.reason})`}`;
      const restarted =
        stuck.restarts === 0
          ? "the cluster starts it again after a back-off"
          : `the cluster restarted it ${stuck.restarts === 1 ? "once" : `${stuck.restarts} times`}`;
      return {
        kind: "crash-loop",
        summary: `Container "${stuck.container}" keeps crashing: ${how}, and ${restarted}.`,
        next: "Its last lines say why it stops. Fix the cause (its configuration, a service it needs) or change the image; the cluster restarts it by itself, so Restart and Redeploy only run the same thing again.",
        details: raw,
        helps: NO_ACTION_HELPS,
        crash: {
          pod: stuck.pod,
          container: stuck.container,
          restarts: stuck.restarts,
          ...(exit?.exitCode === undefined ? {} : { exitCode: exit.exitCode }),
          ...(exit?.reason === undefined ? {} : { reason: exit.reason }),
        },
      };
    }
    case "CreateContainerConfigError":
      return {
        kind: "container-config",
        summary: `Container "${stuck.container}" cannot start: its configuration refers to something missing${stuck.message === undefined ? "" : ` (${stuck.message})`}.`,
        next: "Create what it refers to (a Secret or ConfigMap of the project), or change the app's environment so that it no longer needs it.",
        details: raw,
        helps: NO_ACTION_HELPS,
      };
    default:
      return {
        kind: "container-config",
        summary: `Container "${stuck.container}" cannot start (${stuck.reason}).`,
        next: "Read the details and the events below, then change what the cluster objects to.",
        details: raw,
        helps: NO_ACTION_HELPS,
      };
  }
}

function unschedulable({ pod, message }: { pod: string; message: string }): AppProblem {
  const lacking = [
    /Insufficient cpu/.test(message) ? "CPU" : undefined,
    /Insufficient memory/.test(message) ? "memory" : undefined,
  ].filter((what) => what !== undefined);
  return {
    kind: "unschedulable",
    summary:
      lacking.length === 0
        ? `No node of the cluster can run pod ${pod}.`
        : `No node of the cluster has enough free ${lacking.join(" and ")} for pod ${pod}.`,
    next: "Ask for less (lower each pod's CPU or memory request, or the replicas), or ask whoever runs the cluster to add capacity.",
    details: message,
    helps: NO_ACTION_HELPS,
  };
}

function refusedPods(
  failure: { reason?: string; message?: string },
  facts: Pick<ProblemFacts, "podsRunning" | "desired">,
): AppProblem {
  const details = failure.message ?? failure.reason ?? "ReplicaFailure";
  const quota = parseQuotaRefusal(details);
  const running = `${facts.podsRunning} of ${facts.desired} pods run.`;
  if (quota === undefined) {
    return {
      kind: "pods-refused",
      summary: `The cluster refuses to create the app's pods. ${running}`,
      next: "Read the details for what the cluster objects to, then change the app (Edit) so that it is allowed.",
      details,
      helps: NO_ACTION_HELPS,
    };
  }
  const over = quota.resources.filter((resource) => resource.exceeded);
  const shown = over.length > 0 ? over : quota.resources;
  return {
    kind: "quota",
    summary: `The project's quota "${quota.name}" stopped the rollout: ${shown.map(describeQuotaUse).join("; ")}. ${running}`,
    next: "Lower the replicas or what each pod asks for (Edit), delete apps the project no longer needs, or ask whoever runs BabyHelm to raise the quota. Restarting or redeploying asks for the same again.",
    details,
    helps: NO_ACTION_HELPS,
  };
}

// ---- quota refusals ---------------------------------------------------------------------------------------------

export interface QuotaRefusal {
  name: string;
  resources: { resource: string; requested: string; used: string; limited: string; exceeded: boolean }[];
}

/**
 * The API server's quota admission refusal, as in `pods "web-x" is forbidden: exceeded quota: compute, requested:
 * requests.cpu=500m, used: requests.cpu=4, limited: requests.cpu=4` (with `Error creating: ` before it in the
 * ReplicaSet's FailedCreate event); undefined for any other message.
 */
export function parseQuotaRefusal(message: string): QuotaRefusal | undefined {
  const match = /exceeded quota: ([^,]+), requested: (.*?), used: (.*?), limited: (.*?)$/.exec(
    message.trim(),
  );
  if (match === null) return undefined;
  const [, name = "", requestedList = "", usedList = "", limitedList = ""] = match;
  const requested = parseResourceList(requestedList);
  const used = parseResourceList(usedList);
  const limited = parseResourceList(limitedList);
  const resources = [...requested.keys()].map((resource) => {
    const request = requested.get(resource) ?? "0";
    const inUse = used.get(resource) ?? "0";
    const limit = limited.get(resource) ?? "0";
    const exceeded = quantity(inUse) + quantity(request) > quantity(limit);
    return { resource, requested: request, used: inUse, limited: limit, exceeded };
  });
  return { name, resources };
}

/** `requests.cpu=500m,requests.memory=1Gi` → its entries. */
function parseResourceList(list: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const item of list.split(",")) {
    const [resource, value] = item.split("=", 2);
    if (resource !== undefined && value !== undefined) entries.set(resource.trim(), value.trim());
  }
  return entries;
}

const SUFFIXES: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A Kubernetes quantity as a number (`500m` → 0.5, `1Gi` → 1073741824). */
function quantity(text: string): number {
  const match = /^([0-9.]+)([a-zA-Z]*)$/.exec(text);
  if (match === null) return Number.NaN;
  return Number(match[1]) * (SUFFIXES[match[2] ?? ""] ?? 1);
}

function describeQuotaUse(entry: QuotaRefusal["resources"][number]): string {
  const { resource, requested, used, limited } = entry;
  if (resource.endsWith("cpu")) {
    const what = resource.startsWith("limits") ? "a CPU limit of" : "";
    const cores = (value: string) => formatNumber(quantity(value));
    return `each pod asks for ${what === "" ? "" : `${what} `}${requested} CPU, and ${cores(used)} of ${cores(limited)} ${quantity(limited) === 1 ? "core is" : "cores are"} in use`;
  }
  if (resource.endsWith("memory")) {
    return `each pod asks for ${requested} of memory${resource.startsWith("limits") ? " (limit)" : ""}, and ${used} of ${limited} are in use`;
  }
  if (resource === "pods" || resource === "count/pods") {
    return `the project may run ${limited} pods, and ${used} run`;
  }
  return `each pod asks for ${resource}=${requested}, and ${used} of ${limited} are in use`;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
}

// ---- reading pods -----------------------------------------------------------------------------------------------

/** The first container of `pod` that waits for a reason it does not get out of by itself. */
export function stuckContainerOf(
  pod: KubernetesObject & Pod,
  stuckReasons: ReadonlySet<string>,
  pullMessage: (container: string) => string | undefined,
): StuckContainer | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const status = statuses.find((candidate) => stuckReasons.has(candidate.state?.waiting?.reason ?? ""));
  const reason = status?.state?.waiting?.reason;
  if (status === undefined || reason === undefined) return undefined;
  const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find(
    (container) => container.name === status.name,
  );
  const isPull = reason === "ErrImagePull" || reason === "ImagePullBackOff";
  const message = (isPull ? pullMessage(status.name) : undefined) ?? status.state?.waiting?.message;
  return {
    pod: pod.metadata.name,
    container: status.name,
    image: spec?.image ?? status.image ?? "",
    reason,
    ...(message === undefined ? {} : { message }),
    restarts: status.restartCount ?? 0,
    ...(status.lastState?.terminated === undefined ? {} : { lastTerminated: status.lastState.terminated }),
  };
}
