/**
 * The simulated cluster behind the kube-sandbox API server: kube-controller-manager's Deployment, ReplicaSet,
 * CronJob, Job, endpoints, garbage-collector, HPA and resource quota controllers, a cloud load balancer, and the scheduler, kubelet and
 * metrics-server of one node called `sandbox-node`. They react to store changes on the next turn of the event loop and
 * to unref'd timers; nothing runs in between and `stop()` cancels everything.
 *
 * ## Rules
 * - **Timing.** Everything scales with `readyDelayMs` (default 1000). A new pod is bound at once and `Pending`
 *   (`ContainerCreating`) for readyDelayMs/2, then `Running` but not ready for readyDelayMs/2, then Ready (and
 *   available: `minReadySeconds` is not simulated). `0` still goes through the event loop.
 * - **Images that cannot be pulled.** Any image from the registry host `invalid.example` (any port, e.g.
 *   `invalid.example/app:1`) does not exist. Its container waits with reason `ErrImagePull`, then `ImagePullBackOff`,
 *   alternating like the kubelet with a back-off doubling from max(readyDelayMs, 100 ms) up to 16× that; the pod stays
 *   `Pending` and the kubelet records Warning Events (`Failed`: `Failed to pull image "…": … not found`,
 *   `Error: ErrImagePull`, `Error: ImagePullBackOff`) and Normal `BackOff` Events. Every other image pulls.
 * - **Containers that crash.** Any image from the registry host `crash.example` (e.g. `crash.example/app:1`) pulls,
 *   starts, prints a few start-up lines ending in an `ERROR` and a `FATAL` line, and exits with code 1 (reason
 *   `Error`) readyDelayMs/2 after it started; it is never ready. The kubelet then reports waiting reason
 *   `CrashLoopBackOff` (message `back-off 10s restarting failed container=web pod=<pod>_<ns>(<uid>)`, the 10 s
 *   doubling per restart up to 5m0s), `lastState.terminated` with exit code, times and container id, and a Warning
 *   `BackOff` Event (`Back-off restarting failed container web in pod …`); after the image pull back-off (see above)
 *   it starts the container again (`restartCount` + 1, Normal `Pulled`: `Container image "…" already present on
 *   machine`, `Created`, `Started`). The pod stays `Running` (restartPolicy Always).
 * - **Progress deadline.** Sandbox seconds are 20× faster than real ones at the default readyDelayMs: a deadline is
 *   `progressDeadlineSeconds × readyDelayMs / 20` ms (default 600 s → 30 s), never less than 3 × readyDelayMs nor
 *   100 ms. A rollout with no progress for that long gets `Progressing=False`, reason `ProgressDeadlineExceeded`, and
 *   `kubectl rollout status` fails with "exceeded its progress deadline".
 * - **Deployments.** ReplicaSets are named `<deployment>-<pod-template-hash>` (10 characters, stable per template);
 *   RollingUpdate honours maxSurge/maxUnavailable (without proportional scaling of several old ReplicaSets),
 *   Recreate scales old ReplicaSets to zero before the new one scales up, a paused Deployment only scales, a
 *   template seen before reuses its ReplicaSet (rollback, `kubectl rollout undo`) and old ReplicaSets are kept up to
 *   revisionHistoryLimit (default 10).
 * - **HorizontalPodAutoscalers** report current metrics from the synthetic usage and keep the target's replicas within
 *   [minReplicas, maxReplicas], but never scale on load: desiredReplicas is the current count clamped to the bounds.
 *   Utilization needs requests on every container, as on a real cluster. Metrics are re-read every 15 s.
 * - **Metrics** (`kubectl top pod`) exist for Running pods only: per container, a stable level from the pod's uid
 *   (10–40 % of the CPU request and 30–60 % of the memory request, or a few millicores and 24–120 MiB without
 *   requests) with a slow ±15 % wave over 10 minutes; values change once per 15 s scrape.
 * - **Logs** are synthetic: nginx images print the nginx entrypoint banner and access-log lines, other images a
 *   small web app's request log; start-up lines, then one line per second since the container started (the last 1000
 *   are kept), identical on every read for a given pod name. A container that has not started answers like the API
 *   server (400: `container "web" in pod "x" is waiting to start: trying and failing to pull image`). A container that
 *   exited (a crash) is read up to its end; `previous=true` reads the instance before the current one
 *   (`lastState.terminated`), or answers 400 `previous terminated container "web" in pod "x" not found`.
 * - **Services** of type LoadBalancer get `status.loadBalancer.ingress: [{ ip: "127.0.0.1" }]` after readyDelayMs;
 *   every Service with a selector gets an Endpoints object and EndpointSlices (discovery.k8s.io/v1) with the matching
 *   pods' IPs (10.244.x.y), ready or not.
 * - **Admission** (src/admission) runs on every create and update through the HTTP API and on the ReplicaSet
 *   controller's pod creates, as the kube-apiserver's plugins do. Pod defaulting first gives a container with a limit
 *   and no request its limit as request. LimitRanger (pods, on create): each LimitRange's `Container` items fill
 *   missing requests and limits from `defaultRequest`/`default` (default falls back to max, defaultRequest to default
 *   then min, as the API server stores them), annotate the pod `kubernetes.io/limit-ranger: LimitRanger plugin set: …`,
 *   then refuse a container outside min/max/maxLimitRequestRatio (403: `pods "x" is forbidden: maximum cpu usage per
 *   Container is 2, but limit is 4`). ResourceQuota (last): every quota of the namespace, in name order, that tracks
 *   something the object uses; pods on create (cpu, memory, requests.*, limits.*, ephemeral-storage, hugepages, pods,
 *   count/pods), Services on create and update (services, services.loadbalancers, services.nodeports), any other
 *   kind by `count/<resource>[.<group>]` (configmaps, secrets… also by their bare names). A pod missing a tracked
 *   cpu/memory figure: `failed quota: compute: must specify limits.memory for: web`; over a hard figure: `exceeded
 *   quota: compute, requested: requests.cpu=500m, used: requests.cpu=4, limited: requests.cpu=4` (403 Forbidden,
 *   quantities printed canonically). Usage is read from the stored objects at the time, so it is never stale;
 *   Succeeded/Failed pods hold no compute quota. Quota scopes and scopeSelector are not simulated (a scoped quota
 *   counts every object). Dry runs are admitted too.
 * - **Quota status.** The resource quota controller keeps each ResourceQuota's `status.hard` (the spec's) and
 *   `status.used` (every hard resource, "0" when unused) current after each change in its namespace.
 * - **Refused pod creates.** The ReplicaSet controller stops a pass at the first refused create and records a Warning
 *   `FailedCreate` Event on the ReplicaSet (`Error creating: <the 403 message>`); the ReplicaSet gets the condition
 *   `ReplicaFailure` (True, reason FailedCreate, the message; set once, kept while refusals go on, removed after a pass
 *   with none) and the Deployment mirrors it (the new ReplicaSet's first). It tries again on any change of its pods
 *   and after a back-off doubling from max(readyDelayMs, 100 ms) up to 16× that, so raising the quota or lowering the
 *   replicas lets the rollout finish.
 * - **Protobuf bodies.** Creates and updates (of objects and of their status/scale) also take
 *   `application/vnd.kubernetes.protobuf` bodies of the built-in kinds, as kubectl's typed commands (`kubectl create
 *   deployment`, `create namespace/configmap/secret`) send them; they are decoded into the JSON the client would have
 *   sent and go the JSON way (src/server/protobuf.ts says how). Answers stay JSON. Other media types: 415 with the
 *   accepted ones.
 * - **Garbage collection** is background cascading deletion through ownerReferences: deleting a Deployment removes
 *   its ReplicaSets, then their pods (orphaned ReplicaSets are not adopted again). Controllers create nothing in a
 *   namespace that is being deleted. Events expire after an hour.
 * - **CronJobs and Jobs** (cronjob-controller.ts, job-controller.ts; the README says what is simulated): a CronJob
 *   starts a Job `<cronjob>-<scheduled minutes since the epoch>` at each time of its schedule (or when a test calls
 *   runCronJobNow), honouring concurrencyPolicy, suspend and history limits; a Job's pods (restartPolicy Never or
 *   OnFailure) complete readyDelayMs after they start, or fail for crash images until backoffLimit fails the Job.
 * - **Volume claims** are Bound as soon as they are stored, with the capacity they request; a claim without a storage
 *   class gets the simulated default one ("standard") at create, as with the DefaultStorageClass admission plugin.
 *   No volume object is made and pods mount nothing.
 * - **Stored only.** StatefulSets are validated and stored (so BabyHelm's install manifests apply), but no controller
 *   acts on them: a StatefulSet makes no pods.
 * - **Authentication and RBAC** are the API server's, not the simulation's: the admin token is never refused,
 *   ServiceAccount tokens are judged by RBAC as src/server/authorization.ts describes. Controllers act as the
 *   system and are never judged.
 */
import type { ObjectStore, PodMetrics, Simulation, StartSimulation, StoreEvent } from "../contract.js";
import { findResource } from "../resources.js";
import { Timing, type Controller, type ControllerContext } from "./context.js";
import { CronJobController } from "./cronjob-controller.js";
import { DeploymentController } from "./deployment-controller.js";
import { EndpointsController } from "./endpoints-controller.js";
import { EventRecorder } from "./events.js";
import { GarbageCollector } from "./garbage-collector.js";
import { HpaController } from "./hpa-controller.js";
import { OwnerIndex } from "./indexes.js";
import { JobController } from "./job-controller.js";
import { Kubelet, NODE_IP, NODE_NAME } from "./kubelet.js";
import { podLog } from "./logs.js";
import { podMetrics } from "./metrics.js";
import { QuotaController } from "./quota-controller.js";
import { ReplicaSetController } from "./replicaset-controller.js";
import { Timers, WorkQueue } from "./runtime.js";
import { ServiceController } from "./service-controller.js";
import { copyFreeView } from "./store-view.js";
import { VolumeClaimController } from "./volume-claim-controller.js";

const DEFAULT_READY_DELAY_MS = 1000;

/** Registers the simulated node (when the server serves Nodes) so `kubectl get nodes` has something to show. */
function registerNode(store: ObjectStore): void {
  if (!findResource("", "v1", "nodes") || store.get("nodes", undefined, NODE_NAME)) return;
  store.create("nodes", {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: NODE_NAME,
      labels: {
        "kubernetes.io/hostname": NODE_NAME,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
      },
    },
    spec: {},
    status: {
      capacity: { cpu: "4", memory: "16384Mi", pods: "110", "ephemeral-storage": "100Gi" },
      allocatable: { cpu: "4", memory: "16384Mi", pods: "110", "ephemeral-storage": "100Gi" },
      conditions: [
        { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" },
      ],
      addresses: [
        { type: "InternalIP", address: NODE_IP },
        { type: "Hostname", address: NODE_NAME },
      ],
      nodeInfo: {
        kubeletVersion: "v1.32.0",
        containerRuntimeVersion: "containerd://1.7.0",
        osImage: "kube-sandbox (simulated)",
        kernelVersion: "none",
        operatingSystem: "linux",
        architecture: "amd64",
      },
    },
  });
}

export const startSimulation: StartSimulation = (sharedStore, options): Simulation => {
  const store = copyFreeView(sharedStore);
  const timers = new Timers();
  const queue = new WorkQueue(timers);
  const owners = new OwnerIndex();
  const context: ControllerContext = {
    store,
    owners,
    timing: new Timing(Math.max(0, options.readyDelayMs ?? DEFAULT_READY_DELAY_MS)),
    timers,
    events: new EventRecorder(store, timers),
    enqueue: (key, work) => {
      queue.add(key, work);
    },
  };
  const cronJobs = new CronJobController(context);
  const controllers: Controller[] = [
    new GarbageCollector(context),
    new DeploymentController(context),
    new ReplicaSetController(context),
    cronJobs,
    new JobController(context),
    new Kubelet(context),
    new EndpointsController(context),
    new ServiceController(context),
    new HpaController(context),
    new QuotaController(context),
    new VolumeClaimController(context),
  ];
  const unsubscribe = store.subscribe((event: StoreEvent) => {
    // Events are the controllers' own output; nothing reacts to them.
    if (event.resource === "events") return;
    owners.observe(event);
    for (const controller of controllers) controller.observe(event);
  });
  registerNode(store);
  owners.resync(store, ["replicasets", "jobs", "pods"]);
  for (const controller of controllers) controller.resync();
  const stopped = new AbortController();

  return {
    podLog: (namespace, pod, logOptions, signal) =>
      podLog(sharedStore, namespace, pod, logOptions, AbortSignal.any([signal, stopped.signal])),
    podMetrics: (namespace, name, labelSelector): PodMetrics[] =>
      podMetrics(sharedStore, namespace, name, labelSelector),
    runCronJobNow: (namespace, name) => cronJobs.runNow(namespace, name),
    stop: () => {
      unsubscribe();
      stopped.abort();
      queue.stop();
      timers.stop();
    },
  };
};
