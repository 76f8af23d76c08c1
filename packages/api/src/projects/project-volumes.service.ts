// Volumes kept after their app was deleted: listed on the project page until someone deletes them.
import type { Project } from "@babyhelm/db";
import type { Services } from "../services.js";

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

export async function listKeptVolumes(
  _services: Pick<Services, "cluster">,
  _project: Project,
): Promise<KeptVolume[]> {
  throw new Error("NOT_IMPLEMENTED: projects.volumes");
}

export async function deleteKeptVolume(
  _services: Pick<Services, "db" | "cluster">,
  _scope: { project: Project },
  _name: string,
): Promise<{ deleted: string }> {
  throw new Error("NOT_IMPLEMENTED: projects.deleteVolume");
}
