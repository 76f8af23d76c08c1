import { useState } from "react";

interface ConfirmButtonProps {
  /** The button's label, e.g. "Remove". */
  label: string;
  /** What happens, asked before doing it: "Remove ada@example.com from the project?" */
  question: string;
  confirmLabel: string;
  pendingLabel: string;
  pending: boolean;
  onConfirm: () => void;
  variant?: "danger" | "secondary";
  /** Names the button for screen readers when its label alone is ambiguous in a list. */
  ariaLabel?: string;
}

/** An action that asks once, in place (no modal), before it runs: for removals and revocations. */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  pendingLabel,
  pending,
  onConfirm,
  variant = "danger",
  ariaLabel,
}: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  if (!asking && !pending) {
    return (
      <button
        type="button"
        className={`button button-small button-${variant === "danger" ? "quiet-danger" : "secondary"}`}
        aria-label={ariaLabel}
        onClick={() => {
          setAsking(true);
        }}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm-question">{question}</span>
      <button
        type="button"
        className={`button button-small button-${variant}`}
        disabled={pending}
        aria-busy={pending || undefined}
        onClick={() => {
          onConfirm();
          setAsking(false);
        }}
        // The question replaced the button under the person's focus: keep it there.
        autoFocus
      >
        {pending ? pendingLabel : confirmLabel}
      </button>
      {pending ? null : (
        <button
          type="button"
          className="button button-small button-quiet"
          onClick={() => {
            setAsking(false);
          }}
        >
          Cancel
        </button>
      )}
    </span>
  );
}
