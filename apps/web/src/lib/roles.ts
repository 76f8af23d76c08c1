// The project roles as the dashboard shows and words them; the server decides what each may do.
export const PROJECT_ROLES = ["viewer", "editor", "creator"] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

/** What each role may do, worded to follow "may": "A viewer may look at…". */
export const ROLE_ABILITIES: Record<ProjectRole, string> = {
  creator: "do everything: manage apps and collaborators, and delete the project",
  editor: "create, update, restart, roll back and delete apps",
  viewer: "look at apps, their status and collaborators, but change nothing",
};

export function canManageApps(role: ProjectRole): boolean {
  return role === "creator" || role === "editor";
}

/** "an" before "editor", "a" before "viewer" and "creator". */
export function articleFor(role: string): "a" | "an" {
  return /^[aeiou]/i.test(role) ? "an" : "a";
}

/** "an editor", "a viewer", "a creator": for sentences that name a role. */
export function withArticle(role: string): string {
  return `${articleFor(role)} ${role}`;
}
