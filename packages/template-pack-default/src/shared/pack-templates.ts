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
