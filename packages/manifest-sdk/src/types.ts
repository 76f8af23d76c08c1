import type { z } from "zod";

/** Any Kubernetes object as plain JSON. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** What a pack renders: the objects of one application, or of one project (its namespace and guards). */
export type PackTarget = "application" | "project";

/** What an Eta template sees as `it`. */
export interface TemplateContext<Values> {
  /** The pack schema's parsed output (defaults applied). */
  values: Values;
  pack: { name: string; version: string };
  /**
   * Emits a value as JSON: a JSON scalar or flow collection is valid YAML, so no user value can add
   * YAML structure. Templates must pass every user-provided value through it.
   */
  json: (value: unknown) => string;
}

export interface PackTargetDefinition<Schema extends z.ZodType = z.ZodType> {
  /** Validates and normalises the input; its output is `it.values`. */
  schema: Schema;
  /** The object kinds these templates may emit, e.g. ["Deployment", "Service"]. */
  kinds: readonly string[];
  /**
   * Role -> Eta source of a YAML document (or several, separated by `---`). The role names what the
   * template renders ("deployment"). A template that renders only whitespace emits nothing, so optional
   * objects (an Ingress, a PodDisruptionBudget) are templates that render empty when not wanted.
   */
  templates: Readonly<Record<string, string>>;
}

export interface PackDefinition<
  AppSchema extends z.ZodType = z.ZodType,
  ProjectSchema extends z.ZodType = z.ZodType,
> {
  /** Lowercase name, a DNS-1123 label: "classic", "default". */
  name: string;
  /** Full semver: "1.0.0". */
  version: string;
  description: string;
  application: PackTargetDefinition<AppSchema>;
  project: PackTargetDefinition<ProjectSchema>;
  /** Which application fields a generic client (a form, the server's env editor) may read and write, if any. */
  describes?: PackDescribes;
}

/**
 * What a generic client needs to know of an application spec without knowing the pack: each entry is the dotted path
 * of a field of the application's input ("image", "container.env"), or absent when the pack has no such field. The
 * JSON Schema marks each such property with `"x-babyhelm-role": "<role>"`.
 */
export interface PackDescribes {
  /** The container image reference: a string. */
  image?: string;
  /** The environment variables: a list of `{ name, value }` strings. */
  env?: string;
  /** The ports the app listens on, in the pack's own shape. */
  ports?: string;
  /** Names of Secrets the app reads. */
  secrets?: string;
  /** How many copies run: an integer. */
  replicas?: string;
}

export type DescribedRole = keyof PackDescribes;
