interface LoadMoreProps {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
  /** "projects", "collaborators"… */
  what: string;
}

/** The end of a paginated list: a button for the next page, or nothing when this was the last one. */
export function LoadMore({ hasNextPage, isFetchingNextPage, fetchNextPage, what }: LoadMoreProps) {
  if (!hasNextPage) return null;
  return (
    <div className="load-more">
      <button
        type="button"
        className="button button-secondary"
        disabled={isFetchingNextPage}
        onClick={() => void fetchNextPage()}
      >
        {isFetchingNextPage ? "Loading…" : `Load more ${what}`}
      </button>
    </div>
  );
}
