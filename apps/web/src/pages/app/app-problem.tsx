// Why a rollout is stuck, as the status card tells it: the plain-words summary and what to do next first, the
// crashed container's last lines for a crash loop, and the cluster's own message behind a "details" toggle.
import { CodeBlock } from "../../components/code-block.js";
import type { AppStatus } from "../../lib/app-state.js";

export type AppProblem = NonNullable<AppStatus["problem"]>;

export function ProblemReport({ problem, mayManage }: { problem: AppProblem; mayManage: boolean }) {
  const lastLines = problem.crash?.lastLines;
  return (
    <div className={`problem problem-${problem.kind}`}>
      <p className="problem-next">
        {mayManage ? problem.next : `${problem.next} A creator or editor of the project can do this.`}
      </p>
      {problem.crash === undefined ? null : (
        <figure className="crash-lines">
          <figcaption>
            Last lines of container <code>{problem.crash.container}</code> in pod{" "}
            <code>{problem.crash.pod}</code> before it stopped
            {problem.crash.exitCode === undefined ? "" : ` (exit code ${problem.crash.exitCode})`}:
          </figcaption>
          {lastLines === undefined || lastLines.length === 0 ? (
            <p className="muted">
              {lastLines === undefined
                ? "Its log could not be read just now; the Logs tab's Previous container shows it."
                : "It wrote nothing before it stopped."}
            </p>
          ) : (
            <CodeBlock className="log-view crash-log" label="Last lines before the crash">
              {lastLines.join("\n")}
            </CodeBlock>
          )}
        </figure>
      )}
      <details className="problem-details">
        <summary>Details from the cluster</summary>
        <CodeBlock className="problem-raw" label="The cluster's message">
          {problem.details}
        </CodeBlock>
      </details>
    </div>
  );
}
