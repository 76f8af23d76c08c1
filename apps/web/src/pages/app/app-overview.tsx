import type { AppContext } from "../../lib/app-state.js";
import { formatDateTime, formatRelative, plural } from "../../lib/format.js";

/** The app's pods (state, readiness, restarts, why one waits) and the cluster's events about it. */
export function AppOverview({ context }: { context: AppContext }) {
  const { status } = context.app;
  return (
    <>
      <section aria-labelledby="pods-title" className="overview-section">
        <div className="section-header">
          <h2 id="pods-title">Pods</h2>
          <span className="muted">
            {status.replicas.ready} of {plural(status.replicas.desired, "replica")} ready
            {status.replicas.updated === status.replicas.desired
              ? ""
              : `, ${status.replicas.updated} updated`}
          </span>
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
    </>
  );
}
