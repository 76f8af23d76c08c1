import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { definePack, type Pack } from "./pack.js";
import { isPack } from "./renderer.js";

/** The package whose packs the CLI offers without being told. */
export const DEFAULT_PACK_MODULE = "@babyhelm/template-pack-default";

/** A pack module that cannot be found, imported, or that exports no packs. */
export class PackLoadError extends Error {
  override readonly name = "PackLoadError";
}

export interface LoadPacksOptions {
  /** Package names or file paths given with --packs, in order. */
  modules: readonly string[];
  /** Also load DEFAULT_PACK_MODULE when it is installed. */
  includeDefault: boolean;
  cwd: string;
  /** Told when the default package is installed but cannot be loaded; the explicit packs still work. */
  warn: (message: string) => void;
}

/**
 * The packs of every module, explicit ones first. A module exports `packs` (an array) and/or a `default` (a pack or
 * an array). Packs of the default package whose name@version an explicit module already provides are skipped, so
 * `--packs ./my-fork-of-default` works.
 */
export async function loadPacks(options: LoadPacksOptions): Promise<Pack[]> {
  const loaded: Pack[] = [];
  const seenFiles = new Set<string>();
  for (const specifier of options.modules) {
    const file = resolveModule(specifier, options.cwd);
    if (file === undefined) {
      throw new PackLoadError(
        `cannot find pack module "${specifier}" (looked from ${options.cwd} and from the CLI's own install)`,
      );
    }
    if (seenFiles.has(file)) continue;
    seenFiles.add(file);
    loaded.push(...(await importPacks(specifier, file)));
  }
  if (options.includeDefault) {
    const file = resolveModule(DEFAULT_PACK_MODULE, options.cwd);
    if (file !== undefined && !seenFiles.has(file)) {
      try {
        const refs = new Set(loaded.map((pack) => pack.ref));
        loaded.push(...(await importPacks(DEFAULT_PACK_MODULE, file)).filter((pack) => !refs.has(pack.ref)));
      } catch (error) {
        options.warn(
          `${DEFAULT_PACK_MODULE} is installed but could not be loaded: ${(error as Error).message}`,
        );
      }
    }
  }
  return loaded;
}

function looksLikePath(specifier: string): boolean {
  return specifier.startsWith(".") || isAbsolute(specifier) || /\.[cm]?[jt]sx?$/.test(specifier);
}

/** A file path for a module: paths relative to cwd; package names from cwd first, then from the CLI's location. */
function resolveModule(specifier: string, cwd: string): string | undefined {
  if (looksLikePath(specifier)) {
    const file = resolve(cwd, specifier);
    return existsSync(file) ? file : undefined;
  }
  for (const parent of [join(cwd, "noop.js"), import.meta.url]) {
    try {
      return createRequire(parent).resolve(specifier);
    } catch {
      // Not installed there, or exported for `import` only; try the next place.
    }
  }
  return resolveImportOnlyPackage(specifier, cwd);
}

/**
 * require.resolve cannot see packages whose `exports` only has an `import` condition, and Node 20 has no stable
 * import.meta.resolve with a parent, so such packages are looked up in node_modules by hand.
 */
function resolveImportOnlyPackage(specifier: string, cwd: string): string | undefined {
  const parts = specifier.split("/");
  const nameLength = specifier.startsWith("@") ? 2 : 1;
  const name = parts.slice(0, nameLength).join("/");
  const subpath = parts.length > nameLength ? `./${parts.slice(nameLength).join("/")}` : ".";
  for (let dir = cwd; ; dir = dirname(dir)) {
    const packageDir = join(dir, "node_modules", name);
    const manifestFile = join(packageDir, "package.json");
    if (existsSync(manifestFile)) {
      const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as {
        exports?: unknown;
        main?: unknown;
      };
      const target =
        manifest.exports === undefined
          ? subpath === "."
            ? typeof manifest.main === "string"
              ? manifest.main
              : "index.js"
            : subpath
          : exportTarget(manifest.exports, subpath);
      if (target === undefined) return undefined;
      const file = resolve(packageDir, target);
      return existsSync(file) ? file : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function exportTarget(exports: unknown, subpath: string): string | undefined {
  const isSubpathMap =
    typeof exports === "object" &&
    exports !== null &&
    !Array.isArray(exports) &&
    Object.keys(exports).some((key) => key.startsWith("."));
  let entry: unknown = isSubpathMap
    ? (exports as Record<string, unknown>)[subpath]
    : subpath === "."
      ? exports
      : undefined;
  while (typeof entry === "object" && entry !== null) {
    if (Array.isArray(entry)) entry = entry[0] as unknown;
    else {
      const conditions = entry as Record<string, unknown>;
      entry = conditions.import ?? conditions.node ?? conditions.default;
    }
  }
  return typeof entry === "string" ? entry : undefined;
}

async function importPacks(specifier: string, file: string): Promise<Pack[]> {
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new PackLoadError(
      `cannot import pack module "${specifier}" (${file}): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const candidates = [namespace.packs, namespace.default].flatMap((value): unknown[] =>
    Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value],
  );
  const packs: Pack[] = [];
  for (const candidate of new Set(candidates)) {
    if (isPack(candidate)) packs.push(candidate);
    else if (
      typeof candidate === "object" &&
      candidate !== null &&
      "application" in candidate &&
      "project" in candidate
    ) {
      packs.push(definePack(candidate as Parameters<typeof definePack>[0]));
    } else {
      throw new PackLoadError(
        `pack module "${specifier}" exports something that is not a pack in "packs" or "default"`,
      );
    }
  }
  if (packs.length === 0)
    throw new PackLoadError(`pack module "${specifier}" exports no "packs" array and no default pack`);
  return packs;
}
