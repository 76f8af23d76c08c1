import semver from "semver";
import { PackError, PackNotFoundError } from "./errors.js";
import { definePack, type Pack } from "./pack.js";
import type { KubernetesObject, PackDefinition, PackTarget } from "./types.js";

export const DEFAULT_PACK_REF = "default@2";

export interface RendererOptions {
  /** Packs made with definePack (a bare PackDefinition is accepted and defined on the spot). */
  packs: readonly (Pack | PackDefinition)[];
  /** Used when a render call names no pack. Default "default@2". */
  defaultPack?: string;
}

export interface RenderOptions {
  /** "name@semver-range" or "name" (any version); the highest registered version that satisfies it is used. */
  pack?: string;
}

export interface PackSummary {
  name: string;
  version: string;
  ref: string;
  description: string;
  kinds: Readonly<Record<PackTarget, readonly string[]>>;
}

export interface Renderer {
  renderApplication(input: unknown, options?: RenderOptions): KubernetesObject[];
  renderProject(input: unknown, options?: RenderOptions): KubernetesObject[];
  /** The pack a reference selects; throws PackNotFoundError naming what is registered. */
  resolvePack(ref?: string): Pack;
  /** Registered packs, by name then newest version first. */
  listPacks(): PackSummary[];
}

export function isPack(value: unknown): value is Pack {
  const candidate = value as Partial<Pack> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.ref === "string" &&
    typeof candidate.render === "function" &&
    typeof candidate.jsonSchema === "function"
  );
}

export function createRenderer(options: RendererOptions): Renderer {
  const defaultRef = options.defaultPack ?? DEFAULT_PACK_REF;
  const byName = new Map<string, Pack[]>();
  for (const entry of options.packs) {
    // Duck-typed rather than instanceof: a third-party pack may come with its own copy of this SDK.
    const pack = isPack(entry) ? entry : definePack(entry);
    const versions = byName.get(pack.name) ?? [];
    if (versions.some((known) => known.version === pack.version)) {
      throw new PackError(`${pack.ref} is registered twice`);
    }
    versions.push(pack);
    byName.set(pack.name, versions);
  }
  for (const versions of byName.values()) versions.sort((a, b) => semver.rcompare(a.version, b.version));
  const registered = [...byName.values()].flat().map((pack) => pack.ref);

  // Registrations never change, so each reference resolves once; the cap only guards against unbounded distinct refs.
  const resolved = new Map<string, Pack>();

  function resolvePack(ref: string = defaultRef): Pack {
    const cached = resolved.get(ref);
    if (cached !== undefined) return cached;
    if (typeof ref !== "string")
      throw new PackNotFoundError(String(ref), "a pack reference must be a string", registered);
    const at = ref.indexOf("@");
    const name = at === -1 ? ref : ref.slice(0, at);
    const range = at === -1 ? "*" : ref.slice(at + 1).trim() || "*";
    if (semver.validRange(range) === null) {
      throw new PackNotFoundError(ref, `"${range}" is not a semver range`, registered);
    }
    const versions = byName.get(name);
    if (versions === undefined) throw new PackNotFoundError(ref, `no pack is named "${name}"`, registered);
    const pack = versions.find((candidate) => semver.satisfies(candidate.version, range));
    if (pack === undefined)
      throw new PackNotFoundError(ref, `no version of "${name}" satisfies ${range}`, registered);
    if (resolved.size >= 1024) resolved.clear();
    resolved.set(ref, pack);
    return pack;
  }

  return {
    renderApplication: (input, renderOptions) =>
      resolvePack(renderOptions?.pack).render("application", input),
    renderProject: (input, renderOptions) => resolvePack(renderOptions?.pack).render("project", input),
    resolvePack,
    listPacks: () =>
      [...byName.keys()]
        .sort()
        .flatMap((name) => byName.get(name)!)
        .map(({ name, version, ref, description, kinds }) => ({ name, version, ref, description, kinds })),
  };
}
