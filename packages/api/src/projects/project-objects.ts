import type { KubernetesObject, Renderer } from "@babyhelm/manifest-sdk";
import { withOwnerLabels } from "../cluster/owned-labels.js";

/**
 * The project's own objects (Namespace and its guards) as the pack renders them, labelled as ours. A pack whose
 * project has a NetworkPolicy is told which namespace the ingress controller runs in by the operator's label, so
 * that no project can be let in by taking a namespace's name.
 */
export function renderProjectObjects(
  renderer: Renderer,
  name: string,
  packRef: string,
  platform: { ingressNamespaceSelector: Record<string, string> },
): { objects: KubernetesObject[]; packRef: string } {
  const pack = renderer.resolvePack(packRef);
  const properties =
    (pack.jsonSchema("project") as { properties?: Record<string, unknown> }).properties ?? {};
  const values =
    "networkPolicy" in properties
      ? { name, networkPolicy: { ingressNamespaceSelector: platform.ingressNamespaceSelector } }
      : { name };
  const objects = pack.render("project", values);
  return { objects: withOwnerLabels(objects, { namespace: name, project: name }), packRef: pack.ref };
}
