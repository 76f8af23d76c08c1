import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type SubmitEvent } from "react";
import { useNavigate } from "react-router";
import { Field, FormError } from "../components/field.js";
import { PendingButton } from "../components/submit-button.js";
import { useToast } from "../components/toast.js";
import { formErrors } from "../lib/errors.js";
import {
  PROJECT_NAME_MAX,
  PROJECT_NAME_RULE,
  projectNameProblem,
  suggestProjectName,
} from "../lib/project-name.js";
import { useFocusFirstInvalid } from "../lib/use-focus-invalid.js";
import { useSingleFlightMutation } from "../lib/use-single-flight-mutation.js";
import { useTRPC } from "../trpc.js";

export function NewProjectForm({ onCancel }: { onCancel: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const [name, setName] = useState("");
  // The rule is checked once the person has finished typing (left the field or submitted), not at every key.
  const [checked, setChecked] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const focusFirstInvalid = useFocusFirstInvalid(formRef);
  const create = useSingleFlightMutation(
    trpc.projects.create.mutationOptions({
      onSuccess: async (project) => {
        toast.success(`Project "${project.name}" is ready: its namespace was created in the cluster.`);
        await queryClient.invalidateQueries(trpc.projects.list.pathFilter());
        void navigate(`/projects/${encodeURIComponent(project.name)}`);
      },
      onError: focusFirstInvalid,
    }),
  );

  const localProblem = checked ? projectNameProblem(name) : undefined;
  const suggestion = localProblem === undefined ? undefined : suggestProjectName(name);
  const server = formErrors(create.error, ["name"] as const);
  const nameError = localProblem ?? (create.variables?.name === name ? server.byField.name : undefined);

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setChecked(true);
    if (projectNameProblem(name) !== undefined) {
      focusFirstInvalid();
      return;
    }
    create.mutate({ name });
  }

  return (
    <section className="card form-card" aria-labelledby="new-project-title">
      <h2 id="new-project-title">New project</h2>
      <form ref={formRef} onSubmit={submit} noValidate>
        <FormError message={create.variables?.name === name ? server.general : undefined} />
        <Field
          label="Project name"
          name="name"
          value={name}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={PROJECT_NAME_MAX + 10}
          placeholder="team-shop"
          // The form opens because the person asked for it: start typing straight away.
          autoFocus
          onChange={(event) => {
            setName(event.target.value);
          }}
          onBlur={() => {
            setChecked(name !== "");
          }}
          hint={PROJECT_NAME_RULE}
          error={nameError}
        />
        {suggestion === undefined ? null : (
          <p className="suggestion">
            <button
              type="button"
              className="button button-secondary button-small"
              onClick={() => {
                setName(suggestion);
              }}
            >
              Use &ldquo;{suggestion}&rdquo;
            </button>
          </p>
        )}
        <div className="form-actions">
          <PendingButton pending={create.isPending} pendingLabel="Creating…">
            Create project
          </PendingButton>
          <button
            type="button"
            className="button button-quiet"
            onClick={onCancel}
            disabled={create.isPending}
          >
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
