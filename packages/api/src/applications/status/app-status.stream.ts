import { createHash } from "node:crypto";
import { tracked, type TrackedEnvelope } from "@trpc/server";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import type { Services } from "../../services.js";
import { pause } from "../../shared/pause.js";
import { Wakeup } from "../../shared/wakeup.js";
import { readAppStatus, type AppStatus } from "./app-status.js";
import { stalenessOf } from "./app-status.service.js";
import { withCrashLines } from "./crash-lines.js";
import { findCronJob } from "./cronjob-status.js";
import { findDeployment } from "./pod-selector.js";

/** States a rollout ends in: the stream stops after sending one of them. */
const SETTLED: ReadonlySet<AppStatus["state"]> = new Set(["ready", "failed", "drifted"]);
/**
 * Without a change in the cluster the status is worked out again this often anyway, from memory: some of it moves
 * with time alone (a pod past its start-up grace, the age of stale data).
 */
const RECHECK_MS = 5_000;
/** Bursts of changes (a rollout makes many) are read once. */
const SETTLE_MS = 50;
const MAX_STREAM_MS = 30 * 60 * 1000;
/**
 * BabyHelm deletes an app's objects before its row: objects missing that long while the app is still there are
 * drift, not a deletion in progress.
 */
const DELETION_GRACE_MS = 10_000;
const DELETION_RECHECK_MS = 250;

/**
 * A status event's id: the revision it is of and a digest of what it says (its time aside). Any replica can work out
 * the current status, so a client that lost its stream resumes with the current status, skipped when its id says the
 * client has it already.
 */
function statusEventId(revision: number, comparable: string): string {
  return `${revision}.${createHash("sha256").update(comparable).digest("base64url").slice(0, 22)}`;
}

/** The form of a status event id, for the router to check `lastEventId` against. */
export const STATUS_EVENT_ID = /^[1-9]\d{0,9}\.[\w-]{22}$/;

/**
 * The app's status each time it changes, until the rollout settles (ready, failed or drifted) or the client leaves.
 * It is worked out from the cluster cache whenever the cache changes what it holds of the app's namespace, so a
 * stream costs the API server nothing beyond the namespace's Events watch, which it keeps open while it runs (and the
 * last lines of a crashed container, read once per crash).
 *
 * When the app's objects go missing, `requirePresent` tells a deletion (it throws, and the stream ends with its
 * NOT_FOUND saying who deleted the app) from drift.
 */
export async function* streamAppStatus(
  services: Pick<Services, "cluster" | "clusterState" | "now">,
  { revision, manifests }: { revision: number; manifests: readonly KubernetesObject[] },
  signal: AbortSignal,
  requirePresent: () => Promise<void>,
  lastEventId?: string,
): AsyncGenerator<TrackedEnvelope<AppStatus>> {
  const workload = findDeployment(manifests) ?? findCronJob(manifests);
  if (workload === undefined) return;
  const namespace = workload.metadata.namespace!;
  const { clusterState } = services;
  const changed = new Wakeup();
  const releaseEvents = clusterState.holdEvents(namespace);
  const unsubscribe = clusterState.subscribe(namespace, () => {
    changed.notify();
  });
  const deadline = Date.now() + MAX_STREAM_MS;
  let last = lastEventId ?? "";
  let missingSince: number | undefined;
  try {
    while (!signal.aborted && Date.now() < deadline) {
      const status = await withCrashLines(
        services.cluster,
        namespace,
        await readAppStatus(clusterState, manifests),
        signal,
      );
      const stale = stalenessOf(services, namespace);
      const current = stale === null ? status : { ...status, stale };
      if (status.drift.missing.length > 0) {
        await requirePresent();
        missingSince ??= Date.now();
        if (Date.now() - missingSince < DELETION_GRACE_MS) {
          await changed.wait(DELETION_RECHECK_MS, signal);
          continue;
        }
      } else {
        missingSince = undefined;
      }
      const { observedAt: _observedAt, ...comparable } = current;
      const id = statusEventId(revision, JSON.stringify(comparable));
      if (id !== last) {
        last = id;
        yield tracked(id, current);
      }
      // Also when resumed after the settled status reached the client but the stream's end did not.
      if (stale === null && SETTLED.has(current.state)) return;
      await changed.wait(RECHECK_MS, signal);
      await pause(SETTLE_MS, signal);
    }
  } finally {
    unsubscribe();
    releaseEvents();
  }
}
