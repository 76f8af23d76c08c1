// What an app's page shows once the app is not there: deleted (by whom and when, if the server knows), or never
// there at all, with the way back to the project's apps. The status stream or the next read tells the page.
import type { ReactNode } from "react";
import { Link } from "react-router";
import { PageTitle } from "../../components/page-title.js";
import { describeError, errorData } from "../../lib/errors.js";
import { formatDateTime, formatRelative } from "../../lib/format.js";

export interface Deletion {
  by: string | null;
  at: string;
}

/** The deletion an error reports (`data.deleted` of a NOT_FOUND), if it does. */
export function deletionOf(error: unknown): Deletion | undefined {
  const deleted = (errorData(error) as { deleted?: Deletion | null } | undefined)?.deleted;
  return deleted ?? undefined;
}

export function AppGone({
  project,
  name,
  error,
  breadcrumb,
}: {
  project: string;
  name: string;
  error: unknown;
  breadcrumb: ReactNode;
}) {
  const deleted = deletionOf(error);
  const projectPath = `/projects/${encodeURIComponent(project)}`;
  const title = deleted === undefined ? "App not found" : "This app was deleted";
  return (
    <div className="page">
      <PageTitle>{`${title} · ${name}`}</PageTitle>
      {breadcrumb}
      <h1>{title}</h1>
      {/* Announced: the page may have shown the app a moment ago. */}
      <p role="alert">
        {deleted === undefined ? (
          describeError(error)
        ) : (
          <>
            The app <strong>{name}</strong> was deleted
            {deleted.by === null ? "" : ` by ${deleted.by}`}{" "}
            <time dateTime={deleted.at} title={formatDateTime(deleted.at)}>
              {formatRelative(deleted.at)}
            </time>
            . Its pods and addresses are gone.
          </>
        )}
      </p>
      <p>
        {deleted === undefined ? "It may have been deleted. " : null}
        <Link to={projectPath}>See the apps of {project}</Link>
      </p>
    </div>
  );
}
