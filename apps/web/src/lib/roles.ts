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

/** "an editor", "a viewer", "a creator": for sentences that name a role. */
export function withArticle(role: ProjectRole): string {
  return `${/^[aeiou]/.test(role) ? "an" : "a"} ${role}`;
}
