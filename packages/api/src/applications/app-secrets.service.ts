// An app's secret env vars: values set by editors and creators, sealed in the database, applied as the Kubernetes
// Secret "<app>-secrets" the app owns, and never read back through the API by anyone.
import type { Project, ProjectRole } from "@babyhelm/db";
import type { Services } from "../services.js";

/** What anyone may learn of one secret of an app: never its value. */
export interface AppSecretInfo {
  name: string;
  /** stored: its value is kept sealed by BabyHelm; reference: read from an existing Secret of the namespace. */
  source: "stored" | "reference";
  reference: { secret: string; key: string } | null;
  setBy: { email: string } | null;
  setAt: string | null;
  /** The first 8 hex chars of an HMAC of the value: tells equal values from different ones, reveals neither. */
  fingerprint: string | null;
}

export async function listAppSecrets(
  _services: Pick<Services, "db">,
  _scope: { project: Project; role: ProjectRole },
  _name: string,
): Promise<AppSecretInfo[]> {
  throw new Error("NOT_IMPLEMENTED: apps.secrets");
}
