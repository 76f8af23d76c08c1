// Volumes outlive their app when asked to: `apps.delete` with `keepVolumes` hands the app's PersistentVolumeClaims to
// the project (see KEPT_FROM_LABEL), and a new app of the same name with a volume of the same name takes its claim
// back, data included, which is what deleting and re-creating an app with kept volumes is for.
import type { Project } from "@babyhelm/db";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import type { Cluster } from "../cluster/cluster.js";
import { refKey, refOf } from "../cluster/object-ref.js";
import { APP_LABEL, KEPT_FROM_LABEL, PROJECT_LABEL } from "../cluster/owned-labels.js";

/** Keeps volumes with a field manager of its own, so that BabyHelm's applies neither own nor undo the label. */
const KEEP_FIELD_MANAGER = "babyhelm-keep";

export function isVolumeClaim(object: KubernetesObject): boolean {
  return object.kind === "PersistentVolumeClaim";
}

/** Whether a live object is a claim kept from the app `app` of this project, which that app may take back. */
export function isKeptFrom(object: KubernetesObject, project: Pick<Project, "name">, app: string): boolean {
  const labels = object.metadata.labels ?? {};
  return (
    isVolumeClaim(object) &&
    labels[PROJECT_LABEL] === project.name &&
    labels[KEPT_FROM_LABEL] === app &&
    labels[APP_LABEL] === undefined
  );
}

/** Hands the claims to the project: no longer the app's, labelled with the app they came from. */
export async function keepClaims(
  cluster: Cluster,
  claims: readonly KubernetesObject[],
  app: string,
): Promise<string[]> {
  const unique = new Map(claims.map((claim) => [refKey(refOf(claim)), claim]));
  const kept: string[] = [];
  for (const claim of unique.values()) {
    await cluster.patch(
      refOf(claim),
      { metadata: { labels: { [APP_LABEL]: null, [KEPT_FROM_LABEL]: app } } },
      { fieldManager: KEEP_FIELD_MANAGER },
    );
    kept.push(claim.metadata.name);
  }
  return kept;
}

/** The selector of a project's kept claims. */
export function keptClaimsSelector(project: Pick<Project, "name">): string {
  return `${PROJECT_LABEL}=${project.name},${KEPT_FROM_LABEL},!${APP_LABEL}`;
}
