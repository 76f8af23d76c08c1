import type { ProjectRole } from "../lib/roles.js";

export function RoleBadge({ role }: { role: ProjectRole }) {
  return <span className={`badge badge-${role}`}>{role}</span>;
}
