import type { ButtonHTMLAttributes, ReactNode } from "react";

interface PendingButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  pending: boolean;
  /** Shown while the request runs, e.g. "Creating…". */
  pendingLabel: string;
  variant?: "primary" | "secondary" | "danger" | "quiet";
  children: ReactNode;
}

/** A button that stays disabled and says what it is doing while its request runs. */
export function PendingButton({
  pending,
  pendingLabel,
  variant = "primary",
  children,
  disabled,
  className,
  type = "submit",
  ...rest
}: PendingButtonProps) {
  return (
    <button
      type={type}
      className={`button button-${variant}${className === undefined ? "" : ` ${className}`}`}
      disabled={pending || disabled}
      aria-busy={pending || undefined}
      {...rest}
    >
      {pending ? pendingLabel : children}
    </button>
  );
}
