// Rules that span fields of a default@2.1 application spec: 2.0's rules, then those of the fields 2.1 adds. Each
// issue's path and message name the field to fix.
import type { DefaultApp21Parsed } from "./default-application-2-1.schema.js";
import {
  checkApplication,
  checkIngressBackend,
  issue,
  reportRepeats,
  type Context,
} from "./default-application.checks.js";
import type { DefaultAppParsed } from "./default-application.schema.js";
import { isHostsIngress } from "./default-ingress-hosts.schema.js";

/** A ConfigMap holds at most 1 MiB; the margin leaves room for its keys and metadata. */
const FILES_MAX_BYTES = 1000 * 1024;

/** The spec as 2.0's checks and model see it: the single-host Ingress form is 2.0's, the hosts form is not. */
export function as20Spec(spec: DefaultApp21Parsed): DefaultAppParsed {
  // No copy unless the Ingress has to go: this runs on every render, twice.
  if (spec.ingress === undefined || !isHostsIngress(spec.ingress)) return spec as DefaultAppParsed;
  return { ...spec, ingress: undefined };
}

/** Whether `path` is `directory` itself or inside it. */
function isUnder(path: string, directory: string): boolean {
  return path === directory || path.startsWith(`${directory}/`);
}

/** The most pods that may run at once: what decides whether a single-node volume can serve them. */
export function maxPods(spec: Pick<DefaultApp21Parsed, "replicas" | "autoscaling">): number {
  return spec.autoscaling?.max ?? spec.replicas ?? 1;
}

function checkSecrets(spec: DefaultApp21Parsed, context: Context): void {
  // Secret and plain variables share the container's env list, where a name may appear once. Repeats within env
  // are 2.0's rule, already reported; a secret is reported against the first variable of its name.
  const first = new Map<string, string>();
  spec.env.forEach((variable, index) => {
    if (!first.has(variable.name)) first.set(variable.name, `env[${index}].name`);
  });
  spec.secrets.forEach((secret, index) => {
    const earlier = first.get(secret.name);
    if (earlier === undefined) first.set(secret.name, `secrets[${index}].name`);
    else
      issue(
        context,
        ["secrets", index, "name"],
        `secrets[${index}].name repeats ${earlier} (${secret.name})`,
      );
  });
}

function checkVolumes(spec: DefaultApp21Parsed, context: Context): void {
  const { volumes } = spec;
  volumes.forEach((volume, index) => {
    if ((volume.persistent === undefined) === (volume.scratch === undefined)) {
      issue(
        context,
        ["volumes", index],
        `volumes[${index}] needs exactly one of persistent ({ size, ... }, a claim) or scratch ({ sizeLimit? }, an emptyDir)`,
      );
    }
    // A ReadWriteOncePod volume can be mounted by one pod only: a second one would never start.
    if (volume.persistent?.accessMode === "ReadWriteOncePod" && maxPods(spec) > 1) {
      issue(
        context,
        ["volumes", index, "persistent", "accessMode"],
        `volumes[${index}].persistent.accessMode ReadWriteOncePod allows one pod, but up to ${maxPods(spec)} may run (replicas or autoscaling.max)`,
      );
    }
  });
  for (const key of ["name", "mountPath"] as const) {
    reportRepeats(
      volumes.map((volume) => volume[key]),
      context,
      (index) => `volumes[${index}].${key}`,
      (index) => ["volumes", index, key],
    );
  }
}

function checkFiles(spec: DefaultApp21Parsed, context: Context): void {
  const { files, volumes } = spec;
  reportRepeats(
    files.map((file) => file.path),
    context,
    (index) => `files[${index}].path`,
    (index) => ["files", index, "path"],
  );
  files.forEach((file, index) => {
    // A file mounted inside a volume would hide, or be hidden by, what the volume holds at that path.
    const volumeIndex = volumes.findIndex((volume) => isUnder(file.path, volume.mountPath));
    if (volumeIndex !== -1) {
      issue(
        context,
        ["files", index, "path"],
        `files[${index}].path (${file.path}) is inside volumes[${volumeIndex}].mountPath (${volumes[volumeIndex]!.mountPath}): put the file elsewhere or in the volume`,
      );
    }
    const parentIndex = files.findIndex(
      (other) => other.path !== file.path && isUnder(file.path, other.path),
    );
    if (parentIndex !== -1) {
      issue(
        context,
        ["files", index, "path"],
        `files[${index}].path (${file.path}) is inside files[${parentIndex}].path, which is a file`,
      );
    }
  });
  const bytes = files.reduce((total, file) => total + Buffer.byteLength(file.content, "utf8"), 0);
  if (bytes > FILES_MAX_BYTES) {
    issue(
      context,
      ["files"],
      `files must total at most ${FILES_MAX_BYTES / 1024} KiB of content (a ConfigMap's limit), not ${Math.ceil(bytes / 1024)} KiB`,
    );
  }
}

function checkHosts(spec: DefaultApp21Parsed, context: Context): void {
  const ingress = spec.ingress;
  if (ingress === undefined || !isHostsIngress(ingress)) return;
  reportRepeats(
    ingress.hosts.map((entry) => entry.host),
    context,
    (index) => `ingress.hosts[${index}].host`,
    (index) => ["ingress", "hosts", index, "host"],
  );
  ingress.hosts.forEach((entry, index) => {
    checkIngressBackend(spec.ports, entry.servicePort, context, ["ingress", "hosts", index]);
  });
  if (ingress.clusterIssuer !== undefined && !ingress.hosts.some((entry) => entry.tls)) {
    issue(
      context,
      ["ingress", "clusterIssuer"],
      "ingress.clusterIssuer needs a host with tls (it issues their certificates)",
    );
  }
  if (
    ingress.clusterIssuer !== undefined &&
    ingress.annotations?.["cert-manager.io/cluster-issuer"] !== undefined
  ) {
    issue(
      context,
      ["ingress", "annotations"],
      "ingress.annotations must not set cert-manager.io/cluster-issuer: use ingress.clusterIssuer",
    );
  }
}

export function checkApplication21(spec: DefaultApp21Parsed, context: Context): void {
  checkApplication(as20Spec(spec), context);
  checkSecrets(spec, context);
  checkVolumes(spec, context);
  checkFiles(spec, context);
  checkHosts(spec, context);
}
