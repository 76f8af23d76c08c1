// What the server would apply for the spec being typed (for an edit, as a diff against what runs): `apps.previewManifests` (no side effects; a dry run against
// the cluster) as the person pauses, as the YAML the server writes with the SDK (what `babyhelm render` prints), or
// the server's reasons for refusing the spec.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { CodeBlock } from "../../components/code-block.js";
import { CopyButton } from "../../components/copy-button.js";
import { TextDiff } from "../../components/text-diff.js";
import { describeError, errorCode, fieldIssues } from "../../lib/errors.js";
import { describeIssue } from "../../lib/form-labels.js";
import { useDebounced } from "../../lib/use-debounced.js";
import { useTRPC } from "../../trpc.js";

export const PREVIEW_DELAY_MS = 400;

interface PreviewInput {
  project: string;
  name: string;
  pack: string;
  spec: Record<string, unknown>;
  /** "create": a taken name is an issue; "update": a diff against the app that runs. */
  intent: "create" | "update";
  /** The secrets given a new value in the form: the diff says "secret X changed". */
  changedSecrets?: readonly string[];
}

/**
 * What a preview sends for a changed secret instead of its value: the preview only needs to know which changed, and
 * a query's input travels in the URL, where proxies and access logs keep it.
 */
const CHANGED_SECRET = "(changed in the form)";

/** The preview of what is being typed, asked for once typing pauses. */
export function useManifestPreview(input: PreviewInput) {
  const trpc = useTRPC();
  const current = { ...input, name: input.name.trim() };
  const settled = useDebounced(current, PREVIEW_DELAY_MS);
  const waiting = JSON.stringify(settled) !== JSON.stringify(current);
  const query = useQuery({
    ...trpc.apps.previewManifests.queryOptions({
      project: settled.project,
      name: settled.name,
      pack: settled.pack,
      spec: settled.spec,
      intent: settled.intent,
      ...(settled.changedSecrets === undefined || settled.changedSecrets.length === 0
        ? {}
        : {
            secretValues: Object.fromEntries(settled.changedSecrets.map((name) => [name, CHANGED_SECRET])),
          }),
    }),
    enabled: settled.name !== "",
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });
  return { query, settled, updating: waiting || query.isFetching };
}

export function ManifestPreview({
  preview: { query: preview, settled, updating },
  against,
}: {
  preview: ReturnType<typeof useManifestPreview>;
  /** For an edit: the revision that runs, which the preview shows a diff against. */
  against?: number | undefined;
}) {
  let body;
  if (settled.name === "") {
    body = <p className="muted">Name the app to see the Kubernetes objects BabyHelm will create for it.</p>;
  } else if (preview.isPending) {
    body = <p className="loading">Rendering…</p>;
  } else if (preview.isError) {
    const issues = fieldIssues(preview.error);
    body =
      errorCode(preview.error) === "BAD_REQUEST" && issues.length > 0 ? (
        <div className="preview-issues">
          <p>
            <strong>Not valid for {settled.pack} yet:</strong>
          </p>
          <ul>
            {issues.map((issue) => (
              <li key={`${issue.path}:${issue.message}`}>{describeIssue(issue)}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="form-error">Could not render a preview. {describeError(preview.error)}</p>
      );
  } else {
    const { yaml } = preview.data;
    body = (
      <>
        <p className="preview-summary">
          <span className="muted">{preview.data.pack}:</span>{" "}
          {preview.data.manifests.map((object) => `${object.kind} ${object.metadata.name}`).join(", ")}
        </p>
        {preview.data.serverCheck.ok ? (
          <p className="preview-check preview-check-ok">The cluster accepts these objects (dry run).</p>
        ) : (
          <p className="preview-check preview-check-failed">
            The cluster would refuse these objects: {preview.data.serverCheck.message}
          </p>
        )}
        {against === undefined ? (
          <CodeBlock className="preview-yaml" label="Manifests as YAML">
            {yaml}
          </CodeBlock>
        ) : (
          <>
            <h3 className="preview-diff-title">Changes against revision {against} (what runs now)</h3>
            {preview.data.changes.length === 0 ? (
              <p className="muted">No changes yet: this would apply what runs now.</p>
            ) : (
              <TextDiff diff={preview.data.diff} label={`Changes against revision ${against}`} />
            )}
            <details className="preview-full">
              <summary>All manifests as YAML</summary>
              <CodeBlock className="preview-yaml" label="Manifests as YAML">
                {yaml}
              </CodeBlock>
            </details>
          </>
        )}
        <div className="form-actions">
          <CopyButton text={yaml} label="Copy YAML" />
        </div>
      </>
    );
  }

  return (
    <section className="card manifest-preview" aria-labelledby="preview-title" aria-busy={updating}>
      <div className="section-header">
        <h2 id="preview-title">Manifest preview</h2>
        <span className="muted preview-state" aria-live="polite">
          {updating && settled.name !== "" ? "Updating…" : ""}
        </span>
      </div>
      {body}
    </section>
  );
}
