import { loadTemplates } from "@babyhelm/manifest-sdk";

/**
 * Reads `packs/<name>/<version>/<target>/<role>.yaml.eta`. Templates live outside src and are resolved against this
 * module's URL, which sits two levels below the package root both in src/ and in the built dist/.
 */
export function packTemplates(
  pack: string,
  version: string,
  target: "application" | "project",
  roles: readonly string[],
): Record<string, string> {
  return loadTemplates(new URL(`../../packs/${pack}/${version}/${target}/`, import.meta.url), roles);
}

/**
 * Templates of one target taken from several versions of a pack, in the order given: a new version ships only the
 * templates it changes and reuses the older version's files for the rest.
 */
export function packTemplatesAcrossVersions(
  pack: string,
  target: "application" | "project",
  roles: readonly (readonly [role: string, version: string])[],
): Record<string, string> {
  const templates: Record<string, string> = {};
  for (const [role, version] of roles) Object.assign(templates, packTemplates(pack, version, target, [role]));
  return templates;
}
