import type { ReactNode } from "react";

/** What an empty list means and the next step, instead of a blank space. */
export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="empty-state">
      <h3>{title}</h3>
      <div className="empty-state-text">{children}</div>
      {action === undefined ? null : <div className="empty-state-action">{action}</div>}
    </div>
  );
}
