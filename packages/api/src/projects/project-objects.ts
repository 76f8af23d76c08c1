import type { KubernetesObject, Renderer } from "@babyhelm/manifest-sdk";
import { withOwnerLabels } from "../cluster/owned-labels.js";

/** The project's own objects (Namespace and its guards) as the pack renders them, labelled as ours. */
export function renderProjectObjects(
  renderer: Renderer,
  name: string,
  packRef: string,
): { objects: KubernetesObject[]; packRef: string } {
  const pack = renderer.resolvePack(packRef);
  const objects = pack.render("project", { name });
  return { objects: withOwnerLabels(objects, { namespace: name, project: name }), packRef: pack.ref };
}
