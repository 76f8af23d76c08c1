// Synthetic container logs. A running container's log is a few start-up lines at its start time, then one line per
// second since (only the latest 1000 are kept, like a rotated log file). Line i of a container is a pure function of
// the pod name, the container name and i, so the same log reads the same every time and `follow` simply continues it.
// Containers of crashing images (crash.example) print a few start-up lines ending in an error and nothing more; a
// container that exited is read up to its end, and `previous` reads the instance before the current one.
import { PodLogError, type ObjectStore, type PodLogOptions } from "../contract.js";
import { crashesOnStart, sha256Hex } from "./images.js";
import type { ContainerSpec, PodObject, TerminatedState } from "./types.js";

const LINE_INTERVAL_MS = 1000;
const HISTORY_LIMIT = 1000;

/** Requests a small web service sees, with how often each occurs (method, path, status). */
const REQUESTS: [string, string, number][] = [
  ...Array.from({ length: 6 }, (): [string, string, number] => ["GET", "/healthz", 200]),
  ...Array.from({ length: 4 }, (): [string, string, number] => ["GET", "/", 200]),
  ["GET", "/index.html", 200],
  ["GET", "/static/app.js", 304],
  ["GET", "/static/app.css", 304],
  ["GET", "/favicon.ico", 404],
  ["GET", "/api/items", 200],
  ["GET", "/api/items", 200],
  ["GET", "/api/items/42", 200],
  ["POST", "/api/items", 201],
  ["PUT", "/api/items/42", 200],
  ["DELETE", "/api/items/7", 204],
  ["GET", "/api/users/me", 401],
  ["GET", "/api/report", 500],
];
const AGENTS = ["kube-probe/1.32", "Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5.0", "Go-http-client/1.1"];

interface ContainerLog {
  startedAtMs: number;
  /** Where in its second line `index` falls, in ms, so timestamps look measured rather than ticked. */
  offsetMs: (index: number) => number;
  startup: string[];
  line: (index: number, atMs: number) => string;
  /** The container wrote only its start-up lines (it crashed), or it exited at this time: the log ends there. */
  endsAfterStartup: boolean;
  finishedAtMs?: number;
}

/** A deterministic pseudo-random pick for one line. */
function pick<T>(seed: string, offset: number, choices: T[]): T {
  return choices[Number.parseInt(seed.slice(offset * 4, offset * 4 + 4), 16) % choices.length]!;
}

function commonLogTime(ms: number): string {
  const date = new Date(ms);
  const month = date.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${pad(date.getUTCDate())}/${month}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

function nginxTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace("T", " ")
    .replace(/-/g, "/")
    .replace(/\.\d{3}Z$/, "");
}

/** nginx images log like nginx (entrypoint banner, then access log lines); everything else like a small web app. */
function containerLog(pod: PodObject, container: ContainerSpec, startedAtMs: number): ContainerLog {
  const seedOf = (index: number) => sha256Hex(`${pod.metadata.name}/${container.name}/${index}`);
  const iso = (ms: number) => new Date(ms).toISOString();
  if (crashesOnStart(container.image)) {
    return {
      startedAtMs,
      offsetMs: () => 0,
      startup: [
        `${iso(startedAtMs)} INFO  starting ${container.name} (image ${container.image})`,
        `${iso(startedAtMs)} INFO  configuration loaded from environment`,
        `${iso(startedAtMs)} INFO  connecting to database at db:5432`,
        `${iso(startedAtMs)} ERROR dial tcp 10.96.0.15:5432: connect: connection refused`,
        `${iso(startedAtMs)} FATAL cannot start without a database, exiting with status 1`,
      ],
      line: () => "",
      endsAfterStartup: true,
    };
  }
  const offsetMs = (index: number) => Number.parseInt(seedOf(index).slice(28, 32), 16) % 900;
  const port = container.ports?.[0]?.containerPort ?? 8080;
  const repository = container.image.replace(/@.*$/, "").replace(/:[^/]*$/, "");
  if (repository.split("/").at(-1)?.includes("nginx")) {
    const at = nginxTime(startedAtMs);
    return {
      startedAtMs,
      offsetMs,
      startup: [
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
        "/docker-entrypoint.sh: Configuration complete; ready for start up",
        `${at} [notice] 1#1: using the "epoll" event method`,
        `${at} [notice] 1#1: start worker processes`,
      ],
      line: (index, atMs) => {
        const seed = seedOf(index);
        const client = `10.244.0.${(Number.parseInt(seed.slice(0, 2), 16) % 250) + 2}`;
        const bytes = Number.parseInt(seed.slice(20, 24), 16) % 9000;
        const [method, path, status] = pick(seed, 1, REQUESTS);
        return `${client} - - [${commonLogTime(atMs)}] "${method} ${path} HTTP/1.1" ${status} ${status === 204 || status === 304 ? 0 : bytes} "-" "${pick(seed, 4, AGENTS)}" "-"`;
      },
      endsAfterStartup: false,
    };
  }
  return {
    startedAtMs,
    offsetMs,
    startup: [
      `${iso(startedAtMs)} INFO  starting ${container.name} (image ${container.image})`,
      `${iso(startedAtMs)} INFO  configuration loaded from environment`,
      `${iso(startedAtMs)} INFO  listening on 0.0.0.0:${port}`,
    ],
    line: (index, atMs) => {
      const seed = seedOf(index);
      const [method, path, status] = pick(seed, 1, REQUESTS);
      const level = status >= 500 ? "ERROR" : status >= 400 ? "WARN " : "INFO ";
      const millis = (Number.parseInt(seed.slice(24, 28), 16) % (status >= 500 ? 3000 : 120)) + 1;
      return `${iso(atMs)} ${level} ${method} ${path} ${status} ${millis}ms`;
    },
    endsAfterStartup: false,
  };
}

/** When line `index` was written. */
function lineTime(log: ContainerLog, index: number): number {
  const extra = index - log.startup.length;
  // Start-up lines come a few milliseconds apart; later ones once per second, each somewhere in its second.
  if (extra < 0) return log.startedAtMs + index * 3;
  return log.startedAtMs + (extra + 1) * LINE_INTERVAL_MS + log.offsetMs(index);
}

/** How many lines exist at `atMs`: the start-up lines, plus one per whole second, minus one not yet due in this one. */
function lineCount(log: ContainerLog, until: number): number {
  if (log.endsAfterStartup) return log.startup.length;
  const atMs = Math.min(until, log.finishedAtMs ?? until);
  let count = log.startup.length + Math.max(0, Math.floor((atMs - log.startedAtMs) / LINE_INTERVAL_MS));
  if (count > log.startup.length && lineTime(log, count - 1) > atMs) count -= 1;
  return count;
}

function formatLine(log: ContainerLog, index: number, timestamps: boolean): string {
  const at = lineTime(log, index);
  const text = index < log.startup.length ? log.startup[index]! : log.line(index, at);
  // The kubelet's RFC3339Nano prefix.
  return `${timestamps ? new Date(at).toISOString().replace("Z", "000000Z") + " " : ""}${text}\n`;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts; the timer never keeps the process alive. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    timer.unref();
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** The container a log request means, or the API server's 400 for an ambiguous or unknown one. */
function chooseContainer(pod: PodObject, requested: string | undefined): ContainerSpec {
  const containers = pod.spec.containers;
  const name =
    requested ??
    pod.metadata.annotations?.["kubectl.kubernetes.io/default-container"] ??
    (containers.length === 1 ? containers[0]!.name : undefined);
  if (name === undefined) {
    throw new PodLogError(
      `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.map((c) => c.name).join(" ")}]`,
    );
  }
  const container = containers.find((candidate) => candidate.name === name);
  if (!container) throw new PodLogError(`container ${name} is not valid for pod ${pod.metadata.name}`);
  return container;
}

/** The instance of a container a log request reads: the running one or one that exited (with its end). */
interface Instance {
  startedAtMs: number;
  finishedAtMs?: number;
}

function exitedInstance(terminated: TerminatedState): Instance {
  const finishedAtMs = Date.parse(terminated.finishedAt ?? "");
  const startedAtMs = Date.parse(terminated.startedAt ?? "");
  return {
    startedAtMs: Number.isNaN(startedAtMs) ? finishedAtMs : startedAtMs,
    finishedAtMs,
  };
}

/**
 * Which container instance a log request reads, or the kubelet's error where there is none (validateContainerLogStatus):
 * `previous` reads lastState.terminated; otherwise the running container, else the one that exited last.
 */
function chooseInstance(pod: PodObject, container: ContainerSpec, previous: boolean): Instance {
  const status = pod.status?.containerStatuses?.find((candidate) => candidate.name === container.name);
  const lastTerminated = status?.lastState.terminated;
  if (previous) {
    if (lastTerminated?.containerID === undefined) {
      throw new PodLogError(
        `previous terminated container "${container.name}" in pod "${pod.metadata.name}" not found`,
      );
    }
    return exitedInstance(lastTerminated);
  }
  const running = status?.state.running;
  if (running) return { startedAtMs: Date.parse(running.startedAt) };
  const terminated = status?.state.terminated ?? lastTerminated;
  if (terminated !== undefined) {
    if (terminated.containerID === undefined)
      throw new PodLogError(`container "${container.name}" in pod "${pod.metadata.name}" is terminated`);
    return exitedInstance(terminated);
  }
  const prefix = `container "${container.name}" in pod "${pod.metadata.name}" is waiting to start`;
  const reason = status?.state.waiting?.reason ?? "ContainerCreating";
  if (reason === "ImagePullBackOff") throw new PodLogError(`${prefix}: trying and failing to pull image`);
  if (reason === "ErrImagePull") throw new PodLogError(`${prefix}: image can't be pulled`);
  throw new PodLogError(`${prefix}: ${reason}`);
}

export function podLog(
  store: ObjectStore,
  namespace: string,
  name: string,
  options: PodLogOptions,
  signal: AbortSignal,
): AsyncIterable<string> | undefined {
  const pod = store.get("pods", namespace, name) as PodObject | undefined;
  if (!pod) return undefined;
  const container = chooseContainer(pod, options.container);
  const instance = chooseInstance(pod, container, options.previous ?? false);
  const log = {
    ...containerLog(pod, container, instance.startedAtMs),
    ...(instance.finishedAtMs === undefined ? {} : { finishedAtMs: instance.finishedAtMs }),
  };
  const uid = pod.metadata.uid;
  const stillRunning = () => {
    // An instance that exited has nothing more to say, and a crashing container stops after its start-up lines.
    if (instance.finishedAtMs !== undefined || log.endsAfterStartup) return false;
    const current = store.get("pods", namespace, name) as PodObject | undefined;
    if (current?.metadata.uid !== uid || current.metadata.deletionTimestamp !== undefined) return false;
    return (
      current.status?.containerStatuses?.some(
        (status) => status.name === container.name && status.state.running,
      ) ?? false
    );
  };
  const timestamps = options.timestamps ?? false;

  async function* lines(): AsyncGenerator<string> {
    const now = Date.now();
    const total = lineCount(log, now);
    let first = Math.max(0, total - HISTORY_LIMIT);
    const since =
      options.sinceTimeMs ??
      (options.sinceSeconds === undefined ? undefined : now - options.sinceSeconds * 1000);
    if (since !== undefined) {
      while (first < total && lineTime(log, first) < since) first++;
    }
    if (options.tailLines !== undefined) first = Math.max(first, total - options.tailLines);
    for (let index = first; index < total; index++) yield formatLine(log, index, timestamps);
    if (!options.follow) return;
    // Wake up as soon as the pod goes, not at the next line.
    const gone = new AbortController();
    const unsubscribe = store.subscribe((event) => {
      if (event.resource === "pods" && event.object.metadata.uid === uid && !stillRunning()) gone.abort();
    });
    const wake = AbortSignal.any([signal, gone.signal]);
    try {
      for (let index = total; ; index++) {
        if (!(await sleep(Math.max(0, lineTime(log, index) - Date.now()), wake))) return;
        if (!stillRunning()) return;
        yield formatLine(log, index, timestamps);
      }
    } finally {
      unsubscribe();
    }
  }
  return lines();
}
