// A block of code, manifests or log lines to read or copy. Long lines scroll sideways, so the block takes the
// keyboard focus (keyboard users could not scroll it otherwise: WCAG 2.1.1, axe's scrollable-region-focusable), and
// it is a named group: a name on a bare <pre> is prohibited by ARIA, and screen readers would drop it.
import type { ReactNode } from "react";

export function CodeBlock({
  label,
  className,
  children,
}: {
  label: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <pre className={className} role="group" aria-label={label} tabIndex={0}>
      <code>{children}</code>
    </pre>
  );
}
