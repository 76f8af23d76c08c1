// The project's remaining quota beside the manifest preview: what this deploy needs of each quota resource, what is
// left, and a warning before applying when it will not fit (pods that will not start, objects the cluster will refuse).
import { useQuery } from "@tanstack/react-query";
import { plural } from "../../lib/format.js";
import { quotaBudget, type BudgetLine, type ManifestLike } from "../../lib/quota-need.js";
import { useTRPC } from "../../trpc.js";
import { formatBytes, formatCores, USAGE_REFRESH_MS } from "../project/quota-usage.js";

function amount(line: BudgetLine, value: number, withUnit: boolean): string {
  if (line.kind === "cpu") {
    const cores = formatCores(value);
    return withUnit ? `${cores} ${value === 1 ? "core" : "cores"}` : cores;
  }
  if (line.kind === "memory") return formatBytes(value);
  return withUnit ? plural(value, line.one ?? line.label, line.label) : String(value);
}

/** "10 cores of CPU requests", "2 GiB of memory limits", "20 pods". */
function needText(line: BudgetLine, value: number): string {
  return line.kind === "count" ? amount(line, value, true) : `${amount(line, value, true)} of ${line.label}`;
}

/** The warning for a line that does not fit, saying what will happen and what to change. */
export function budgetWarning(line: BudgetLine): string {
  const has = `the project has ${amount(line, line.left, false)} of ${amount(line, line.hard, true)} left`;
  const quota = `quota "${line.quota}"`;
  if (line.refusesApply)
    return `This needs ${needText(line, line.needed)}; ${has}: the cluster will refuse the deploy (${quota}). Delete unused ${line.label} or raise the quota.`;
  if (line.surgeRoom) {
    const { room, surge } = line.surgeRoom;
    const outcome =
      room === 0
        ? "the rollout cannot start a new pod and will stall"
        : `there is room for only ${room}: the rollout will be slower`;
    return `The rolling update starts ${plural(surge, "extra pod")} before it stops old ones; ${has}: ${outcome} (${quota}). Lower the replicas or the requests, or raise the quota.`;
  }
  const starting = line.podsStarting
    ? `only ${line.podsStarting.start} of ${plural(line.podsStarting.of, "pod")} will start`
    : "some pods will not start";
  return `This needs ${needText(line, line.needed)}; ${has}: ${starting} (${quota}). Lower the replicas or the requests, or raise the quota.`;
}

export function QuotaBudget({
  project,
  manifests,
  currentManifests,
}: {
  project: string;
  /** The previewed manifests; undefined while there is no preview. */
  manifests: readonly ManifestLike[] | undefined;
  /**
   * For an edit: the manifests of the revision running now. Its pods hold quota already and are replaced, so only
   * the difference counts (plus the rolling update's surge). Leave undefined for a new app.
   */
  currentManifests?: readonly ManifestLike[];
}) {
  const trpc = useTRPC();
  const usage = useQuery({
    ...trpc.projects.usage.queryOptions({ name: project }),
    refetchInterval: USAGE_REFRESH_MS,
  });
  // Without figures there is nothing to compare: the preview and the deploy still work.
  if (!usage.data || manifests === undefined || usage.data.quotas.length === 0) return null;
  const lines = quotaBudget(usage.data, manifests, currentManifests);
  if (lines.length === 0) return null;
  const short = lines.filter((line) => !line.fits);
  const overAtMax = lines.filter(
    (line) => line.fits && line.neededAtMax !== undefined && line.neededAtMax > line.left + 1e-9,
  );

  return (
    <section className="card quota-budget" aria-labelledby="budget-title">
      <h2 id="budget-title">Quota budget</h2>
      {short.map((line) => (
        <p key={`${line.quota}/${line.key}`} className="form-error quota-warning" role="status">
          {budgetWarning(line)}
        </p>
      ))}
      {overAtMax.map((line) => (
        <p key={`${line.quota}/${line.key}/max`} className="notice">
          At its most replicas the autoscaler would need {needText(line, line.neededAtMax!)}, more than the{" "}
          {amount(line, line.left, line.kind !== "count")} left: it could not start them all.
        </p>
      ))}
      <ul className="quota-budget-lines" aria-label="What this deploy needs">
        {lines.map((line) => (
          <li key={`${line.quota}/${line.key}`}>
            {line.label.charAt(0).toUpperCase() + line.label.slice(1)}: needs{" "}
            {amount(line, line.needed, line.kind !== "count")}
            {line.neededAtMax === undefined
              ? ""
              : ` (up to ${amount(line, line.neededAtMax, line.kind !== "count")})`}
            ; {amount(line, line.left, false)} of {amount(line, line.hard, true)} left{" "}
            <span className="muted">(quota {line.quota})</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
