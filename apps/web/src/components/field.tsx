import { useId, type InputHTMLAttributes, type ReactNode } from "react";
import { withLabel } from "../lib/project-name.js";

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "id"> {
  label: string;
  /** What the value should look like, shown under the label before anything goes wrong. */
  hint?: ReactNode;
  /** Why the value was refused, worded to follow the label ("must be…"). */
  error?: string | undefined;
}

/** What a control needs to be tied to its label, hint and error: its id and its aria attributes. */
export interface ControlProps {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

/**
 * The label, hint and error around one form control (an input, a select), tied to it for screen readers; the
 * control itself is drawn by `children` with the props it is given.
 */
export function FieldFrame({
  label,
  hint,
  error,
  className,
  children,
}: {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  className?: string | undefined;
  children: (control: ControlProps) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint === undefined ? undefined : hintId, error === undefined ? undefined : errorId]
    .filter(Boolean)
    .join(" ");
  return (
    <div
      className={`field${error === undefined ? "" : " field-invalid"}${className === undefined ? "" : ` ${className}`}`}
    >
      <label htmlFor={id}>{label}</label>
      {hint === undefined ? null : (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      {children({
        id,
        "aria-invalid": error === undefined ? undefined : true,
        "aria-describedby": describedBy === "" ? undefined : describedBy,
      })}
      {error === undefined ? null : (
        <p id={errorId} className="field-error">
          {withLabel(label, error)}
        </p>
      )}
    </div>
  );
}

/** A labelled input whose hint and error are tied to it for screen readers. */
export function Field({ label, hint, error, className, ...input }: FieldProps) {
  return (
    <FieldFrame label={label} hint={hint} error={error} className={className}>
      {(control) => <input {...control} {...input} />}
    </FieldFrame>
  );
}

/** A refusal that concerns the whole form, read out as soon as it appears. */
export function FormError({ message }: { message: string | undefined }) {
  if (message === undefined) return null;
  return (
    <div className="form-error" role="alert">
      {message}
    </div>
  );
}
