// Drift: what of the objects BabyHelm applied is no longer in the cluster as applied. Only fields BabyHelm set are
// compared, since the server adds defaults, status and other managers' fields to every object.
import { quantityValue, type KubernetesObject } from "@babyhelm/manifest-sdk";
import { refKey, refOf, type ObjectRef } from "../../cluster/object-ref.js";
import { RESTARTED_AT_ANNOTATION } from "../app-rollout.js";

export interface AppDrift {
  missing: ObjectRef[];
  changed: { ref: ObjectRef; fields: string[] }[];
}

type PathSegment = string | number;

/** Keys whose values are resource quantities, which a real API server rewrites in canonical form ("0.5" → "500m"). */
const QUANTITY_PARENTS: ReadonlySet<string> = new Set([
  "requests",
  "limits",
  "hard",
  "default",
  "defaultRequest",
  "max",
  "min",
]);

export function detectDrift(
  expected: readonly KubernetesObject[],
  live: ReadonlyMap<string, KubernetesObject | undefined>,
): AppDrift {
  const drift: AppDrift = { missing: [], changed: [] };
  const scaledByHpa = expected.some((object) => object.kind === "HorizontalPodAutoscaler");
  for (const object of expected) {
    const ref = refOf(object);
    const current = live.get(refKey(ref));
    if (current === undefined) {
      drift.missing.push(ref);
      continue;
    }
    const fields = changedFields(object, current, scaledByHpa);
    if (fields.length > 0) drift.changed.push({ ref, fields });
  }
  return drift;
}

function changedFields(expected: KubernetesObject, live: KubernetesObject, scaledByHpa: boolean): string[] {
  // Set by `kubectl rollout restart` and BabyHelm's own restart: a restart is not drift.
  const ignored = [["spec", "template", "metadata", "annotations", RESTARTED_AT_ANNOTATION]];
  // The HPA owns the replica count: BabyHelm's value is only where it starts.
  if (expected.kind === "Deployment" && scaledByHpa) ignored.push(["spec", "replicas"]);
  const walk: Walk = { changed: [], isIgnored: (path) => ignored.some((skip) => samePath(skip, path)) };
  for (const [key, value] of Object.entries(expected)) {
    if (key === "apiVersion" || key === "kind" || key === "status") continue;
    if (key === "metadata") {
      for (const part of ["labels", "annotations"] as const) {
        compare(expected.metadata[part], live.metadata[part], ["metadata", part], walk);
      }
    } else if (expected.kind === "Secret" && key === "stringData") {
      compareStringData(value, live.data, walk);
    } else {
      compare(value, live[key], [key], walk);
    }
  }
  return walk.changed.map((path) => formatPath(path));
}

interface Walk {
  changed: PathSegment[][];
  isIgnored: (path: readonly PathSegment[]) => boolean;
}

function samePath(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  return a.length === b.length && a.every((segment, index) => segment === b[index]);
}

/** Records the paths under `path` where `live` does not hold what `expected` says. */
function compare(expected: unknown, live: unknown, path: PathSegment[], walk: Walk): void {
  if (expected === undefined || expected === null || walk.isIgnored(path)) return;
  if (Array.isArray(expected)) {
    // An empty list is what an absent one means: the server does not store `env: []`.
    if (
      expected.length === 0 &&
      (live === undefined || live === null || (Array.isArray(live) && live.length === 0))
    )
      return;
    if (!Array.isArray(live) || live.length !== expected.length) {
      walk.changed.push(path);
      return;
    }
    expected.forEach((item, index) => {
      compare(item, live[index], [...path, index], walk);
    });
    return;
  }
  if (isPlainObject(expected)) {
    const entries = Object.entries(expected);
    if (entries.length === 0 && (live === undefined || live === null || isPlainObject(live))) return;
    if (!isPlainObject(live)) {
      walk.changed.push(path);
      return;
    }
    for (const [key, value] of entries) compare(value, live[key], [...path, key], walk);
    return;
  }
  if (expected === live) return;
  const parent = path.at(-2);
  if (typeof parent === "string" && QUANTITY_PARENTS.has(parent)) {
    const want = quantityValue(expected);
    if (want !== undefined && want === quantityValue(live)) return;
  }
  walk.changed.push(path);
}

/** A Secret's `stringData` is write-only: the server stores it base64-encoded in `data`. */
function compareStringData(expected: unknown, liveData: unknown, walk: Walk): void {
  if (!isPlainObject(expected)) return;
  const data = isPlainObject(liveData) ? liveData : {};
  for (const [key, value] of Object.entries(expected)) {
    const stored = data[key];
    const decoded = typeof stored === "string" ? Buffer.from(stored, "base64").toString("utf8") : undefined;
    if (decoded !== value) walk.changed.push(["stringData", key]);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The SDK's path form: `spec.template.spec.containers[0].image`, `metadata.labels["app.kubernetes.io/name"]`. */
function formatPath(path: readonly PathSegment[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === "" ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}
