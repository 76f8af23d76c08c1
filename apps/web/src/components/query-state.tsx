import { describeError } from "../lib/errors.js";

/** While a page's data loads. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

/** A query that failed: why, and a way to try again. */
export function QueryError({ error, retry, what }: { error: unknown; retry: () => unknown; what: string }) {
  return (
    <div className="form-error" role="alert">
      <p>
        Could not load {what}. {describeError(error)}
      </p>
      <button type="button" className="button button-small button-secondary" onClick={() => void retry()}>
        Try again
      </button>
    </div>
  );
}
