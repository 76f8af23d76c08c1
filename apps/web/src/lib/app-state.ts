import type { RouterOutputs } from "@babyhelm/api";

type Outputs = RouterOutputs["apps"];
export type AppDetails = Outputs["get"];
export type AppStatus = AppDetails["status"];
export type AppState = AppStatus["state"];
export type AppSummary = Outputs["list"]["items"][number];
export type AppRevision = Outputs["revisions"]["items"][number];
export type Pack = Outputs["packs"][number];

export const STATE_LABELS: Record<AppState, string> = {
  deploying: "Deploying",
  ready: "Ready",
  degraded: "Degraded",
  failed: "Failed",
  drifted: "Drifted",
};

/** What each state means, for the badge's tooltip and screen readers' description. */
export const STATE_MEANINGS: Record<AppState, string> = {
  deploying: "The new pods are starting; the old ones serve until they are ready.",
  ready: "Every replica of the current revision is running and ready.",
  degraded: "The app serves, but fewer replicas than asked for are ready.",
  failed: "The rollout cannot finish by itself: the message says why.",
  drifted: "Someone changed or deleted the app's objects outside BabyHelm: redeploy to restore them.",
};

/** "2 of 3 replicas ready"; during an update with older pods serving, "0 of 2 new replicas ready, 2 serving". */
export function progressLabel(progress: { done: number; total: number }, serving?: number): string {
  if (progress.total === 0) return "Scaled to zero: no replicas";
  const replicas = progress.total === 1 ? "replica" : "replicas";
  if (serving !== undefined && serving > progress.done) {
    return `${progress.done} of ${progress.total} new ${replicas} ready, ${serving} serving`;
  }
  return `${progress.done} of ${progress.total} ${replicas} ready`;
}

/** Whichever of two readings of an app's status was observed last. */
export function newestStatus<Status extends { observedAt?: string }>(
  a: Status | undefined,
  b: Status | undefined,
): Status | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return (a.observedAt ?? "") >= (b.observedAt ?? "") ? a : b;
}

/** "default@2.0.0" → ["default", "2.0.0"]. */
export function splitPackRef(ref: string): { name: string; version: string } {
  const at = ref.lastIndexOf("@");
  return at <= 0 ? { name: ref, version: "" } : { name: ref.slice(0, at), version: ref.slice(at + 1) };
}

/** Semantic versions compared by their numbers (pre-release tags sort before the release). */
export function compareVersions(a: string, b: string): number {
  const [coreA = "", preA] = a.split("-", 2);
  const [coreB = "", preB] = b.split("-", 2);
  const partsA = coreA.split(".").map(Number);
  const partsB = coreB.split(".").map(Number);
  for (let index = 0; index < Math.max(partsA.length, partsB.length); index++) {
    const difference = (partsA[index] ?? 0) - (partsB[index] ?? 0);
    if (difference !== 0) return difference;
  }
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA.localeCompare(preB);
}

/**
 * The spec field holding the app's env list, as its pack describes it (`envs` for classic@1, `env` for default@2);
 * undefined for a pack with no env list, or one nested deeper than the Environment tab edits.
 */
export function envKeyOf(app: Pick<AppDetails, "describes">): string | undefined {
  const path = app.describes.env;
  return path === undefined || path.includes(".") ? undefined : path;
}

/** What `apps.secrets` says of one secret variable, never its value (viewers: name and source only). */
export type SecretInfo = Outputs["secrets"][number];

/** What every part of the page needs to change the app and have the page follow. */
export interface AppContext {
  app: AppDetails;
  mayManage: boolean;
  /** After a change that rolls out: read the app again and watch the new rollout. */
  changed: () => Promise<void>;
}
