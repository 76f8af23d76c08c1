// The app's environment variables, plain and secret. Saving makes a new revision (apps.update with the current spec,
// the new variables and the secret values typed) from the revision the person started editing: if someone else
// changed the app meanwhile, the server refuses and the page offers to reload rather than overwrite their change.
// Unsaved rows are kept as a draft, secret values excepted.
import { useQuery } from "@tanstack/react-query";
import { useRef, useState, type SubmitEvent } from "react";
import { DraftNotice } from "../../components/draft-notice.js";
import { EnvEditor } from "../../components/env-editor.js";
import { FormError } from "../../components/field.js";
import { useLeaveGuard } from "../../components/leave-guard.js";
import { PendingButton } from "../../components/submit-button.js";
import { useToast } from "../../components/toast.js";
import {
  envRowPath,
  plainEnv,
  secretEnvRows,
  secretRowsOf,
  secretsOf,
  secretValuesOf,
  shapeOf,
  withoutSecretEnvValues,
} from "../../lib/app-draft.js";
import { envKeyOf, type AppContext, type SecretInfo } from "../../lib/app-state.js";
import { useDraft } from "../../lib/drafts.js";
import { ENV_NAME_PATTERN, ENV_NAME_RULE, type EnvVar } from "../../lib/env-file.js";
import { describeError, errorCode, fieldIssues, type FieldIssue } from "../../lib/errors.js";
import { useFocusFirstInvalid } from "../../lib/use-focus-invalid.js";
import { useSingleFlightMutation } from "../../lib/use-single-flight-mutation.js";
import { useTRPC } from "../../trpc.js";
import { useSecretInfo } from "./app-secrets.js";

/**
 * Issues of the rows as typed: paths are `env[row]`, rows counted on screen. A secret new to the app (not in
 * `saved`) needs a value; a saved one left empty keeps its value.
 */
export function envIssues(env: readonly EnvVar[], saved: ReadonlySet<string> = new Set()): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  env.forEach((variable, row) => {
    const name = variable.name.trim();
    if (name === "") {
      if (variable.value !== "" || variable.secret === true)
        issues.push({ path: `env[${row}].name`, message: "must not be empty" });
      return;
    }
    if (variable.reference !== undefined) {
      for (const field of ["secret", "key"] as const)
        if (variable.reference[field].trim() === "")
          issues.push({ path: `env[${row}].reference.${field}`, message: "must not be empty" });
    } else if (variable.secret === true && variable.value === "" && !saved.has(name)) {
      issues.push({ path: `env[${row}].value`, message: `must be given: ${name} is a new secret` });
    }
    if (!ENV_NAME_PATTERN.test(name))
      issues.push({ path: `env[${row}].name`, message: `must be ${ENV_NAME_RULE}` });
    const first = seen.get(name);
    if (first === undefined) seen.set(name, row);
    else issues.push({ path: `env[${row}].name`, message: `repeats variable ${first + 1} (${name})` });
  });
  return issues;
}

/** A server issue (`spec.env[1].name`, `secretValues.X`: counting only what was sent) on the row it is about. */
function rowIssue(issue: FieldIssue, env: readonly EnvVar[]): FieldIssue | undefined {
  const path = envRowPath(issue.path, env);
  if (path === undefined || path === "env") return undefined;
  return { path: /^env\[\d+\]$/.test(path) ? `${path}.name` : path, message: issue.message };
}

/** Whether the app's pack has secret variables (default@2.1 and later), from its JSON Schema. */
function usePackHasSecrets(context: AppContext): boolean {
  const trpc = useTRPC();
  const packs = useQuery({
    ...trpc.apps.packs.queryOptions({ project: context.app.project }),
    staleTime: Infinity,
  });
  const pack = packs.data?.find((candidate) => candidate.ref === context.app.pack);
  return pack === undefined ? secretRowsOf(context.app.spec).length > 0 : shapeOf(pack.specSchema).secrets;
}

export function AppEnvironment({ context }: { context: AppContext }) {
  const { app, mayManage } = context;
  const hasSecrets = usePackHasSecrets(context);
  const secretInfo = useSecretInfo(app.project, app.name, hasSecrets);
  const envKey = envKeyOf(app);
  if (envKey === undefined) {
    return <p className="muted">This app's pack ({app.pack}) has no environment variables.</p>;
  }
  if (!mayManage) return <EnvironmentTable env={[...app.env, ...secretRowsOf(app.spec)]} />;
  return (
    <EnvironmentForm context={context} envKey={envKey} hasSecrets={hasSecrets} secretInfo={secretInfo} />
  );
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
                    {variable.secret === true ? (
                      <span className="muted">
                        secret
                        {variable.reference === undefined
                          ? ""
                          : ` from Kubernetes Secret ${variable.reference.secret} (key ${variable.reference.key})`}
                      </span>
                    ) : variable.value === "" ? (
                      <span className="muted">(empty)</span>
                    ) : (
                      variable.value
                    )}
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

function EnvironmentForm({
  context,
  envKey,
  hasSecrets,
  secretInfo,
}: {
  context: AppContext;
  /** The spec field of the env list, as the app's pack describes it. */
  envKey: string;
  hasSecrets: boolean;
  secretInfo: ReadonlyMap<string, SecretInfo>;
}) {
  const { app, changed } = context;
  const trpc = useTRPC();
  const toast = useToast();
  // The rows and the revision they start from (saving is refused if the app moved on since), kept as a draft
  // across tab switches, reloads and sign-ins until saved or discarded.
  const startRows = [...app.env, ...secretRowsOf(app.spec)];
  const start = { base: { revision: app.revision, env: startRows }, rows: startRows };
  const kept = useDraft<{ base: { revision: number; env: EnvVar[] }; rows: EnvVar[] }>(
    [app.project, app.name, "env"],
    start,
    (value) => JSON.stringify(value.rows) !== JSON.stringify(value.base.env),
    (value) => ({ ...value, rows: withoutSecretEnvValues(value.rows) }),
  );
  const { base, rows: draft } = kept.value;
  const dirty = kept.dirty;
  const savedSecrets = new Set(
    base.env
      .filter((variable) => variable.secret === true && variable.reference === undefined)
      .map((variable) => variable.name),
  );
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
        const savedSpec = variables.spec as Record<string, unknown>;
        const saved = [...((savedSpec[envKey] ?? []) as EnvVar[]), ...secretRowsOf(savedSpec)];
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
    ...(submitted ? envIssues(draft, savedSecrets) : []),
    ...serverRows.filter((issue) => issue !== undefined),
  ];
  const errorAt = (path: string) => {
    const messages = issues.filter((issue) => issue.path === path).map((issue) => issue.message);
    return messages.length === 0 ? undefined : [...new Set(messages)].join("; ");
  };

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(true);
    if (envIssues(draft, savedSecrets).length > 0) {
      focusFirstInvalid();
      return;
    }
    const { secrets: _stored, ...rest } = app.spec as Record<string, unknown>;
    const spec = {
      ...rest,
      [envKey]: plainEnv(draft),
      ...(secretEnvRows(draft).length === 0 ? {} : { secrets: secretsOf(draft) }),
    };
    const secretValues = secretValuesOf(draft);
    save.mutate({
      project: app.project,
      name: app.name,
      spec,
      expectedRevision: base.revision,
      // Only the values typed: an untouched secret keeps the one the server holds.
      ...(hasSecrets && Object.keys(secretValues).length > 0 ? { secretValues } : {}),
    });
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
        Saving makes a new revision and rolls the pods over to it; the revisions tab can roll it back.{" "}
        {hasSecrets
          ? "Plain values are visible to everyone in the project; a Secret's value is kept sealed and never shown again (leave it empty to keep it, type to replace it)."
          : "Values are visible to everyone in the project: keep secrets out."}
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
            hasSecrets={draft.some((variable) => variable.secret === true)}
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
        <EnvEditor
          value={draft}
          onChange={setDraft}
          errorAt={errorAt}
          disabled={save.isPending}
          secrets={hasSecrets}
          secretInfo={secretInfo}
        />
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
