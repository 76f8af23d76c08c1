/**
 * Where to go after signing in: the `next` parameter when it is a path on this site, else the projects page.
 * Anything else (`//evil.example`, `https://…`, `/\evil`) would make the sign-in page an open redirect.
 */
export function safeNext(next: string | null | undefined, fallback = "/projects"): string {
  if (next === null || next === undefined) return fallback;
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  if (/^\/(login|register)\b/.test(next)) return fallback;
  return next;
}

export function loginPath(next: string): string {
  return `/login?next=${encodeURIComponent(next)}`;
}
