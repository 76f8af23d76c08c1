import { describeError } from "../lib/errors.js";
import { PageTitle } from "./page-title.js";

/**
 * While a page's data loads. `wholePage` when it stands in for the whole page: the page's own title is not
 * rendered yet, and a document must always have one (it is what screen readers announce).
 */
export function Loading({ what, wholePage = false }: { what: string; wholePage?: boolean }) {
  return (
    <p className="loading" role="status">
      {wholePage ? <PageTitle>{`Loading ${what}…`}</PageTitle> : null}
      Loading {what}…
    </p>
  );
}

/** A query that failed: why, and a way to try again. `wholePage` as for `Loading`. */
export function QueryError({
  error,
  retry,
  what,
  wholePage = false,
}: {
  error: unknown;
  retry: () => unknown;
  what: string;
  wholePage?: boolean;
}) {
  return (
    <div className="form-error" role="alert">
      {wholePage ? <PageTitle>{`Could not load ${what}`}</PageTitle> : null}
      <p>
        Could not load {what}. {describeError(error)}
      </p>
      <button type="button" className="button button-small button-secondary" onClick={() => void retry()}>
        Try again
      </button>
    </div>
  );
}
