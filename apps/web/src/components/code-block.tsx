// A block of code to read or copy. Long lines scroll sideways, so the block takes the keyboard focus (with a name
// for screen readers): without it, keyboard users could not scroll it (WCAG 2.1.1, axe's scrollable-region-focusable).
import type { ReactNode } from "react";

export function CodeBlock({ label, children }: { label: string; children: ReactNode }) {
  return (
    <pre tabIndex={0} aria-label={label}>
      <code>{children}</code>
    </pre>
  );
}
