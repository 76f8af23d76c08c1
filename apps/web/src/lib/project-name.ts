// The project-name rule, checked as the person types. The server checks it again (packages/api/src/shared/names.ts)
// and its words are the same, so a name refused here would be refused there for the same reason.
import { DNS_1123_LABEL } from "@babyhelm/manifest-sdk/names";

export const PROJECT_NAME_MAX = 63;

export const PROJECT_NAME_RULE =
  "Lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit. It becomes the Kubernetes namespace, so it can't be changed later.";

/** Why `name` cannot name a project, worded to follow "Project name", or undefined when it can. */
export function projectNameProblem(name: string): string | undefined {
  if (name === "") return "must not be empty";
  if (name.length > PROJECT_NAME_MAX) return "must be at most 63 characters (it is the namespace name)";
  if (!DNS_1123_LABEL.test(name)) {
    if (/[A-Z]/.test(name) && DNS_1123_LABEL.test(name.toLowerCase())) return "must be lowercase";
    return "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit";
  }
  if (name === "default") return '"default" is Kubernetes\' own namespace; choose another name';
  if (name.startsWith("kube-")) return 'names starting with "kube-" are reserved by Kubernetes';
  return undefined;
}

/** "must be at least…" reads on after a field's label; a sentence of its own gets a colon. */
export function withLabel(label: string, message: string): string {
  return /^(must|is|are|repeats|should|cannot)\b/.test(message)
    ? `${label} ${message}`
    : `${label}: ${message}`;
}

/** A name the rule accepts, made from what was typed ("Team Shop!" gives "team-shop"), or undefined. */
export function suggestProjectName(typed: string): string | undefined {
  const slug = typed
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, PROJECT_NAME_MAX)
    .replace(/^-+|-+$/g, "");
  return slug !== typed && projectNameProblem(slug) === undefined ? slug : undefined;
}
