// The scheduler and kubelet of the one simulated node: binds pods, "pulls" images, starts containers and reports
// readiness on timers, writing pod status and the Events a real kubelet records.
import type { StoreEvent } from "../contract.js";
import { now } from "../store/object-store.js";
import { setCondition } from "./conditions.js";
import type { Controller, ControllerContext } from "./context.js";
import type { EventSource } from "./events.js";
import {
  crashesOnStart,
  imageId,
  isUnpullable,
  normalizeImage,
  pullFailureMessage,
  sha256Hex,
} from "./images.js";
import { isTerminating } from "./objects.js";
import type { ContainerSpec, ContainerStatus, PodObject, PodStatus, TerminatedState } from "./types.js";

export const NODE_NAME = "sandbox-node";
export const NODE_IP = "172.18.0.2";

const KUBELET: EventSource = { component: "kubelet", host: NODE_NAME };
const SCHEDULER: EventSource = { component: "default-scheduler" };

/** What the simulated container runtime knows about one container. */
type ContainerPhase =
  "creating" | "running" | "ready" | "pullError" | "pullBackOff" | "exited" | "crashBackOff" | "completed";

interface ContainerRuntime {
  phase: ContainerPhase;
  startedAt?: string;
  pullAttempts: number;
  /** Times the container was started again after it exited (the status's restartCount). */
  restarts: number;
  /** The instance that exited last (`phase` "exited"), and the one before the current (`lastState.terminated`). */
  terminated?: TerminatedState;
  lastTerminated?: TerminatedState;
}

interface PodRuntime {
  podIP: string;
  startTime: string;
  containers: Map<string, ContainerRuntime>;
}

export class Kubelet implements Controller {
  private readonly pods = new Map<string, PodRuntime>();
  private nextAddress = 0;

  constructor(private readonly context: ControllerContext) {}

  observe(event: StoreEvent): void {
    if (event.resource !== "pods") return;
    const { uid, namespace, name } = event.object.metadata;
    if (event.type === "DELETED") {
      this.pods.delete(uid);
      this.context.timers.cancelPrefix(`kubelet:${uid}:`);
    } else if (!this.pods.has(uid)) {
      this.queueSync(namespace ?? "default", name);
    }
  }

  resync(): void {
    for (const pod of this.context.store.list("pods"))
      this.queueSync(pod.metadata.namespace ?? "default", pod.metadata.name);
  }

  private queueSync(namespace: string, name: string): void {
    this.context.enqueue(`kubelet/${namespace}/${name}`, () => {
      this.sync(namespace, name);
    });
  }

  private getPod(namespace: string, name: string, uid?: string): PodObject | undefined {
    const pod = this.context.store.get("pods", namespace, name) as PodObject | undefined;
    if (!pod || isTerminating(pod) || (uid !== undefined && pod.metadata.uid !== uid)) return undefined;
    return pod;
  }

  /** First sight of a pod: schedule it onto the node, or adopt it if a snapshot already shows it running. */
  private sync(namespace: string, name: string): void {
    const pod = this.getPod(namespace, name);
    if (!pod || this.pods.has(pod.metadata.uid)) return;
    const { store, events } = this.context;
    if (this.adoptRunning(pod)) return;

    const runtime: PodRuntime = {
      podIP: this.allocateAddress(),
      startTime: now(),
      containers: new Map(
        pod.spec.containers.map((container) => [
          container.name,
          { phase: "creating", pullAttempts: 0, restarts: 0 },
        ]),
      ),
    };
    this.pods.set(pod.metadata.uid, runtime);
    if (pod.spec.nodeName === undefined) {
      const bound = store.update("pods", { ...pod, spec: { ...pod.spec, nodeName: NODE_NAME } });
      events.record(
        bound,
        "Normal",
        "Scheduled",
        `Successfully assigned ${namespace}/${name} to ${NODE_NAME}`,
        SCHEDULER,
      );
    }
    this.writeStatus(pod);
    for (const container of pod.spec.containers) this.pull(pod, container);
  }

  /** Pods restored from a snapshot keep running (or stay finished); only their containers' start times are remembered. */
  private adoptRunning(pod: PodObject): boolean {
    // A finished pod (a Job's) is over: there is nothing left to run.
    if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return true;
    const statuses = pod.status?.containerStatuses ?? [];
    if (pod.status?.phase !== "Running" || statuses.length !== pod.spec.containers.length) return false;
    if (!statuses.every((status) => status.ready && status.state.running)) return false;
    this.pods.set(pod.metadata.uid, {
      podIP: pod.status.podIP ?? this.allocateAddress(),
      startTime: typeof pod.status.startTime === "string" ? pod.status.startTime : now(),
      containers: new Map(
        statuses.map((status) => [
          status.name,
          {
            phase: "ready",
            startedAt: status.state.running?.startedAt,
            pullAttempts: 0,
            restarts: status.restartCount,
          },
        ]),
      ),
    });
    return true;
  }

  private pull(pod: PodObject, container: ContainerSpec): void {
    const { events, timers, timing } = this.context;
    const fieldPath = `spec.containers{${container.name}}`;
    events.record(pod, "Normal", "Pulling", `Pulling image "${container.image}"`, KUBELET, fieldPath);
    timers.schedule(this.timerKey(pod, container), timing.podStepMs, () => {
      const current = this.getPod(pod.metadata.namespace ?? "default", pod.metadata.name, pod.metadata.uid);
      if (current) this.pulled(current, container);
    });
  }

  private pulled(pod: PodObject, container: ContainerSpec): void {
    const { events, timers, timing } = this.context;
    const state = this.containerState(pod, container);
    if (!state) return;
    const fieldPath = `spec.containers{${container.name}}`;
    if (isUnpullable(container.image)) {
      state.phase = "pullError";
      state.pullAttempts += 1;
      events.record(
        pod,
        "Warning",
        "Failed",
        `Failed to pull image "${container.image}": ${pullFailureMessage(container.image)}`,
        KUBELET,
        fieldPath,
      );
      events.record(pod, "Warning", "Failed", "Error: ErrImagePull", KUBELET, fieldPath);
      this.writeStatus(pod);
      // The kubelet's next sync reports the back-off; it retries once the back-off has passed.
      timers.schedule(this.timerKey(pod, container), timing.podStepMs, () => {
        const current = this.getPod(pod.metadata.namespace ?? "default", pod.metadata.name, pod.metadata.uid);
        if (current) this.backOff(current, container);
      });
      return;
    }
    const seconds = (timing.podStepMs / 1000).toFixed(3);
    const size = Number.parseInt(sha256Hex(container.image).slice(0, 6), 16) * 16;
    events.record(
      pod,
      "Normal",
      "Pulled",
      `Successfully pulled image "${container.image}" in ${seconds}s (${seconds}s including waiting). Image size: ${size} bytes.`,
      KUBELET,
      fieldPath,
    );
    this.start(pod, container);
  }

  private start(pod: PodObject, container: ContainerSpec): void {
    const { events, timers, timing } = this.context;
    const state = this.containerState(pod, container);
    if (!state) return;
    const fieldPath = `spec.containers{${container.name}}`;
    events.record(pod, "Normal", "Created", `Created container: ${container.name}`, KUBELET, fieldPath);
    events.record(pod, "Normal", "Started", `Started container ${container.name}`, KUBELET, fieldPath);
    state.phase = "running";
    state.startedAt = now();
    this.writeStatus(pod);
    timers.schedule(this.timerKey(pod, container), timing.podStepMs, () => {
      const current = this.getPod(pod.metadata.namespace ?? "default", pod.metadata.name, pod.metadata.uid);
      const started = current && this.containerState(current, container);
      if (!current || !started) return;
      if (crashesOnStart(container.image)) {
        this.exited(current, container, started);
        return;
      }
      if (runsToCompletion(current)) {
        this.completed(current, container, started);
        return;
      }
      started.phase = "ready";
      this.writeStatus(current);
    });
  }

  /** A Job's container (restartPolicy Never or OnFailure) that is not a crash image does its work and exits with 0. */
  private completed(pod: PodObject, container: ContainerSpec, state: ContainerRuntime): void {
    state.phase = "completed";
    state.terminated = this.terminatedNow(pod, container, state, 0, "Completed");
    this.writeStatus(pod);
  }

  /**
   * The crash rule: the container exits with 1; the kubelet's next sync puts it in CrashLoopBackOff, unless the pod's
   * restartPolicy is Never: then it stays exited and the pod has failed.
   */
  private exited(pod: PodObject, container: ContainerSpec, state: ContainerRuntime): void {
    const { timers, timing } = this.context;
    state.phase = "exited";
    state.terminated = this.terminatedNow(pod, container, state, 1, "Error");
    this.writeStatus(pod);
    if (pod.spec.restartPolicy === "Never") return;
    timers.schedule(this.timerKey(pod, container), timing.podStepMs / 2, () => {
      const current = this.getPod(pod.metadata.namespace ?? "default", pod.metadata.name, pod.metadata.uid);
      if (current) this.crashBackOff(current, container);
    });
  }

  private terminatedNow(
    pod: PodObject,
    container: ContainerSpec,
    state: ContainerRuntime,
    exitCode: number,
    reason: string,
  ): TerminatedState {
    return {
      exitCode,
      reason,
      ...(state.startedAt === undefined ? {} : { startedAt: state.startedAt }),
      finishedAt: now(),
      containerID: containerId(pod, container, state.restarts),
    };
  }

  private crashBackOff(pod: PodObject, container: ContainerSpec): void {
    const { events, timers, timing } = this.context;
    const state = this.containerState(pod, container);
    if (!state) return;
    const fieldPath = `spec.containers{${container.name}}`;
    state.phase = "crashBackOff";
    state.lastTerminated = state.terminated;
    state.terminated = undefined;
    const { namespace = "default", name, uid } = pod.metadata;
    events.record(
      pod,
      "Warning",
      "BackOff",
      `Back-off restarting failed container ${container.name} in pod ${name}_${namespace}(${uid})`,
      KUBELET,
      fieldPath,
    );
    this.writeStatus(pod);
    timers.schedule(this.timerKey(pod, container), timing.pullBackOffMs(state.restarts), () => {
      const current = this.getPod(namespace, name, uid);
      const restarting = current && this.containerState(current, container);
      if (!current || !restarting) return;
      restarting.restarts += 1;
      events.record(
        current,
        "Normal",
        "Pulled",
        `Container image "${container.image}" already present on machine`,
        KUBELET,
        fieldPath,
      );
      this.start(current, container);
    });
  }

  private backOff(pod: PodObject, container: ContainerSpec): void {
    const { events, timers, timing } = this.context;
    const state = this.containerState(pod, container);
    if (!state) return;
    const fieldPath = `spec.containers{${container.name}}`;
    state.phase = "pullBackOff";
    events.record(
      pod,
      "Normal",
      "BackOff",
      `Back-off pulling image "${container.image}"`,
      KUBELET,
      fieldPath,
    );
    events.record(pod, "Warning", "Failed", "Error: ImagePullBackOff", KUBELET, fieldPath);
    this.writeStatus(pod);
    timers.schedule(this.timerKey(pod, container), timing.pullBackOffMs(state.pullAttempts - 1), () => {
      const current = this.getPod(pod.metadata.namespace ?? "default", pod.metadata.name, pod.metadata.uid);
      if (current) this.pull(current, container);
    });
  }

  private containerState(pod: PodObject, container: ContainerSpec): ContainerRuntime | undefined {
    return this.pods.get(pod.metadata.uid)?.containers.get(container.name);
  }

  private timerKey(pod: PodObject, container: ContainerSpec): string {
    return `kubelet:${pod.metadata.uid}:${container.name}`;
  }

  /** Derives the whole pod status from the runtime's view of its containers, like the kubelet's status manager. */
  private writeStatus(pod: PodObject): void {
    const runtime = this.pods.get(pod.metadata.uid);
    if (!runtime) return;
    const statuses = pod.spec.containers.map((container) =>
      containerStatus(pod, container, runtime.containers.get(container.name)),
    );
    const unready = statuses.filter((status) => !status.ready).map((status) => status.name);
    // A pod whose containers have all started once stays Running while they restart (restartPolicy Always).
    const allStarted = pod.spec.containers.every(
      (container) => runtime.containers.get(container.name)?.startedAt !== undefined,
    );
    const finished = finishedPhase(pod, runtime);
    const notReady =
      finished === undefined
        ? { reason: "ContainersNotReady", message: `containers with unready status: [${unready.join(" ")}]` }
        : { reason: finished === "Succeeded" ? "PodCompleted" : "PodFailed" };
    let conditions = pod.status?.conditions;
    conditions = setCondition(conditions, { type: "PodReadyToStartContainers", status: "True" });
    conditions = setCondition(conditions, { type: "Initialized", status: "True" });
    for (const type of ["Ready", "ContainersReady"]) {
      conditions = setCondition(
        conditions,
        unready.length === 0 ? { type, status: "True" } : { type, status: "False", ...notReady },
      );
    }
    conditions = setCondition(conditions, { type: "PodScheduled", status: "True" });
    const status: PodStatus = {
      phase: finished ?? (allStarted ? "Running" : "Pending"),
      conditions: conditions.map((condition) => ({ lastProbeTime: null, ...condition })),
      hostIP: NODE_IP,
      hostIPs: [{ ip: NODE_IP }],
      podIP: runtime.podIP,
      podIPs: [{ ip: runtime.podIP }],
      startTime: runtime.startTime,
      containerStatuses: statuses,
      qosClass: qosClass(pod.spec.containers),
    };
    this.context.store.updateStatus("pods", pod.metadata.namespace, pod.metadata.name, status);
  }

  private allocateAddress(): string {
    const index = this.nextAddress++ % 65_000;
    return `10.244.${Math.floor(index / 250)}.${(index % 250) + 2}`;
  }
}

function containerStatus(
  pod: PodObject,
  container: ContainerSpec,
  runtime: ContainerRuntime | undefined,
): ContainerStatus {
  const phase = runtime?.phase ?? "creating";
  const lastTerminated = runtime?.lastTerminated;
  const base = {
    name: container.name,
    lastState: lastTerminated === undefined ? {} : { terminated: lastTerminated },
    restartCount: runtime?.restarts ?? 0,
    image: container.image,
    imageID: "",
  };
  const ran = { image: normalizeImage(container.image), imageID: imageId(container.image) };
  switch (phase) {
    case "creating":
      return { ...base, state: { waiting: { reason: "ContainerCreating" } }, ready: false, started: false };
    case "pullError":
      return {
        ...base,
        state: { waiting: { reason: "ErrImagePull", message: pullFailureMessage(container.image) } },
        ready: false,
        started: false,
      };
    case "pullBackOff":
      return {
        ...base,
        state: {
          waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${container.image}"` },
        },
        ready: false,
        started: false,
      };
    case "exited":
    case "completed":
      return {
        ...base,
        ...ran,
        ...optionalContainerId(runtime?.terminated?.containerID),
        state: { terminated: runtime?.terminated ?? { exitCode: 1, reason: "Error" } },
        ready: false,
        started: false,
      };
    case "crashBackOff":
      return {
        ...base,
        ...ran,
        state: {
          waiting: {
            reason: "CrashLoopBackOff",
            message: `back-off ${crashBackOffText(runtime?.restarts ?? 0)} restarting failed container=${container.name} pod=${pod.metadata.name}_${pod.metadata.namespace ?? "default"}(${pod.metadata.uid})`,
          },
        },
        ready: false,
        started: false,
      };
    case "running":
    case "ready":
      return {
        ...base,
        ...ran,
        containerID: containerId(pod, container, runtime?.restarts ?? 0),
        state: { running: { startedAt: runtime?.startedAt ?? now() } },
        ready: phase === "ready",
        started: true,
      };
  }
}

/** Pods that run to completion (a Job's): restartPolicy Never or OnFailure. */
function runsToCompletion(pod: PodObject): boolean {
  return pod.spec.restartPolicy === "Never" || pod.spec.restartPolicy === "OnFailure";
}

/**
 * Succeeded once every container completed; Failed once one exited with an error that is not restarted
 * (restartPolicy Never) and none still runs; undefined while the pod is not done.
 */
function finishedPhase(pod: PodObject, runtime: PodRuntime): "Succeeded" | "Failed" | undefined {
  if (!runsToCompletion(pod)) return undefined;
  const phases = pod.spec.containers.map((container) => runtime.containers.get(container.name)?.phase);
  if (phases.every((phase) => phase === "completed")) return "Succeeded";
  const over = phases.every((phase) => phase === "completed" || phase === "exited");
  return over && pod.spec.restartPolicy === "Never" ? "Failed" : undefined;
}

/** Each start of a container is a new container with its own id, as in containerd. */
function containerId(pod: PodObject, container: ContainerSpec, restarts: number): string {
  // The first instance keeps the id it always had, so that logs and snapshots of running pods read as before.
  const instance = restarts === 0 ? "" : `/${restarts}`;
  return `containerd://${sha256Hex(`${pod.metadata.uid}/${container.name}${instance}`)}`;
}

function optionalContainerId(id: string | undefined): { containerID?: string } {
  return id === undefined ? {} : { containerID: id };
}

/** The kubelet's crash back-off as it words it: 10 s doubling per restart up to 5 min ("10s", "1m20s", "5m0s"). */
function crashBackOffText(restarts: number): string {
  const seconds = Math.min(10 * 2 ** restarts, 300);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

/** The pod's QoS class from its containers' requests and limits, as the API server computes it. */
function qosClass(containers: ContainerSpec[]): string {
  const resources = containers.map((container) => container.resources ?? {});
  const any = resources.some(
    (r) => Object.keys(r.requests ?? {}).length > 0 || Object.keys(r.limits ?? {}).length > 0,
  );
  if (!any) return "BestEffort";
  const guaranteed = resources.every(
    (r) =>
      ["cpu", "memory"].every((name) => r.limits?.[name] !== undefined) &&
      Object.entries(r.requests ?? {}).every(([name, value]) => r.limits?.[name] === value),
  );
  return guaranteed ? "Guaranteed" : "Burstable";
}
