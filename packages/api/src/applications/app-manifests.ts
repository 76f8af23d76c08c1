import type { Project } from "@babyhelm/db";
import { ManifestInputError, PackError, type KubernetesObject, type Renderer } from "@babyhelm/manifest-sdk";
import { withOwnerLabels } from "../cluster/owned-labels.js";
import { FieldError } from "../shared/errors.js";

export interface RenderedApp {
  /** The exact pack version ("default@2.0.0"): pinned to the app until its owner upgrades. */
  packRef: string;
  /** The spec as stored: the caller's, with the app name filled in. */
  spec: Record<string, unknown>;
  /** What gets applied: the pack's objects in the project's namespace, labelled with project and app. */
  manifests: KubernetesObject[];
}

/** What runs an app: status, logs and metrics follow it. */
const WORKLOAD_KINDS: readonly string[] = ["Deployment", "CronJob"];

/** Renders an app's spec with a pack; every bad field is named with its path under `spec`. */
export function renderApp(
  renderer: Renderer,
  project: Pick<Project, "name" | "namespace">,
  name: string,
  packRef: string,
  spec: unknown,
): RenderedApp {
  const pack = renderer.resolvePack(packRef);
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new FieldError([{ path: "spec", message: "must be an object: the pack's values for this app" }]);
  }
  const given = spec as Record<string, unknown>;
  if (given.name !== undefined && given.name !== name) {
    throw new FieldError([
      { path: "spec.name", message: `must be the app's name "${name}" (or be left out)` },
    ]);
  }
  const values = { ...given, name };
  let objects: KubernetesObject[];
  try {
    objects = pack.render("application", values);
  } catch (error) {
    if (error instanceof ManifestInputError) {
      throw new FieldError(
        error.issues.map((issue) => ({
          path: issue.path === "" ? "spec" : `spec.${issue.path}`,
          message: issue.message,
        })),
        `The spec is not valid for ${pack.ref}`,
      );
    }
    throw error;
  }
  if (objects.filter((object) => WORKLOAD_KINDS.includes(object.kind)).length !== 1) {
    throw new PackError("an application must render exactly one workload: a Deployment or a CronJob", {
      pack: pack.ref,
    });
  }
  const manifests = withOwnerLabels(collapseRepeatedEnv(objects), {
    namespace: project.namespace,
    project: project.name,
    app: name,
  });
  return { packRef: pack.ref, spec: values, manifests };
}

/**
 * The parent rendered repeated env names (classic@1 keeps doing so), which the kubelet resolves by letting the last
 * one win; server-side apply refuses repeated keys. Keeping only the last of each name applies what ran before.
 */
export function collapseRepeatedEnv(objects: KubernetesObject[]): KubernetesObject[] {
  for (const object of objects) {
    const containers = (object as { spec?: { template?: { spec?: { containers?: unknown } } } }).spec
      ?.template?.spec?.containers;
    if (!Array.isArray(containers)) continue;
    for (const container of containers as { env?: { name: string }[] }[]) {
      if (!Array.isArray(container.env)) continue;
      const lastIndex = new Map(container.env.map((variable, index) => [variable.name, index]));
      if (lastIndex.size === container.env.length) continue;
      container.env = container.env.filter((variable, index) => lastIndex.get(variable.name) === index);
    }
  }
  return objects;
}

/** The live objects cut down to the fields BabyHelm sets (`shape`), so a diff shows only what an apply changes. */
export function projectOnto(live: unknown, shape: unknown): unknown {
  if (isRecord(live) && isRecord(shape)) {
    const projected: Record<string, unknown> = {};
    for (const key of Object.keys(shape)) {
      if (Object.hasOwn(live, key)) projected[key] = projectOnto(live[key], shape[key]);
    }
    return projected;
  }
  if (Array.isArray(live) && Array.isArray(shape)) {
    return live.map((item: unknown, index) =>
      index < shape.length ? projectOnto(item, shape[index]) : item,
    );
  }
  return live;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
