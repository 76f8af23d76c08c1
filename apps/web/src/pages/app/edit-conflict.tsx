// An edit that started from a revision the app has moved past: who deployed what since, and the two ways on — load
// their version into the form with this person's edits on top (still to review and deploy), or deploy this form over
// theirs knowingly.
import { useQuery } from "@tanstack/react-query";
import { TextDiff } from "../../components/text-diff.js";
import { draftFromSpec, rebaseDraft, type AppDraft, type SpecShape } from "../../lib/app-draft.js";
import type { AppDetails } from "../../lib/app-state.js";
import { formatRelative } from "../../lib/format.js";
import { useTRPC } from "../../trpc.js";

const DESCRIBED = 5;

/** The revision an edit starts from: its number, its stored spec, and the form as it showed that spec. */
export interface EditBase {
  revision: number;
  spec: unknown;
  draft: AppDraft;
}

export function editBaseOf(app: AppDetails, shape: SpecShape): EditBase {
  return { revision: app.revision, spec: app.spec, draft: draftFromSpec(app.spec, shape, app.name) };
}

export function EditConflict({
  app,
  base,
  mine,
  shape,
  pending,
  onReload,
  onOverwrite,
}: {
  app: AppDetails;
  base: EditBase;
  mine: AppDraft;
  shape: SpecShape;
  pending: boolean;
  onReload: (rebased: AppDraft, newBase: EditBase) => void;
  onOverwrite: () => void;
}) {
  const trpc = useTRPC();
  const revisions = useQuery(
    trpc.apps.revisions.queryOptions({ project: app.project, name: app.name, limit: DESCRIBED }),
  );
  const since = (revisions.data?.items ?? []).filter((revision) => revision.revision > base.revision);
  return (
    <div className="form-error edit-conflict" role="alert">
      <p>
        <strong>
          {app.name} changed since you started editing revision {base.revision}: it runs revision{" "}
          {app.revision} now.
        </strong>
      </p>
      {since.length === 0 ? null : (
        <ul className="conflict-revisions">
          {since.map((revision) => (
            <li key={revision.revision}>
              Revision {revision.revision} by {revision.author ?? "a deleted user"},{" "}
              <time dateTime={revision.at}>{formatRelative(revision.at)}</time> ({revision.reason})
              {revision.summary === null ? null : `: ${revision.summary.join(", ")}`}
              {revision.diff === null || revision.diff === "" ? null : (
                <TextDiff diff={revision.diff} label={`What revision ${revision.revision} changed`} />
              )}
            </li>
          ))}
        </ul>
      )}
      <p>
        Load their version to review your edits on top of it (the parts of the form you changed keep your
        values), or deploy your form as it is, replacing their change.
      </p>
      <div className="form-actions">
        <button
          type="button"
          className="button button-small button-secondary"
          onClick={() => {
            const theirs = editBaseOf(app, shape);
            onReload(rebaseDraft(mine, base.draft, theirs.draft), theirs);
          }}
        >
          Load their version, keep my edits
        </button>
        <button
          type="button"
          className="button button-small button-quiet-danger"
          disabled={pending}
          onClick={onOverwrite}
        >
          Deploy mine over theirs (revision {app.revision + 1})
        </button>
      </div>
    </div>
  );
}
