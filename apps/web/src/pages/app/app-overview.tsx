import type { AppContext, AppStatus } from "../../lib/app-state.js";
import { formatDateTime, formatRelative, plural } from "../../lib/format.js";
import { AppConfiguration } from "./app-configuration.js";

/**
 * The app's pods (state, readiness, restarts, why one waits, which revision), the cluster's events about it, and how
 * it is configured. The pods' counts come from the same status as its message, so the two always agree.
 */
export function AppOverview({ context }: { context: AppContext }) {
  const { status } = context.app;
  return (
    <>
      <section aria-labelledby="pods-title" className="overview-section">
        <div className="section-header">
          <h2 id="pods-title">Pods</h2>
          <span className="muted">{podCounts(status)}</span>
        </div>
        {status.pods.length === 0 ? (
          <p className="muted">
            {status.replicas.desired === 0 ? "Scaled to zero: no pods run." : "No pods yet."}
          </p>
        ) : (
          <div className="table-wrap">
            <table className="stack-on-phone pods-table">
              <caption className="visually-hidden">Pods of {context.app.name}, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Pod</th>
                  <th scope="col">State</th>
                  <th scope="col">Ready</th>
                  <th scope="col">Restarts</th>
                  <th scope="col">Started</th>
                </tr>
              </thead>
              <tbody>
                {status.pods.map((pod) => (
                  <tr key={pod.name}>
                    <td data-label="Pod">
                      <code>{pod.name}</code>
                      {pod.current || pod.phase === "Terminating" ? null : (
                        <span className="badge pod-old">previous revision</span>
                      )}
                    </td>
                    <td data-label="State">
                      {pod.phase}
                      {pod.waitingReason === undefined ? null : (
                        <span className="pod-waiting">
                          {" "}
                          · <strong>{pod.waitingReason}</strong>
                          {pod.waitingMessage === undefined ? null : (
                            <span className="pod-waiting-message">{pod.waitingMessage}</span>
                          )}
                        </span>
                      )}
                    </td>
                    <td data-label="Ready">
                      <span className={pod.ready ? "pod-ready" : "pod-not-ready"}>
                        {pod.ready ? "Yes" : "No"}
                      </span>
                    </td>
                    <td data-label="Restarts" className={pod.restarts > 0 ? "pod-restarts" : undefined}>
                      {pod.restarts}
                    </td>
                    <td data-label="Started">
                      {pod.createdAt === undefined ? (
                        "—"
                      ) : (
                        <time dateTime={pod.createdAt} title={formatDateTime(pod.createdAt)}>
                          {formatRelative(pod.createdAt)}
                        </time>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="events-title" className="overview-section">
        <div className="section-header">
          <h2 id="events-title">Events</h2>
          <span className="muted">What the cluster reported, newest first</span>
        </div>
        {status.events.length === 0 ? (
          <p className="muted">No events: the cluster keeps them for about an hour.</p>
        ) : (
          <ol className="event-list">
            {status.events.map((event, index) => (
              <li key={index} className={event.type === "Warning" ? "event-warning" : undefined}>
                <div className="event-head">
                  <span className={`badge ${event.type === "Warning" ? "badge-warning" : ""}`}>
                    {event.type}
                  </span>{" "}
                  <strong>{event.reason}</strong>{" "}
                  <span className="muted">
                    {event.object}
                    {event.count > 1 ? ` · ${event.count}×` : ""}
                    {event.lastSeen === undefined ? "" : ` · ${formatRelative(event.lastSeen)}`}
                  </span>
                </div>
                <p className="event-message">{event.message}</p>
              </li>
            ))}
          </ol>
        )}
      </section>

      <AppConfiguration app={context.app} />
    </>
  );
}

/** "2 of 2 replicas ready", or during an update "2 serving · 0 of 2 new replicas ready": counted from the pods listed. */
function podCounts(status: AppStatus): string {
  const { serving, desired } = status.replicas;
  const { done } = status.progress;
  const oldPods = status.pods.some((pod) => !pod.current);
  if (!oldPods) return `${done} of ${plural(desired, "replica")} ready`;
  return `${serving} serving · ${done} of ${desired} new ${desired === 1 ? "replica" : "replicas"} ready`;
}
