// Every revision of the app, newest first: who made it and why, what it changed in plain words (the field paths in
// the detailed diff behind "Show changes"), and a way back to it. Rolling back makes a new revision with the old
// one's spec and manifests, so it can itself be undone.
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmButton } from "../../components/confirm-button.js";
import { LoadMore } from "../../components/load-more.js";
import { Loading, QueryError } from "../../components/query-state.js";
import { TextDiff } from "../../components/text-diff.js";
import { useToast } from "../../components/toast.js";
import type { AppContext, AppRevision } from "../../lib/app-state.js";
import { describeError } from "../../lib/errors.js";
import { formatDateTime, formatRelative } from "../../lib/format.js";
import { useSingleFlightMutation } from "../../lib/use-single-flight-mutation.js";
import { useTRPC } from "../../trpc.js";

export const REVISIONS_PAGE_SIZE = 10;

const REASONS: [RegExp, (match: RegExpExecArray) => string][] = [
  [/^create$/, () => "Deployed"],
  [/^update$/, () => "Changed"],
  [/^rollback to (\d+)$/, (match) => `Rolled back to revision ${match[1]}`],
  [/^upgrade to (.+)$/, (match) => `Pack upgraded to ${match[1]}`],
];

function describeReason(reason: string): string {
  for (const [pattern, describe] of REASONS) {
    const match = pattern.exec(reason);
    if (match !== null) return describe(match);
  }
  return reason;
}

export function AppRevisions({ context }: { context: AppContext }) {
  const { app } = context;
  const trpc = useTRPC();
  const revisions = useInfiniteQuery(
    trpc.apps.revisions.infiniteQueryOptions(
      { project: app.project, name: app.name, limit: REVISIONS_PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const items = revisions.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section aria-labelledby="revisions-title">
      <div className="section-header">
        <h2 id="revisions-title">Revisions</h2>
      </div>
      <p className="muted">
        Each deploy, change, roll back and pack upgrade is a revision. Rolling back re-applies an earlier one
        as a new revision.
      </p>
      {revisions.isPending ? (
        <Loading what="the revisions" />
      ) : revisions.isError ? (
        <QueryError error={revisions.error} retry={revisions.refetch} what="the revisions" />
      ) : (
        <>
          <ol className="revision-list" aria-label={`Revisions of ${app.name}`}>
            {items.map((revision) => (
              <RevisionRow key={revision.revision} revision={revision} context={context} />
            ))}
          </ol>
          <LoadMore
            hasNextPage={revisions.hasNextPage}
            isFetchingNextPage={revisions.isFetchingNextPage}
            fetchNextPage={revisions.fetchNextPage}
            what="revisions"
          />
        </>
      )}
    </section>
  );
}

function RevisionRow({ revision, context }: { revision: AppRevision; context: AppContext }) {
  const { app, mayManage, changed } = context;
  const trpc = useTRPC();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const rollback = useSingleFlightMutation(
    trpc.apps.rollback.mutationOptions({
      onSuccess: async (result) => {
        toast.success(
          `Rolled back to revision ${revision.revision}: revision ${result.revision} of ${app.name} is rolling out.`,
        );
        await changed();
      },
      onError: (error) => {
        toast.error(`Could not roll back to revision ${revision.revision}. ${describeError(error)}`);
      },
    }),
  );
  const diffId = `revision-${revision.revision}-diff`;
  return (
    <li className={`revision-row${revision.current ? " revision-current" : ""}`}>
      <div className="revision-head">
        <h3 className="revision-title">
          Revision {revision.revision}
          {revision.current ? <span className="badge badge-current">current</span> : null}
        </h3>
        <span className="revision-reason">
          {describeReason(revision.reason)}
          {revision.summary === null
            ? null
            : `: ${revision.summary.length === 0 ? "no change to the manifests" : revision.summary.join(", ")}`}
        </span>
        <span className="muted revision-meta">
          by {revision.author ?? "someone (account deleted)"} ·{" "}
          <time dateTime={revision.at} title={formatDateTime(revision.at)}>
            {formatRelative(revision.at)}
          </time>{" "}
          · <code>{revision.pack}</code>
        </span>
        <div className="revision-actions">
          {revision.diff === null ? null : (
            <button
              type="button"
              className="button button-small button-quiet"
              aria-expanded={open}
              aria-controls={diffId}
              onClick={() => {
                setOpen(!open);
              }}
            >
              {open ? "Hide changes" : "Show changes"}
            </button>
          )}
          {mayManage && !revision.current ? (
            <ConfirmButton
              label="Roll back"
              ariaLabel={`Roll back to revision ${revision.revision}`}
              question={`Roll ${app.name} back to revision ${revision.revision}?`}
              confirmLabel="Roll back"
              pendingLabel="Rolling back…"
              pending={rollback.isPending}
              variant="secondary"
              onConfirm={() => {
                rollback.mutate({
                  project: app.project,
                  name: app.name,
                  revision: revision.revision,
                  expectedRevision: app.revision,
                });
              }}
            />
          ) : null}
        </div>
      </div>
      {open && revision.diff !== null ? (
        <div id={diffId} className="revision-diff">
          <TextDiff
            diff={revision.diff}
            label={`Changes of revision ${revision.revision} from revision ${revision.revision - 1}`}
          />
        </div>
      ) : null}
    </li>
  );
}
