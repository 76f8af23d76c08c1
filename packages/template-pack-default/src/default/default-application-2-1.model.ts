// Derives what default@2.1's templates need: 2.0's model (so a 2.0 spec keeps every field it had), plus secret env
// vars, volumes, config files, rollout annotations and an Ingress model covering both of its forms.
import { createHash } from "node:crypto";
import { as20Spec } from "./default-application-2-1.checks.js";
import type { DefaultApp21Parsed } from "./default-application-2-1.schema.js";
import { servicePortTarget } from "./default-application.checks.js";
import { backendPort, toApplicationModel } from "./default-application.model.js";
import { isHostsIngress } from "./default-ingress-hosts.schema.js";
import { RESERVED_VOLUME_PREFIX } from "./default-workload.schema.js";

type Model20 = ReturnType<typeof toApplicationModel>;
type HostsIngress = Extract<NonNullable<DefaultApp21Parsed["ingress"]>, { hosts: unknown }>;

const FILES_VOLUME = `${RESERVED_VOLUME_PREFIX}files`;
const SECRET_NAME_MAX = 253;

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * The TLS Secret of a host with `tls: true`: named after the host, so reordering hosts keeps each certificate. A
 * name past the 253-character limit is cut and made unique again with a hash of the host.
 */
export function hostTlsSecretName(app: string, host: string): string {
  const name = `${app}-tls-${host.replace(/^\*\./, "wildcard.")}`;
  if (name.length <= SECRET_NAME_MAX) return name;
  const suffix = `-${sha256(host).slice(0, 10)}`;
  return name.slice(0, SECRET_NAME_MAX - suffix.length).replace(/[-.]+$/, "") + suffix;
}

/**
 * The ConfigMap key of a file: its position and name, so two files of one name in different folders never share a
 * key. Characters a key may not hold become `_`.
 */
function fileKey(index: number, path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1).replace(/[^-._a-zA-Z0-9]/g, "_");
  return `${index}-${base}`.slice(0, 253);
}

export interface IngressModel {
  className: string | undefined;
  annotations: Record<string, string>;
  tls: { host: string; secretName: string }[];
  rules: { host: string; path: string; pathType: string; backendPort: ReturnType<typeof backendPort> }[];
}

function singleHostIngress(ingress: NonNullable<Model20["ingress"]>): IngressModel {
  return {
    className: ingress.className,
    annotations: ingress.annotations,
    tls:
      ingress.tlsSecretName === undefined ? [] : [{ host: ingress.host, secretName: ingress.tlsSecretName }],
    rules: [
      {
        host: ingress.host,
        path: ingress.path,
        pathType: ingress.pathType,
        backendPort: ingress.backendPort,
      },
    ],
  };
}

function hostsIngress(spec: DefaultApp21Parsed, ingress: HostsIngress): IngressModel {
  const withTls = ingress.hosts.flatMap((entry) =>
    entry.tls === undefined || entry.tls === false ? [] : [{ host: entry.host, tls: entry.tls }],
  );
  const issuer = ingress.clusterIssuer;
  return {
    className: ingress.className,
    annotations: {
      ...ingress.annotations,
      ...(issuer === undefined || withTls.length === 0 ? {} : { "cert-manager.io/cluster-issuer": issuer }),
    },
    tls: withTls.map((entry) => ({
      host: entry.host,
      secretName: entry.tls === true ? hostTlsSecretName(spec.name, entry.host) : entry.tls.secretName,
    })),
    rules: ingress.hosts.map((entry) => ({
      host: entry.host,
      path: entry.path,
      pathType: entry.pathType,
      // The checks guarantee every host routes to a TCP port.
      backendPort: backendPort(servicePortTarget(spec.ports, entry.servicePort)!),
    })),
  };
}

function ingressModel(spec: DefaultApp21Parsed, base: Model20): IngressModel | undefined {
  if (spec.ingress !== undefined && isHostsIngress(spec.ingress)) return hostsIngress(spec, spec.ingress);
  return base.ingress === undefined ? undefined : singleHostIngress(base.ingress);
}

export function toApplicationModel21(spec: DefaultApp21Parsed) {
  const base = toApplicationModel(as20Spec(spec));
  const files = spec.files.map((file, index) => ({ path: file.path, key: fileKey(index, file.path) }));
  const filesData = Object.fromEntries(spec.files.map((file, index) => [files[index]!.key, file.content]));
  const podAnnotations: Record<string, string> = {};
  // A changed value behind an unchanged pod template would never reach running pods: these make it a rollout.
  if (spec.secretsVersion !== undefined) podAnnotations["babyhelm.io/secrets-version"] = spec.secretsVersion;
  if (files.length > 0) podAnnotations["babyhelm.io/files-checksum"] = sha256(JSON.stringify(filesData));
  const additions = {
    podAnnotations,
    // A ReadWriteOnce (or -OncePod) volume attaches to one node (or pod): a rolling update's new pod could not
    // mount it while the old one runs elsewhere, so the old pod stops first.
    recreate: spec.volumes.some(
      (volume) =>
        volume.persistent?.accessMode === "ReadWriteOnce" ||
        volume.persistent?.accessMode === "ReadWriteOncePod",
    ),
    command: spec.command ?? [],
    args: spec.args ?? [],
    secretEnv: spec.secrets.map((secret) => ({
      name: secret.name,
      // Stored values live in the Secret the server applies, one key per variable name.
      secretKeyRef: secret.secretRef ?? { name: `${spec.name}-secrets`, key: secret.name },
    })),
    volumes: spec.volumes.map((volume) => ({
      name: volume.name,
      mountPath: volume.mountPath,
      claim:
        volume.persistent === undefined
          ? undefined
          : {
              name: `${spec.name}-${volume.name}`,
              labels: { ...base.labels, "babyhelm.io/volume": volume.name },
              ...volume.persistent,
            },
      scratch: volume.scratch,
    })),
    files:
      files.length === 0
        ? undefined
        : { configMap: `${spec.name}-files`, volume: FILES_VOLUME, data: filesData, mounts: files },
    ingress: ingressModel(spec, base),
  };
  // Assigned onto 2.0's model rather than spread into a copy, which profiling put at half a render.
  return Object.assign(base, additions) as Omit<Model20, "ingress"> & typeof additions;
}
