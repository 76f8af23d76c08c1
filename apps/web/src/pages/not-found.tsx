import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { PageTitle } from "../components/page-title.js";

export function NotFoundPage() {
  return (
    <div className="page">
      <PageTitle>Page not found</PageTitle>
      <h1>Page not found</h1>
      <p>There is nothing at this address. It may have moved, or the link may be mistyped.</p>
      <p>
        <Link to="/projects">Go to your projects</Link> or <Link to="/docs">read how BabyHelm works</Link>.
      </p>
    </div>
  );
}

/** A page that crashed or could not be loaded (a new version was deployed while this tab was open). */
export function RouteError() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  const chunkMissing =
    error instanceof Error && /dynamically imported module|Importing a module script/i.test(error.message);
  return (
    <div className="page">
      <PageTitle>Something went wrong</PageTitle>
      <h1>Something went wrong</h1>
      <p>
        {chunkMissing
          ? "BabyHelm was updated while this page was open. Reload the page to get the new version."
          : "This page failed to show. Reload it; if it happens again, tell whoever runs BabyHelm what you were doing."}
      </p>
      <p>
        <button
          type="button"
          className="button button-primary"
          onClick={() => {
            window.location.reload();
          }}
        >
          Reload the page
        </button>
      </p>
    </div>
  );
}
