import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PackDefinitionError } from "./errors.js";

/** Role names become file names and object keys; a leading letter keeps JS from reordering numeric-looking keys. */
export const ROLE_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Reads `<dir>/<role>.yaml.eta` for each role. The order of `roles` is the order of the objects a pack renders.
 * Pass `new URL("../packs/classic-1/application/", import.meta.url)` so the same code works from src and dist.
 */
export function loadTemplates(dir: URL, roles: readonly string[]): Record<string, string> {
  const base = dir.href.endsWith("/") ? dir : new URL(`${dir.href}/`);
  const templates: Record<string, string> = {};
  const problems: string[] = [];
  for (const role of roles) {
    if (!ROLE_NAME.test(role)) {
      problems.push(`role "${role}" must be lowercase letters, digits and "-", starting with a letter`);
      continue;
    }
    const file = new URL(`${role}.yaml.eta`, base);
    try {
      templates[role] = readFileSync(file, "utf8");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
      problems.push(`template for role "${role}": ${fileURLToPath(file)}: ${reason}`);
    }
  }
  if (problems.length > 0) throw new PackDefinitionError(problems);
  return templates;
}
