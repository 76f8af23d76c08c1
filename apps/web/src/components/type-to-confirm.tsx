import { useState, type SubmitEvent } from "react";
import { Field, FormError } from "./field.js";
import { PendingButton } from "./submit-button.js";

/** A destructive action that runs only once its target's name has been typed: deleting an app or a project. */
export function TypeToConfirm({
  name,
  error,
  pending,
  action,
  onConfirm,
}: {
  name: string;
  error: string | undefined;
  pending: boolean;
  /** The button's label: "Delete app". */
  action: string;
  onConfirm: () => void;
}) {
  const [typed, setTyped] = useState("");

  function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (typed === name) onConfirm();
  }

  return (
    <form onSubmit={submit} noValidate>
      <FormError message={error} />
      <Field
        label={`Type ${name} to confirm`}
        name="confirm"
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        value={typed}
        onChange={(event) => {
          setTyped(event.target.value);
        }}
      />
      <PendingButton pending={pending} pendingLabel="Deleting…" variant="danger" disabled={typed !== name}>
        {action}
      </PendingButton>
    </form>
  );
}
