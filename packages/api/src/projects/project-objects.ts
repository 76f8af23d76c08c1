import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import type { Services } from "../services.js";
import { withOwnerLabels } from "../cluster/owned-labels.js";

/** The project's own objects (Namespace and its guards) as the pack renders them, labelled as ours. */
export function renderProjectObjects(
  services: Services,
  name: string,
  packRef: string,
): { objects: KubernetesObject[]; packRef: string } {
  const pack = services.renderer.resolvePack(packRef);
  const objects = pack.render("project", { name });
  return { objects: withOwnerLabels(objects, { namespace: name, project: name }), packRef: pack.ref };
}
