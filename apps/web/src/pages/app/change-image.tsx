// The quickest fix for an app that failed on its image: one field and one button that deploy the next revision
// with only the image changed, and a way to the full Edit form for anything else.
import { useMutation } from "@tanstack/react-query";
import { useState, type SubmitEvent } from "react";
import { Link } from "react-router";
import { Field } from "../../components/field.js";
import { PendingButton } from "../../components/submit-button.js";
import { useToast } from "../../components/toast.js";
import { imageWarning } from "../../lib/app-draft.js";
import type { AppContext } from "../../lib/app-state.js";
import { describeError, fieldIssues } from "../../lib/errors.js";
import { useTRPC } from "../../trpc.js";

export function editPath(app: { project: string; name: string }): string {
  return `/projects/${encodeURIComponent(app.project)}/apps/${encodeURIComponent(app.name)}/edit`;
}

export function ChangeImage({ context }: { context: AppContext }) {
  const { app, changed } = context;
  const trpc = useTRPC();
  const toast = useToast();
  const [image, setImage] = useState(app.image ?? "");
  const change = useMutation(
    trpc.apps.update.mutationOptions({
      onSuccess: async (result) => {
        toast.success(`Revision ${result.revision} of ${app.name} runs ${image.trim()}: it is rolling out.`);
        await changed();
      },
    }),
  );
  const unchanged = image.trim() === "" || image.trim() === app.image;
  const issue = fieldIssues(change.error).find((candidate) => /(^|\.)image$/.test(candidate.path));
  const warning = imageWarning(image);

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (unchanged) return;
    change.mutate({
      project: app.project,
      name: app.name,
      spec: { ...(app.spec as Record<string, unknown>), image: image.trim() },
      expectedRevision: app.revision,
    });
  }

  return (
    <form className="change-image" onSubmit={submit} noValidate aria-label="Change the image">
      <Field
        label="Image"
        name="image"
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        value={image}
        error={issue?.message}
        hint={
          warning === undefined ? (
            "Deploys revision " + String(app.revision + 1) + " with only the image changed."
          ) : (
            <span className="field-warning">Warning: {warning}</span>
          )
        }
        onChange={(event) => {
          setImage(event.target.value);
          change.reset();
        }}
      />
      <div className="form-actions">
        <PendingButton pending={change.isPending} pendingLabel="Deploying…" disabled={unchanged}>
          Change image
        </PendingButton>
        <Link to={editPath(app)} className="button button-quiet">
          Edit everything
        </Link>
      </div>
      {change.error !== null && issue === undefined ? (
        <p className="form-error" role="alert">
          {describeError(change.error)}
        </p>
      ) : null}
    </form>
  );
}
