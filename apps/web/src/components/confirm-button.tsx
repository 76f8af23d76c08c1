// Inline confirmations ("Remove ada@example.com? Remove / Cancel"): asked in place, one at a time on the page.
import { useCallback, useEffect, useId, useRef, useSyncExternalStore } from "react";

/** The id of the one confirmation open on the page: opening another closes it, so two never wait side by side. */
let openConfirmation: string | null = null;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

function setOpenConfirmation(id: string | null): void {
  openConfirmation = id;
  for (const listener of listeners) listener();
}

/**
 * Whether this component's confirmation is the one open, and a setter: opening it closes any other (a second
 * question open elsewhere would leave the first one's answer to a later click, about something no longer in view).
 */
export function useExclusiveConfirmation(): [boolean, (open: boolean) => void] {
  const id = useId();
  const open = useSyncExternalStore(
    subscribe,
    () => openConfirmation === id,
    () => false,
  );
  const setOpen = useCallback(
    (next: boolean) => {
      if (next) setOpenConfirmation(id);
      else if (openConfirmation === id) setOpenConfirmation(null);
    },
    [id],
  );
  return [open, setOpen];
}

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
  const [asking, setAsking] = useExclusiveConfirmation();
  const trigger = useRef<HTMLButtonElement>(null);
  // Set when the person backs out (Cancel, Escape): the question goes away under their focus, so the focus goes
  // back to the button that asked it rather than to the page's start. Not when another question took over.
  const refocus = useRef(false);
  const showsTrigger = !asking && !pending;
  useEffect(() => {
    if (showsTrigger && refocus.current) {
      refocus.current = false;
      trigger.current?.focus();
    }
  }, [showsTrigger]);
  const backOut = () => {
    refocus.current = true;
    setAsking(false);
  };

  if (showsTrigger) {
    return (
      <button
        ref={trigger}
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
    <span
      className="confirm"
      role="group"
      aria-label={question}
      onKeyDown={(event) => {
        if (event.key !== "Escape" || pending) return;
        // Escape answers this question only, not a dialog or page around it.
        event.stopPropagation();
        backOut();
      }}
    >
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
        <button type="button" className="button button-small button-quiet" onClick={backOut}>
          Cancel
        </button>
      )}
    </span>
  );
}
