// The app's environment variables. Saving makes a new revision (apps.update with the current spec and the new
// variables) from the revision the person started editing: if someone else changed the app meanwhile, the server
// refuses and the page offers to reload rather than overwrite their change. Unsaved rows are kept as a draft.
import { useRef, useState, type SubmitEvent } from "react";
import { DraftNotice } from "../../components/draft-notice.js";
import { EnvEditor } from "../../components/env-editor.js";
import { FormError } from "../../components/field.js";
import { useLeaveGuard } from "../../components/leave-guard.js";
import { PendingButton } from "../../components/submit-button.js";
import { useToast } from "../../components/toast.js";
import { filledEnvRows } from "../../lib/app-draft.js";
import { envKeyOf, type AppContext } from "../../lib/app-state.js";
import { useDraft } from "../../lib/drafts.js";
import { ENV_NAME_PATTERN, ENV_NAME_RULE, type EnvVar } from "../../lib/env-file.js";
import { describeError, errorCode, fieldIssues, type FieldIssue } from "../../lib/errors.js";
import { useFocusFirstInvalid } from "../../lib/use-focus-invalid.js";
import { useSingleFlightMutation } from "../../lib/use-single-flight-mutation.js";
import { useTRPC } from "../../trpc.js";

/** Issues of the rows as typed: paths are `env[row]`, rows counted on screen. */
export function envIssues(env: readonly EnvVar[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  env.forEach((variable, row) => {
    const name = variable.name.trim();
    if (name === "") {
      if (variable.value !== "") issues.push({ path: `env[${row}].name`, message: "must not be empty" });
      return;
    }
    if (!ENV_NAME_PATTERN.test(name))
      issues.push({ path: `env[${row}].name`, message: `must be ${ENV_NAME_RULE}` });
    const first = seen.get(name);
    if (first === undefined) seen.set(name, row);
    else issues.push({ path: `env[${row}].name`, message: `repeats variable ${first + 1} (${name})` });
  });
  return issues;
}

/** A server issue (`spec.env[1].name`, counting only the variables sent) on the row it is about. */
function rowIssue(issue: FieldIssue, env: readonly EnvVar[]): FieldIssue | undefined {
  const match = /^spec\.envs?\[(\d+)\](\.name|\.value)?$/.exec(issue.path);
  if (match === null) return undefined;
  const row = filledEnvRows(env)[Number(match[1])];
  return row === undefined
    ? undefined
    : { path: `env[${row}]${match[2] ?? ".name"}`, message: issue.message };
}

export function AppEnvironment({ context }: { context: AppContext }) {
  const { app, mayManage } = context;
  if (!mayManage) return <EnvironmentTable env={app.env} />;
  return <EnvironmentForm context={context} />;
}

function EnvironmentTable({ env }: { env: readonly EnvVar[] }) {
  return (
    <section aria-labelledby="env-title">
      <div className="section-header">
        <h2 id="env-title">Environment variables</h2>
      </div>
      {env.length === 0 ? (
        <p className="muted">This app has no environment variables.</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-on-phone env-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {env.map((variable) => (
                <tr key={variable.name}>
                  <td data-label="Name">
                    <code>{variable.name}</code>
                  </td>
                  <td data-label="Value" className="env-value">
                    {variable.value === "" ? <span className="muted">(empty)</span> : variable.value}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function EnvironmentForm({ context }: { context: AppContext }) {
  const { app, changed } = context;
  const trpc = useTRPC();
  const toast = useToast();
  // The rows and the revision they start from (saving is refused if the app moved on since), kept as a draft
  // across tab switches, reloads and sign-ins until saved or discarded.
  const start = { base: { revision: app.revision, env: app.env }, rows: app.env };
  const kept = useDraft<{ base: { revision: number; env: EnvVar[] }; rows: EnvVar[] }>(
    [app.project, app.name, "env"],
    start,
    (value) => JSON.stringify(value.rows) !== JSON.stringify(value.base.env),
  );
  const { base, rows: draft } = kept.value;
  const dirty = kept.dirty;
  const setDraft = (rows: EnvVar[]) => {
    kept.set({ base, rows });
  };
  const [submitted, setSubmitted] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const leave = useLeaveGuard(dirty, `variables of ${app.name}`);
  // Untouched, the editor follows the app (a roll back, someone else's change).
  if (!dirty && app.revision !== base.revision) kept.discard(start);

  const save = useSingleFlightMutation(
    trpc.apps.update.mutationOptions({
      onSuccess: async (result, variables) => {
        toast.success(`Variables saved: revision ${result.revision} of ${app.name} is rolling out.`);
        const saved = ((variables.spec as Record<string, unknown>)[envKeyOf(app.spec, app.pack)] ??
          []) as EnvVar[];
        kept.saved({ base: { revision: result.revision, env: saved }, rows: saved });
        setSubmitted(false);
        await changed();
      },
      onError: focusFirstInvalid,
    }),
  );
  const conflict = errorCode(save.error) === "CONFLICT";
  const serverRows = fieldIssues(save.error).map((issue) => rowIssue(issue, draft));
  const unplaced = fieldIssues(save.error).filter((_issue, index) => serverRows[index] === undefined);
  const issues = [
    ...(submitted ? envIssues(draft) : []),
    ...serverRows.filter((issue) => issue !== undefined),
  ];
  const errorAt = (path: string) => {
    const messages = issues.filter((issue) => issue.path === path).map((issue) => issue.message);
    return messages.length === 0 ? undefined : [...new Set(messages)].join("; ");
  };

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(true);
    if (envIssues(draft).length > 0) {
      focusFirstInvalid();
      return;
    }
    const env = filledEnvRows(draft).map((row) => ({
      name: draft[row]!.name.trim(),
      value: draft[row]!.value,
    }));
    const spec = { ...(app.spec as Record<string, unknown>), [envKeyOf(app.spec, app.pack)]: env };
    save.mutate({ project: app.project, name: app.name, spec, expectedRevision: base.revision });
  }

  function reload() {
    kept.discard(start);
    setSubmitted(false);
    save.reset();
    void context.changed();
  }

  return (
    <section aria-labelledby="env-title">
      <div className="section-header">
        <h2 id="env-title">Environment variables</h2>
      </div>
      <p className="muted">
        Saving makes a new revision and rolls the pods over to it; the revisions tab can roll it back. Values
        are visible to everyone in the project: keep secrets out.
      </p>
      <form
        ref={formRef}
        className="card env-form"
        onSubmit={submit}
        noValidate
        aria-label="Environment variables"
      >
        {leave.question}
        {kept.restored ? (
          <DraftNotice
            what={`variables of ${app.name}`}
            onDiscard={() => {
              kept.discard(start);
              setSubmitted(false);
              save.reset();
            }}
          />
        ) : null}
        {conflict ? (
          <div className="form-error" role="alert">
            <p>
              Someone else changed {app.name} since you started editing (you started from revision{" "}
              {base.revision}
              ). Reload to see their change, then make yours again: your unsaved edits here will be replaced.
            </p>
            <button type="button" className="button button-small button-secondary" onClick={reload}>
              Reload the app
            </button>
          </div>
        ) : (
          <FormError
            message={
              save.error === null
                ? undefined
                : unplaced.length > 0 || fieldIssues(save.error).length === 0
                  ? describeError(save.error)
                  : undefined
            }
          />
        )}
        <EnvEditor value={draft} onChange={setDraft} errorAt={errorAt} disabled={save.isPending} />
        <div className="form-actions env-save">
          <PendingButton pending={save.isPending} pendingLabel="Saving…" disabled={!dirty}>
            Save variables
          </PendingButton>
          {dirty && !save.isPending ? (
            <button
              type="button"
              className="button button-quiet"
              onClick={() => {
                kept.discard(start);
                setSubmitted(false);
                save.reset();
              }}
            >
              Discard changes
            </button>
          ) : null}
          {dirty ? <span className="muted">Unsaved changes</span> : null}
        </div>
      </form>
    </section>
  );
}
