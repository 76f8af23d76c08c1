// Volumes kept after their app was deleted (`apps.delete` with `keepVolumes`): listed on the project page until
// someone deletes them there, or a new app of the same name takes them back.
import type { Project } from "@babyhelm/db";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { isKeptFrom, keptClaimsSelector } from "../applications/kept-volumes.js";
import { recordAudit } from "../audit/audit.repository.js";
import type { AuthenticatedUser } from "../auth/session.repository.js";
import { KEPT_FROM_LABEL } from "../cluster/owned-labels.js";
import type { Services } from "../services.js";
import { NotFoundError } from "../shared/errors.js";

export interface KeptVolume {
  /** The PersistentVolumeClaim's name. */
  name: string;
  /** The app it was kept from. */
  keptFrom: string;
  /** Its requested size, as Kubernetes writes it ("1Gi"). */
  size: string | null;
  storageClass: string | null;
  /** Pending, Bound or Lost. */
  phase: string | null;
}

interface ClaimShape {
  spec?: { storageClassName?: string; resources?: { requests?: { storage?: string } } };
  status?: { phase?: string };
}

export async function listKeptVolumes(
  services: Pick<Services, "clusterState">,
  project: Project,
): Promise<KeptVolume[]> {
  const claims = await services.clusterState.list("v1", "PersistentVolumeClaim", {
    namespace: project.namespace,
    labelSelector: keptClaimsSelector(project),
  });
  return claims.map((claim) => keptVolume(claim)).sort((a, b) => a.name.localeCompare(b.name));
}

/** Deletes a kept volume and the data on it; only kept ones: an app's volumes go with their app. */
export async function deleteKeptVolume(
  services: Pick<Services, "db" | "cluster">,
  scope: { project: Project; user: AuthenticatedUser },
  name: string,
): Promise<{ deleted: string }> {
  const { project, user } = scope;
  const ref = { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: project.namespace, name };
  const claim = await services.cluster.get(ref);
  const keptFrom = claim?.metadata.labels?.[KEPT_FROM_LABEL];
  if (claim === undefined || keptFrom === undefined || !isKeptFrom(claim, project, keptFrom)) {
    throw new NotFoundError(`Project "${project.name}" has no kept volume named "${name}".`);
  }
  await services.cluster.delete(ref);
  await recordAudit(services.db.kysely, {
    actor: user,
    action: "project.deleteVolume",
    project,
    details: { volume: name, keptFrom },
  });
  return { deleted: name };
}

function keptVolume(claim: KubernetesObject): KeptVolume {
  const shape = claim as unknown as ClaimShape;
  return {
    name: claim.metadata.name,
    keptFrom: claim.metadata.labels?.[KEPT_FROM_LABEL] ?? "",
    size: shape.spec?.resources?.requests?.storage ?? null,
    storageClass: shape.spec?.storageClassName ?? null,
    phase: shape.status?.phase ?? null,
  };
}
