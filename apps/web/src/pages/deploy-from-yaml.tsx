// "Deploy from YAML": an app document (what "Export as YAML" and `babyhelm export app` write) pasted or uploaded,
// previewed as a diff against what runs (apps.previewManifests), then created or applied as a new revision: what
// `babyhelm deploy -f` does, for those without a terminal.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type SubmitEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import {
  formatIssue,
  ManifestInputError,
  parseAppDocument,
  sameAppSpec,
  type AppDocument,
} from "@babyhelm/manifest-sdk/app-document";
import { PageTitle } from "../components/page-title.js";
import { PendingButton } from "../components/submit-button.js";
import { TextDiff } from "../components/text-diff.js";
import { useToast } from "../components/toast.js";
import { describeError, errorCode, fieldIssues } from "../lib/errors.js";
import { canManageApps } from "../lib/roles.js";
import { useTRPC } from "../trpc.js";

interface Plan {
  document: AppDocument;
  /** The app as it runs; undefined for a new one. */
  current: { revision: number; pack: string } | undefined;
  upToDate: boolean;
  diff: string;
}

interface Refusal {
  message: string;
  issues: string[];
}

export default function DeployFromYamlPage() {
  const { name: project = "" } = useParams();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const role = useQuery(trpc.projects.get.queryOptions({ name: project })).data?.role;
  const [text, setText] = useState("");
  const [plan, setPlan] = useState<Plan>();
  const [refusal, setRefusal] = useState<Refusal>();
  const [busy, setBusy] = useState<"preview" | "apply">();
  const create = useMutation(trpc.apps.create.mutationOptions());
  const update = useMutation(trpc.apps.update.mutationOptions());
  const projectPath = `/projects/${encodeURIComponent(project)}`;

  function edited(value: string) {
    setText(value);
    setPlan(undefined);
    setRefusal(undefined);
  }

  async function preview(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setPlan(undefined);
    setRefusal(undefined);
    let document: AppDocument;
    try {
      document = parseAppDocument(text);
    } catch (error) {
      if (!(error instanceof ManifestInputError)) throw error;
      setRefusal({ message: "This is not an app document:", issues: error.issues.map(formatIssue) });
      return;
    }
    const { name, pack, spec } = document;
    setBusy("preview");
    try {
      const current = await queryClient
        .query(trpc.apps.get.queryOptions({ project, name }))
        .catch((error: unknown) => {
          if (errorCode(error) === "NOT_FOUND") return undefined;
          throw error;
        });
      const running = current === undefined ? undefined : { revision: current.revision, pack: current.pack };
      if (
        current !== undefined &&
        sameAppSpec(current.spec, spec) &&
        (pack ?? current.pack) === current.pack
      ) {
        setPlan({ document, current: running, upToDate: true, diff: "" });
        return;
      }
      const previewed = await queryClient.query(
        trpc.apps.previewManifests.queryOptions({
          project,
          name,
          spec,
          intent: current === undefined ? "create" : "update",
          ...(pack === undefined ? {} : { pack }),
        }),
      );
      if (current !== undefined && previewed.pack !== current.pack) {
        setRefusal({
          message: `${name} runs ${current.pack} and the document asks for ${pack!} (${previewed.pack}): upgrade its pack on the app's Settings tab first, then deploy.`,
          issues: [],
        });
        return;
      }
      setPlan({ document, current: running, upToDate: false, diff: previewed.diff });
    } catch (error) {
      setRefusal({ message: describeError(error), issues: fieldIssues(error).map(formatIssue) });
    } finally {
      setBusy(undefined);
    }
  }

  async function apply(planned: Plan) {
    const { name, pack, spec } = planned.document;
    setBusy("apply");
    try {
      // expectedRevision: a change made since the preview is refused (CONFLICT), not overwritten.
      const { revision } =
        planned.current === undefined
          ? await create.mutateAsync({ project, name, spec, ...(pack === undefined ? {} : { pack }) })
          : await update.mutateAsync({ project, name, spec, expectedRevision: planned.current.revision });
      await queryClient.invalidateQueries(trpc.apps.pathFilter());
      toast.success(`Revision ${revision} of ${name} is rolling out.`);
      await navigate(`${projectPath}/apps/${encodeURIComponent(name)}`);
    } catch (error) {
      setPlan(undefined);
      setRefusal({ message: describeError(error), issues: fieldIssues(error).map(formatIssue) });
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <div className="page">
      <PageTitle>{`Deploy from YAML · ${project}`}</PageTitle>
      <p className="breadcrumb">
        <Link to="/projects">Projects</Link> <span aria-hidden="true">/</span>{" "}
        <Link to={projectPath}>{project}</Link> <span aria-hidden="true">/</span>
      </p>
      <h1>Deploy from YAML</h1>
      <p className="muted">
        Paste or upload an app document (what an app&apos;s &quot;Export as YAML&quot; and{" "}
        <code>babyhelm export app</code> write): <code>name</code>, <code>pack</code> and <code>spec</code>. A
        new name creates the app; an existing one gets a new revision when the spec differs. You see the
        change before it is applied.
      </p>
      {role !== undefined && !canManageApps(role) ? (
        <p className="notice">As a viewer of {project} you can preview a document but not deploy it.</p>
      ) : null}
      <form onSubmit={(event) => void preview(event)} noValidate>
        <div className="field">
          <label htmlFor="yaml-file">Upload a file</label>
          <input
            id="yaml-file"
            type="file"
            accept=".yaml,.yml,.json,application/yaml,application/json,text/yaml"
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              if (file !== undefined) void file.text().then(edited);
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="yaml-text">App document</label>
          <textarea
            id="yaml-text"
            className="yaml-input"
            spellCheck={false}
            value={text}
            onChange={(event) => {
              edited(event.currentTarget.value);
            }}
          />
        </div>
        <PendingButton pending={busy === "preview"} pendingLabel="Previewing…" disabled={text.trim() === ""}>
          Preview
        </PendingButton>
      </form>
      {refusal === undefined ? null : (
        <div className="form-error" role="alert">
          <p>{refusal.message}</p>
          {refusal.issues.length === 0 ? null : (
            <ul>
              {refusal.issues.map((issue) => (
                <li key={issue}>{issue}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {plan === undefined ? null : (
        <section aria-labelledby="plan-title" className="deploy-plan">
          <h2 id="plan-title">
            {plan.current === undefined
              ? `New app ${plan.document.name}`
              : plan.upToDate
                ? `${plan.document.name} is up to date (revision ${plan.current.revision})`
                : `Changes to ${plan.document.name} (now at revision ${plan.current.revision})`}
          </h2>
          {plan.upToDate ? (
            <p>The document is what runs: there is nothing to deploy.</p>
          ) : (
            <>
              <TextDiff diff={plan.diff} label={`What changes in ${plan.document.name}`} />
              <PendingButton
                type="button"
                pending={busy === "apply"}
                pendingLabel="Deploying…"
                disabled={role === undefined || !canManageApps(role)}
                onClick={() => void apply(plan)}
              >
                {plan.current === undefined ? `Create ${plan.document.name}` : "Apply as a new revision"}
              </PendingButton>
            </>
          )}
        </section>
      )}
    </div>
  );
}
