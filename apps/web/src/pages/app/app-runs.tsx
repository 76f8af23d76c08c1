import type { AppStatus } from "../../lib/app-state.js";
import { formatDateTime, formatRelative } from "../../lib/format.js";

type Run = NonNullable<AppStatus["runs"]>[number];

const OUTCOME_LABELS: Record<Run["outcome"], string> = {
  succeeded: "Succeeded",
  failed: "Failed",
  running: "Running",
};

/** The last runs of a scheduled app (a CronJob's Jobs), newest first: how each ended and, when it failed, why. */
export function AppRuns({ app, runs }: { app: string; runs: readonly Run[] }) {
  if (runs.length === 0) return <p className="muted runs-none">No runs yet.</p>;
  return (
    <div className="table-wrap">
      <table className="stack-on-phone runs-table">
        <caption>Last runs of {app}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Outcome</th>
            <th scope="col">Started</th>
            <th scope="col">Finished</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.name}>
              <td data-label="Run">
                <code>{run.name}</code>
              </td>
              <td data-label="Outcome">
                <span className={`run-${run.outcome}`}>{OUTCOME_LABELS[run.outcome]}</span>
                {run.reason === undefined ? null : <span className="run-reason">{run.reason}</span>}
              </td>
              <td data-label="Started">
                <When iso={run.startedAt} />
              </td>
              <td data-label="Finished">
                <When iso={run.finishedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function When({ iso }: { iso: string | undefined }) {
  if (iso === undefined) return <>—</>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso)}
    </time>
  );
}
