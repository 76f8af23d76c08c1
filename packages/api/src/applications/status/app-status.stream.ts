import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { APP_LABEL, PROJECT_LABEL } from "../../cluster/owned-labels.js";
import type { Services } from "../../services.js";
import { readAppStatus, type AppStatus } from "./app-status.js";
import { appPodSelector, findDeployment } from "./pod-selector.js";

/** States a rollout ends in: the stream stops after sending one of them. */
const SETTLED: ReadonlySet<AppStatus["state"]> = new Set(["ready", "failed", "drifted"]);
/** Without news from the watches, the status is read again this often anyway. */
const POLL_MS = 2_000;
/** Bursts of pod events (a rollout makes many) are read once. */
const SETTLE_MS = 50;
const MAX_STREAM_MS = 30 * 60 * 1000;

/**
 * The app's status each time it changes, until the rollout settles (ready, failed or drifted) or the client leaves.
 * Changes are noticed through watches on the app's Deployment and pods, with a slow poll as a safety net.
 */
export async function* streamAppStatus(
  services: Pick<Services, "cluster" | "logger">,
  manifests: readonly KubernetesObject[],
  signal: AbortSignal,
): AsyncGenerator<AppStatus> {
  const deployment = findDeployment(manifests);
  if (deployment === undefined) return;
  const namespace = deployment.metadata.namespace!;
  const stop = new AbortController();
  const onAbort = () => {
    stop.abort();
  };
  signal.addEventListener("abort", onAbort, { once: true });
  const wake = new Wakeup();
  const podSelector = appPodSelector(deployment).labelSelector;
  const appLabels = deployment.metadata.labels ?? {};
  const deploymentSelector = `${PROJECT_LABEL}=${appLabels[PROJECT_LABEL] ?? ""},${APP_LABEL}=${appLabels[APP_LABEL] ?? ""}`;
  void follow(services, "apps/v1", "Deployment", namespace, deploymentSelector, stop.signal, wake);
  void follow(services, "v1", "Pod", namespace, podSelector, stop.signal, wake);

  const deadline = Date.now() + MAX_STREAM_MS;
  let last = "";
  try {
    while (!stop.signal.aborted && Date.now() < deadline) {
      const status = await readAppStatus(services.cluster, manifests);
      const { observedAt: _observedAt, ...comparable } = status;
      const key = JSON.stringify(comparable);
      if (key !== last) {
        last = key;
        yield status;
        if (SETTLED.has(status.state)) return;
      }
      await wake.wait(POLL_MS, stop.signal);
      await delay(SETTLE_MS);
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    stop.abort();
  }
}

async function follow(
  services: Pick<Services, "cluster" | "logger">,
  apiVersion: string,
  kind: string,
  namespace: string,
  labelSelector: string,
  signal: AbortSignal,
  wake: Wakeup,
): Promise<void> {
  try {
    for await (const _event of services.cluster.watch(
      apiVersion,
      kind,
      { namespace, labelSelector },
      signal,
    )) {
      wake.notify();
    }
  } catch (error) {
    // The poll goes on without the watch; the reads report what is wrong with the cluster.
    if (!signal.aborted) services.logger.debug({ err: error, kind }, "status watch ended");
  }
}

class Wakeup {
  private pending = false;
  private resolve: (() => void) | undefined;

  notify(): void {
    this.pending = true;
    this.resolve?.();
  }

  async wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const onAbort = () => {
        done();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.resolve = done;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        resolve();
      }
    });
    this.resolve = undefined;
    this.pending = false;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
