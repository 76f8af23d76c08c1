/**
 * The vendored Kubernetes 1.35 OpenAPI v2 document, loaded once on first use and indexed by
 * group/version/kind.
 *
 * Loading is lazy because the file is 4 MB: importing the SDK to render manifests must not pay for it.
 * Only `definitions` is kept; `paths` and the rest are dropped after parsing.
 */
import { readFileSync } from "node:fs";

/** The subset of a swagger 2.0 schema node that Kubernetes' document uses. */
export interface SchemaNode {
  $ref?: string;
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  format?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  required?: string[];
  enum?: unknown[];
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-group-version-kind"?: { group: string; version: string; kind: string }[];
}

/** A top-level kind the spec knows, and the definition that describes it. */
export interface KindDefinition {
  /** The definition's name in the spec, e.g. `io.k8s.api.apps.v1.Deployment`. */
  definition: string;
  /** `""` for the core group. */
  group: string;
  version: string;
  kind: string;
  /** `apps/v1`, or `v1` for the core group. */
  apiVersion: string;
  /**
   * Whether objects of this kind carry ObjectMeta, and so need a name. Lists (ListMeta) and meta
   * kinds such as Status or DeleteOptions do not.
   */
  hasObjectMeta: boolean;
}

interface SchemaIndex {
  definitions: ReadonlyMap<string, SchemaNode>;
  byApiVersionKind: ReadonlyMap<string, KindDefinition>;
  apiVersionsByKind: ReadonlyMap<string, string[]>;
}

const SPEC_URL = new URL("../../openapi/kubernetes-1.35-openapi-v2.json", import.meta.url);

const OBJECT_META_REF = "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

let index: SchemaIndex | undefined;

function buildIndex(): SchemaIndex {
  const spec = JSON.parse(readFileSync(SPEC_URL, "utf8")) as { definitions: Record<string, SchemaNode> };
  const definitions = new Map(Object.entries(spec.definitions));
  const byApiVersionKind = new Map<string, KindDefinition>();
  const apiVersionsByKind = new Map<string, string[]>();
  for (const [definition, node] of definitions) {
    const hasObjectMeta = node.properties?.metadata?.$ref === OBJECT_META_REF;
    for (const { group, version, kind } of node["x-kubernetes-group-version-kind"] ?? []) {
      const apiVersion = group === "" ? version : `${group}/${version}`;
      const key = `${apiVersion}|${kind}`;
      // A few meta kinds (DeleteOptions, WatchEvent) are listed under several definitions; the first one
      // is the canonical `meta/v1` one, which is what the server decodes them as.
      if (byApiVersionKind.has(key)) continue;
      byApiVersionKind.set(key, { definition, group, version, kind, apiVersion, hasObjectMeta });
      const versions = apiVersionsByKind.get(kind);
      if (versions === undefined) apiVersionsByKind.set(kind, [apiVersion]);
      else if (!versions.includes(apiVersion)) versions.push(apiVersion);
    }
  }
  for (const versions of apiVersionsByKind.values()) versions.sort();
  return { definitions, byApiVersionKind, apiVersionsByKind };
}

function schemaIndex(): SchemaIndex {
  return (index ??= buildIndex());
}

/**
 * Loads and indexes the spec now rather than on the first validation (about 40 ms), e.g. while a server
 * starts. Throws if the vendored spec cannot be read: that is a broken installation, not a bad manifest.
 */
export function preloadSchema(): void {
  schemaIndex();
}

/** The named definition (`io.k8s.api.core.v1.Container`), or undefined when the spec has none. */
export function getDefinition(name: string): SchemaNode | undefined {
  return schemaIndex().definitions.get(name);
}

/**
 * Finds the schema of a top-level kind, e.g. `findDefinition("apps/v1", "Deployment")`.
 *
 * @returns the definition, or undefined when Kubernetes 1.35 serves no such apiVersion/kind.
 */
export function findDefinition(apiVersion: string, kind: string): KindDefinition | undefined {
  return schemaIndex().byApiVersionKind.get(`${apiVersion}|${kind}`);
}

/**
 * The apiVersions under which Kubernetes 1.35 serves `kind`, sorted; empty when the kind is unknown.
 * Used to say what to write instead of a removed version (`autoscaling/v2beta2` → `autoscaling/v2`).
 */
export function knownApiVersions(kind: string): readonly string[] {
  return schemaIndex().apiVersionsByKind.get(kind) ?? [];
}
