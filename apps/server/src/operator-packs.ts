// BABYHELM_PACKS: the operator's pack modules, loaded once at start with the SDK's own loader (`babyhelm --packs`).
import { loadPacks, PackLoadError, type Pack } from "@babyhelm/manifest-sdk";
import { packs as builtInPacks } from "@babyhelm/template-pack-default";
import { ConfigError } from "./config.js";

/**
 * The built-in packs, then every pack of each module in `modules` (package names resolved from `cwd`, or paths).
 * Throws ConfigError naming each module that cannot be loaded, exports no pack, or brings a pack whose name@version
 * is already offered: a server that silently dropped a pack would leave the apps pinned to it unrenderable.
 */
export async function serverPacks(modules: readonly string[], cwd: string = process.cwd()): Promise<Pack[]> {
  const offered = new Map<string, string>(builtInPacks.map((pack) => [pack.ref, "built in"]));
  const packs: Pack[] = [...builtInPacks];
  const problems: string[] = [];
  for (const specifier of modules) {
    let loaded: Pack[];
    try {
      // One module at a time, so that every broken module is reported at once, each under its own name.
      loaded = await loadPacks({ modules: [specifier], includeDefault: false, cwd, warn: () => undefined });
    } catch (error) {
      const reason =
        error instanceof PackLoadError ? error.message : `pack module "${specifier}": ${String(error)}`;
      problems.push(`BABYHELM_PACKS: ${reason}`);
      continue;
    }
    for (const pack of loaded) {
      const owner = offered.get(pack.ref);
      if (owner === undefined) {
        offered.set(pack.ref, `from "${specifier}"`);
        packs.push(pack);
      } else {
        problems.push(
          `BABYHELM_PACKS: pack module "${specifier}" provides ${pack.ref}, which is already offered (${owner}); give the pack another name or version`,
        );
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return packs;
}
