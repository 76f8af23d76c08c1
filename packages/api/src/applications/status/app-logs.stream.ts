// An app's logs as one stream: the last lines of each of its pods, then (with follow) their new lines as they come,
// including pods that start later (a restart, a rollout, a scale-up), until the client leaves.
import { tracked, TRPCError, type TrackedEnvelope } from "@trpc/server";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { ClusterError, type Cluster } from "../../cluster/cluster.js";
import { appPods, type AppPods } from "../../metrics/app-pods.js";
import type { Services } from "../../services.js";
import { Wakeup } from "../../shared/wakeup.js";
import { LogCursor } from "./log-cursor.js";

export interface LogLine {
  pod: string;
  line: string;
  /** A line from BabyHelm about the stream (a pod without logs yet, a pod gone), not from the app. */
  notice?: true;
  /** When BabyHelm wrote a notice. */
  at?: string;
}

export interface LogOptions {
  /** Only this pod (one of the app's). */
  pod?: string | undefined;
  /** Lines of history per pod. */
  tail: number;
  follow: boolean;
  /** The logs of each pod's previous container (the one that crashed): read once, never followed. */
  previous?: boolean;
  /** The id of the last event a client got before it lost the stream: the stream resumes after it. */
  lastEventId?: string | undefined;
}

/** An event of the stream: a line, with the stream's position after it as its id. */
export type TrackedLine = TrackedEnvelope<LogLine>;

/** A line on its way to the client, with the kubelet's time of it (what the cursor records once it is sent). */
interface Read {
  event: LogLine;
  at?: string | undefined;
}

/** Lines read ahead of a slow client, across all pods; then the pods' streams wait (and TCP pushes back). */
const QUEUE_LIMIT = 1000;
/** Without a change in the cache the pods are looked at again this often anyway (a safety net, from memory). */
const RECHECK_MS = 5_000;

export async function* streamAppLogs(
  { cluster, clusterState }: Pick<Services, "cluster" | "clusterState">,
  manifests: readonly KubernetesObject[],
  options: LogOptions,
  signal: AbortSignal,
): AsyncGenerator<TrackedLine> {
  // The router checked the id's form.
  const cursor =
    (options.lastEventId === undefined ? undefined : LogCursor.parse(options.lastEventId)) ?? new LogCursor();
  for await (const { event, at } of lines({ cluster, clusterState }, manifests, options, cursor, signal)) {
    if (at !== undefined) cursor.deliver(event.pod, at);
    yield tracked(cursor.toString(), event);
  }
}

async function* lines(
  { cluster, clusterState }: Pick<Services, "cluster" | "clusterState">,
  manifests: readonly KubernetesObject[],
  options: LogOptions,
  cursor: LogCursor,
  signal: AbortSignal,
): AsyncGenerator<Read> {
  const pods = appPods(manifests);
  if (pods === undefined) return;
  const wanted = (pod: KubernetesObject) =>
    pods.selects(pod.metadata.labels) && (options.pod === undefined || pod.metadata.name === options.pod);
  const listed = await clusterState.list("v1", "Pod", {
    namespace: pods.namespace,
    labelSelector: pods.labelSelector,
  });
  if (options.pod !== undefined && !listed.some(wanted)) {
    const names = listed.filter((pod) => pods.selects(pod.metadata.labels)).map((pod) => pod.metadata.name);
    throw new TRPCError({
      code: "NOT_FOUND",
      message: `No pod named "${options.pod}" runs this app${names.length === 0 ? " (it has no pods now)" : ` (its pods: ${names.join(", ")})`}.`,
    });
  }

  const previous = options.previous ?? false;
  if (!options.follow || previous) {
    for (const pod of listed.filter(wanted).sort(byName)) {
      yield* readOnce(cluster, pods, pod.metadata.name, { tail: options.tail, previous }, cursor, signal);
    }
    return;
  }
  yield* follow({ cluster, clusterState }, pods, wanted, options.tail, options.pod, cursor, signal);
}

/**
 * One request for `pod`'s log: its last `tail` lines, or, once the stream has delivered some of them (before a
 * reconnect, or before the container was replaced), every line after those.
 */
async function* readPod(
  cluster: Cluster,
  pods: AppPods,
  pod: string,
  options: { tail: number; follow?: boolean; previous?: boolean },
  cursor: LogCursor,
  signal: AbortSignal,
): AsyncGenerator<Read> {
  const sinceTime = cursor.sinceTime(pod);
  const fresh = cursor.reader(pod);
  for await (const raw of cluster.podLogs(
    pods.namespace,
    pod,
    {
      container: pods.mainContainer,
      timestamps: true,
      ...(sinceTime === undefined ? { tailLines: options.tail } : { sinceTime }),
      ...(options.follow === undefined ? {} : { follow: options.follow }),
      ...(options.previous === undefined ? {} : { previous: options.previous }),
    },
    signal,
  )) {
    const read = fresh(raw);
    if (read !== undefined) yield { event: { pod, line: read.line }, at: read.at };
  }
}

/** One pod's last lines, or a notice saying why it has none. */
async function* readOnce(
  cluster: Cluster,
  pods: AppPods,
  pod: string,
  { tail, previous }: { tail: number; previous: boolean },
  cursor: LogCursor,
  signal: AbortSignal,
): AsyncGenerator<Read> {
  try {
    yield* readPod(cluster, pods, pod, { tail, previous }, cursor, signal);
  } catch (error) {
    const reason = previous ? noPreviousReason(error) : noLogsReason(error);
    if (reason === undefined) throw error;
    yield notice(pod, reason);
  }
}

/**
 * Follows the app's pods in the cluster cache and streams each one's log from when it first runs (and again when its
 * container is replaced), merging all lines into one queue the generator drains. Only the logs themselves are
 * requests to the API server: the pods' comings and goings are the cache's.
 */
async function* follow(
  { cluster, clusterState }: Pick<Services, "cluster" | "clusterState">,
  pods: AppPods,
  wanted: (pod: KubernetesObject) => boolean,
  tail: number,
  onlyPod: string | undefined,
  cursor: LogCursor,
  signal: AbortSignal,
): AsyncGenerator<Read> {
  const stop = new AbortController();
  const onAbort = () => {
    stop.abort();
  };
  signal.addEventListener("abort", onAbort, { once: true });
  if (signal.aborted) stop.abort();
  const queue = new LineQueue(QUEUE_LIMIT);
  const readers = new Map<string, { running: boolean; instance: string | undefined; notice?: string }>();
  const tasks = new Set<Promise<void>>();

  const read = async (
    pod: string,
    state: { running: boolean; instance: string | undefined; notice?: string },
  ) => {
    try {
      for await (const read of readPod(cluster, pods, pod, { tail, follow: true }, cursor, stop.signal)) {
        if (!(await queue.push(read, stop.signal))) return;
      }
    } catch (error) {
      // A pod gone is announced by its DELETED event.
      if (stop.signal.aborted || (error instanceof ClusterError && error.kind === "not-found")) return;
      const reason = noLogsReason(error) ?? (error instanceof Error ? error.message : String(error));
      // The next change to the pod (its container starting) tries again.
      state.instance = undefined;
      if (state.notice !== reason) {
        state.notice = reason;
        await queue.push(notice(pod, reason), stop.signal);
      }
    } finally {
      state.running = false;
    }
  };

  const consider = (type: string, pod: KubernetesObject) => {
    const name = pod.metadata.name;
    if (!wanted(pod)) return;
    const state = readers.get(name) ?? { running: false, instance: undefined };
    readers.set(name, state);
    if (type === "DELETED") {
      readers.delete(name);
      cursor.forget(name);
      void queue.push(notice(name, "The pod is gone (it was replaced or deleted)."), stop.signal);
      // A stream of one pod has nothing more to show once it is gone: its successor has another name.
      if (onlyPod !== undefined) queue.finish();
      return;
    }
    const instance = containerInstance(pod, pods.mainContainer);
    // A log already read to its end belongs to a container that stopped: only its successor has new lines.
    if (state.running || (instance !== undefined && instance === state.instance)) return;
    state.running = true;
    state.instance = instance;
    const task = read(name, state);
    tasks.add(task);
    void task.finally(() => tasks.delete(task));
  };

  const changed = new Wakeup();
  const unsubscribe = clusterState.subscribe(pods.namespace, () => {
    changed.notify();
  });
  const watching = (async () => {
    /** Each pod as last considered: the cache replaces a pod's object when the pod changes. */
    const known = new Map<string, KubernetesObject>();
    try {
      while (!stop.signal.aborted) {
        const current = await clusterState.list("v1", "Pod", {
          namespace: pods.namespace,
          labelSelector: pods.labelSelector,
        });
        const present = new Set<string>();
        for (const pod of current) {
          const name = pod.metadata.name;
          present.add(name);
          if (known.get(name) === pod) continue;
          consider(known.has(name) ? "MODIFIED" : "ADDED", pod);
          known.set(name, pod);
        }
        for (const [name, pod] of known) {
          if (present.has(name)) continue;
          known.delete(name);
          consider("DELETED", pod);
        }
        await changed.wait(RECHECK_MS, stop.signal);
      }
    } catch (error) {
      if (!stop.signal.aborted) queue.fail(error);
    } finally {
      unsubscribe();
    }
  })();

  try {
    for (;;) {
      const next = await queue.take(stop.signal);
      if (next === undefined) return;
      yield next;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    stop.abort();
    // Every pod's log request ends with the stream: none stays open on the API server.
    await Promise.allSettled([watching, ...tasks]);
  }
}

/** Identifies one run of the app's container in a pod, so that a finished log is not read twice. */
function containerInstance(pod: KubernetesObject, container: string | undefined): string | undefined {
  const statuses = (pod as KubernetesObject & Pod).status?.containerStatuses ?? [];
  const status = statuses.find((candidate) => candidate.name === container) ?? statuses[0];
  const running = status?.state?.running;
  if (status !== undefined && running !== undefined) {
    return status.containerID ?? `${status.restartCount ?? 0}/${running.startedAt ?? ""}`;
  }
  // A container that exited (a crash loop waits to restart it) is read by its id: its log was read to the end once.
  const exited = status?.state?.terminated ?? status?.lastState?.terminated;
  return exited?.containerID;
}

/** The API server's reason a pod has no logs to show yet (a 400: waiting to start, pulling its image). */
function noLogsReason(error: unknown): string | undefined {
  if (!(error instanceof ClusterError)) return undefined;
  if (error.kind === "invalid") {
    return `No logs yet: ${error.message.replace(/^.*there are no logs to show: /, "")}`;
  }
  if (error.kind === "not-found") return "The pod is gone (it was replaced or deleted).";
  return undefined;
}

/** The API server's 400 for `previous` when the container never restarted, in words. */
function noPreviousReason(error: unknown): string | undefined {
  if (
    error instanceof ClusterError &&
    error.kind === "invalid" &&
    /previous terminated container/.test(error.message)
  )
    return "No previous container: this pod's container has not restarted.";
  return noLogsReason(error);
}

function notice(pod: string, line: string): Read {
  return { event: { pod, line, notice: true, at: new Date().toISOString() } };
}

function byName(a: KubernetesObject, b: KubernetesObject): number {
  return a.metadata.name.localeCompare(b.metadata.name);
}

/** A bounded queue of lines from several producers to one consumer, which can also carry a failure. */
class LineQueue {
  private readonly items: Read[] = [];
  private failure: { error: unknown } | undefined;
  private finished = false;
  private wakeConsumer: (() => void) | undefined;
  private readonly wakeProducers: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Resolves false when `signal` aborted before there was room. */
  async push(item: Read, signal: AbortSignal): Promise<boolean> {
    while (this.items.length >= this.limit) {
      if (signal.aborted) return false;
      await waitFor((resolve) => this.wakeProducers.push(resolve), signal);
    }
    if (signal.aborted) return false;
    this.items.push(item);
    this.wakeConsumer?.();
    return true;
  }

  fail(error: unknown): void {
    this.failure = { error };
    this.wakeConsumer?.();
  }

  /** No more items will be taken after those queued. */
  finish(): void {
    this.finished = true;
    this.wakeConsumer?.();
  }

  /** The next item; undefined once `signal` aborts or the queue is finished and empty; throws what a producer failed with. */
  async take(signal: AbortSignal): Promise<Read | undefined> {
    for (;;) {
      if (signal.aborted) return undefined;
      const item = this.items.shift();
      if (item !== undefined) {
        this.wakeProducers.shift()?.();
        return item;
      }
      if (this.failure !== undefined) throw this.failure.error;
      if (this.finished) return undefined;
      await waitFor((resolve) => (this.wakeConsumer = resolve), signal);
      this.wakeConsumer = undefined;
    }
  }
}

/** Resolves when `register`'s callback is called or `signal` aborts. */
function waitFor(register: (resolve: () => void) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    register(done);
  });
}
