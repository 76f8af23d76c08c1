// The deploy form's model: what the person typed (strings, as inputs hold them), the spec it makes for the chosen
// pack, and where each validation issue goes. Field paths are the default pack's spec paths (`ports[0].port`,
// `env[1].name`); a classic@1 spec's paths (`ports.targetPort`, `envs[1].name`) are translated onto them.
import type { EnvVar } from "./env-file.js";
import type { FieldIssue } from "./errors.js";
import { afterOwnPath } from "./form-labels.js";
import { schemaIssues, type JsonSchema } from "./schema-check.js";

export const PROBE_KINDS = ["liveness", "readiness", "startup"] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

export interface PortDraft {
  name: string;
  port: string;
  containerPort: string;
  protocol: string;
}

export interface ProbeDraft {
  type: "none" | "http" | "tcp";
  path: string;
  port: string;
}

export interface VolumeDraft {
  name: string;
  mountPath: string;
  kind: "persistent" | "scratch";
  size: string;
  accessMode: "ReadWriteOnce" | "ReadWriteMany" | "ReadOnlyMany" | "ReadWriteOncePod";
  storageClass: string;
  sizeLimit: string;
}

export interface FileDraft {
  path: string;
  content: string;
}

export interface HostDraft {
  host: string;
  path: string;
  /** "auto": a certificate from the ClusterIssuer (the form's, or the server's BABYHELM_CERT_ISSUER). */
  tls: "none" | "auto" | "secret";
  tlsSecretName: string;
}

export interface AppDraft {
  name: string;
  image: string;
  ports: PortDraft[];
  env: EnvVar[];
  scaling: "fixed" | "auto";
  replicas: string;
  autoscaling: { min: string; max: string; cpuPercent: string; memoryPercent: string };
  resources: { requestsCpu: string; requestsMemory: string; limitsCpu: string; limitsMemory: string };
  probes: Record<ProbeKind, ProbeDraft>;
  serviceType: "ClusterIP" | "LoadBalancer";
  loadBalancerClass: string;
  ingressHost: string;
  ingressPath: string;
  tls: "none" | "secret" | "issuer";
  tlsSecretName: string;
  /** The ClusterIssuer: of the single host's TLS (default@2.0), or shared by the `hosts` list (default@2.1). */
  tlsClusterIssuer: string;
  /** One argument per line (no shell quoting to get wrong); empty: the image's own. */
  command: string;
  args: string;
  volumes: VolumeDraft[];
  files: FileDraft[];
  hosts: HostDraft[];
  /** The stored Ingress is the `hosts` list: saving keeps that form even for one host. */
  hostsListed?: boolean;
}

export function emptyVolume(kind: VolumeDraft["kind"]): VolumeDraft {
  return {
    name: "",
    mountPath: "",
    kind,
    size: kind === "persistent" ? "1Gi" : "",
    accessMode: "ReadWriteOnce",
    storageClass: "",
    sizeLimit: "",
  };
}

export function emptyHost(): HostDraft {
  return { host: "", path: "", tls: "none", tlsSecretName: "" };
}

export function emptyPort(): PortDraft {
  return { name: "", port: "", containerPort: "", protocol: "TCP" };
}

export function emptyDraft(): AppDraft {
  const noProbe: ProbeDraft = { type: "none", path: "", port: "" };
  return {
    name: "",
    image: "",
    ports: [{ ...emptyPort(), port: "80" }],
    env: [],
    scaling: "fixed",
    replicas: "1",
    autoscaling: { min: "2", max: "5", cpuPercent: "80", memoryPercent: "" },
    resources: { requestsCpu: "", requestsMemory: "", limitsCpu: "", limitsMemory: "" },
    probes: { liveness: noProbe, readiness: noProbe, startup: noProbe },
    serviceType: "ClusterIP",
    loadBalancerClass: "",
    ingressHost: "",
    ingressPath: "",
    tls: "none",
    tlsSecretName: "",
    tlsClusterIssuer: "",
    command: "",
    args: "",
    volumes: [],
    files: [],
    hosts: [],
  };
}

/** Which parts of the form a pack's spec has, read from its JSON Schema. */
export interface SpecShape {
  /** default@2: a list of `{ name?, port, containerPort?, protocol? }`; classic@1: one `{ port, targetPort }`. */
  ports: "list" | "single";
  envKey: "env" | "envs" | undefined;
  scaling: boolean;
  resources: boolean;
  probes: boolean;
  service: boolean;
  ingress: boolean;
  /** default@2.1: an Ingress for several hosts (`ingress.hosts`), each with its path and TLS. */
  hosts: boolean;
  /** default@2.1: secret variables (`secrets`, values sent apart as `secretValues`). */
  secrets: boolean;
  command: boolean;
  volumes: boolean;
  files: boolean;
}

/**
 * The top-level field a pack describes as `role` (its JSON Schema's `x-babyhelm-role`), or undefined: packs say
 * which field holds the image, the env list, the ports, the secrets and the replicas, so no pack is known by name.
 */
export function roleField(schema: JsonSchema, role: string): string | undefined {
  return Object.entries(schema.properties ?? {}).find(
    ([, property]) => property["x-babyhelm-role"] === role,
  )?.[0];
}

export function shapeOf(schema: JsonSchema): SpecShape {
  const properties = schema.properties ?? {};
  const has = (key: string) => properties[key] !== undefined;
  const envKey = roleField(schema, "env");
  const ports = roleField(schema, "ports");
  return {
    ports: ports !== undefined && properties[ports]?.type === "array" ? "list" : "single",
    envKey: envKey === "env" || envKey === "envs" ? envKey : undefined,
    scaling: roleField(schema, "replicas") === "replicas" && has("autoscaling"),
    resources: has("resources"),
    probes: has("probes"),
    service: has("service"),
    ingress: has("ingress"),
    hosts:
      properties.ingress !== undefined && variants(properties.ingress).some((form) => form.properties?.hosts),
    secrets: roleField(schema, "secrets") === "secrets",
    command: has("command") && has("args"),
    volumes: has("volumes"),
    files: has("files"),
  };
}

/**
 * Whether the dedicated form can write a valid spec of this schema: the image and the ports where it writes them
 * (a list of ports, or classic's one `{ port, targetPort }`), and nothing required that it has no input for. Other
 * packs (a worker with no ports, a CronJob's schedule) get the form made from their JSON Schema.
 */
export function dedicatedFormFits(schema: JsonSchema): boolean {
  const ports = schema.properties?.ports;
  const portsShape =
    ports?.type === "array"
      ? ports.items?.properties?.port !== undefined
      : ports?.properties?.port !== undefined && ports.properties.targetPort !== undefined;
  return (
    roleField(schema, "image") === "image" &&
    roleField(schema, "ports") === "ports" &&
    portsShape &&
    (schema.required ?? []).every((key) => key === "name" || FORM_KEYS.includes(key))
  );
}

/** A schema and the alternatives it allows (`ingress` is either the single-host form or the `hosts` list). */
function variants(schema: JsonSchema): JsonSchema[] {
  return [schema, ...(schema.anyOf ?? []).flatMap(variants), ...(schema.oneOf ?? []).flatMap(variants)];
}

/** A schema default for a placeholder ("100m" for resources.requests.cpu), or undefined. */
export function schemaDefault(schema: JsonSchema, path: readonly string[]): string | undefined {
  let node: JsonSchema | undefined = schema;
  for (const key of path) node = node?.properties?.[key];
  const value = node?.default;
  return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
}

/** A whole number typed as text becomes a number; anything else stays text, for the checks to explain. */
function numeric(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  return /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** A probe's or an Ingress's port: a number, or the name of one of the app's ports. */
function portReference(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

function text(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** Drops undefined values, so that a spec holds only what was given (the pack fills in its defaults). */
function compact(record: Record<string, unknown>): Record<string, unknown> | undefined {
  const entries = Object.entries(record).filter(([, value]) => value !== undefined);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/** Env rows that say something: a row added and left empty is not a variable. */
export function filledEnvRows(env: readonly EnvVar[]): number[] {
  return env.flatMap((variable, index) =>
    variable.name.trim() === "" && variable.value === "" && variable.reference === undefined ? [] : [index],
  );
}

/** The rows the spec's `env` lists, by index: the filled rows that are not secrets. */
export function plainEnvRows(env: readonly EnvVar[]): number[] {
  return filledEnvRows(env).filter((index) => env[index]!.secret !== true);
}

/** The rows the spec's `secrets` lists, by index. */
export function secretEnvRows(env: readonly EnvVar[]): number[] {
  return filledEnvRows(env).filter((index) => env[index]!.secret === true);
}

/** The spec's `env` from the rows: plain variables only, their values as typed. */
export function plainEnv(env: readonly EnvVar[]): { name: string; value: string }[] {
  return plainEnvRows(env).map((index) => ({ name: env[index]!.name.trim(), value: env[index]!.value }));
}

/** The spec's `secrets`: names, or a reference to an existing Secret; never a value. */
export function secretsOf(env: readonly EnvVar[]): Record<string, unknown>[] {
  return secretEnvRows(env).map((index) => {
    const { name, reference } = env[index]!;
    return reference === undefined
      ? { name: name.trim() }
      : { name: name.trim(), secretRef: { name: reference.secret.trim(), key: reference.key.trim() } };
  });
}

/**
 * The secret values to send beside the spec (`secretValues`): only those typed, so that an untouched secret keeps
 * the value the server holds.
 */
export function secretValuesOf(env: readonly EnvVar[]): Record<string, string> {
  return Object.fromEntries(
    secretEnvRows(env)
      .filter((index) => env[index]!.reference === undefined && env[index]!.value !== "")
      .map((index) => [env[index]!.name.trim(), env[index]!.value]),
  );
}

/** The form as it may be kept on this browser: secret values are never written to localStorage. */
export function withoutSecretValues(draft: AppDraft): AppDraft {
  return { ...draft, env: withoutSecretEnvValues(draft.env) };
}

export function withoutSecretEnvValues(env: readonly EnvVar[]): EnvVar[] {
  return env.map((variable) => (variable.secret === true ? { ...variable, value: "" } : variable));
}

/** A command or args box: one argument per line; blank lines are not arguments. */
function argumentLines(value: string): string[] | undefined {
  const lines = value
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  return lines.length === 0 ? undefined : lines;
}

/**
 * A warning (not an error) for a ReadWriteOnce volume shared by several pods: only pods on the node that mounted it
 * can start, so the others wait (Pending) or the rollout stalls.
 */
export function volumeWarning(draft: AppDraft): string | undefined {
  const single = draft.volumes.filter(
    (volume) => volume.kind === "persistent" && volume.accessMode === "ReadWriteOnce",
  );
  if (single.length === 0) return undefined;
  const most =
    draft.scaling === "fixed"
      ? Number(draft.replicas.trim() || "1")
      : Number(draft.autoscaling.max.trim() || "1");
  if (!(most > 1)) return undefined;
  const names = single.map((volume) => volume.name.trim() || "unnamed").join(", ");
  return `${draft.scaling === "fixed" ? `${most} replicas` : `Autoscaling up to ${most} pods`} with the ReadWriteOnce volume ${names}: a ReadWriteOnce volume is mounted by one node at a time, so pods scheduled on other nodes stay Pending. Use 1 replica, or ReadWriteMany if the storage class supports it.`;
}

/** The spec for `apps.create` / `apps.previewManifests` (without `name`: the server sets it). */
export function specFromDraft(draft: AppDraft, shape: SpecShape): Record<string, unknown> {
  const env = plainEnv(draft.env);
  const spec: Record<string, unknown> = { image: text(draft.image) };
  if (shape.ports === "list") {
    spec.ports = draft.ports.map((port) =>
      compact({
        name: text(port.name),
        port: numeric(port.port),
        containerPort: numeric(port.containerPort),
        protocol: port.protocol === "TCP" ? undefined : port.protocol,
      }),
    );
    // An empty row still counts: it says where the missing port is.
    spec.ports = (spec.ports as (Record<string, unknown> | undefined)[]).map((port) => port ?? {});
  } else {
    const first = draft.ports[0] ?? emptyPort();
    spec.ports = compact({
      port: numeric(first.port),
      targetPort: numeric(first.containerPort === "" ? first.port : first.containerPort),
    });
  }
  if (shape.envKey !== undefined && env.length > 0) spec[shape.envKey] = env;
  if (shape.secrets && secretEnvRows(draft.env).length > 0) spec.secrets = secretsOf(draft.env);
  if (shape.command) {
    spec.command = argumentLines(draft.command);
    spec.args = argumentLines(draft.args);
  }
  if (shape.scaling) {
    if (draft.scaling === "fixed") spec.replicas = numeric(draft.replicas);
    else {
      spec.autoscaling =
        compact({
          min: numeric(draft.autoscaling.min),
          max: numeric(draft.autoscaling.max),
          cpuPercent: numeric(draft.autoscaling.cpuPercent),
          memoryPercent: numeric(draft.autoscaling.memoryPercent),
        }) ?? {};
    }
  }
  if (shape.resources) {
    const { requestsCpu, requestsMemory, limitsCpu, limitsMemory } = draft.resources;
    spec.resources = compact({
      requests: compact({ cpu: text(requestsCpu), memory: text(requestsMemory) }),
      limits: compact({ cpu: text(limitsCpu), memory: text(limitsMemory) }),
    });
  }
  if (shape.probes) {
    spec.probes = compact(
      Object.fromEntries(
        PROBE_KINDS.map((kind) => {
          const probe = draft.probes[kind];
          if (probe.type === "none") return [kind, undefined];
          return [
            kind,
            compact({
              type: probe.type,
              path: probe.type === "http" ? text(probe.path) : undefined,
              port: portReference(probe.port),
            }),
          ];
        }),
      ),
    );
  }
  if (shape.service && draft.serviceType === "LoadBalancer") {
    spec.service = compact({ type: "LoadBalancer", loadBalancerClass: text(draft.loadBalancerClass) });
  }
  if (shape.volumes && draft.volumes.length > 0) {
    spec.volumes = draft.volumes.map((volume) => ({
      name: volume.name.trim(),
      mountPath: volume.mountPath.trim(),
      ...(volume.kind === "persistent"
        ? {
            persistent: compact({
              size: volume.size.trim(),
              accessMode: volume.accessMode,
              storageClass: text(volume.storageClass),
            }),
          }
        : { scratch: compact({ sizeLimit: text(volume.sizeLimit) }) ?? {} }),
    }));
  }
  if (shape.files && draft.files.length > 0) {
    spec.files = draft.files.map((file) => ({ path: file.path.trim(), content: file.content }));
  }
  if (shape.hosts) {
    const single = singleHostIngress(draft);
    if (single !== undefined) spec.ingress = single;
    else if (draft.hosts.length > 0) {
      spec.ingress = compact({
        hosts: draft.hosts.map((host) =>
          compact({
            host: host.host.trim(),
            path: text(host.path),
            tls:
              host.tls === "auto"
                ? true
                : host.tls === "secret"
                  ? { secretName: text(host.tlsSecretName) ?? "" }
                  : undefined,
          }),
        ),
        clusterIssuer: text(draft.tlsClusterIssuer),
      });
    }
  } else if (shape.ingress && text(draft.ingressHost) !== undefined) {
    spec.ingress = compact({
      host: text(draft.ingressHost),
      path: text(draft.ingressPath),
      tls:
        draft.tls === "secret"
          ? { secretName: text(draft.tlsSecretName) ?? "" }
          : draft.tls === "issuer"
            ? { clusterIssuer: text(draft.tlsClusterIssuer) ?? "" }
            : undefined,
    });
  }
  return compact(spec) ?? {};
}

/**
 * One host in the form that 2.0's single-host Ingress can say (no TLS, a TLS Secret, or a named issuer), written in
 * that form: an app's spec keeps the shape it had, and stays readable by default@2.0.
 */
function singleHostIngress(draft: AppDraft): Record<string, unknown> | undefined {
  const [host] = draft.hosts;
  if (draft.hosts.length !== 1 || host === undefined || draft.hostsListed === true) return undefined;
  const issuer = text(draft.tlsClusterIssuer);
  if (host.tls === "auto" && issuer === undefined) return undefined;
  return compact({
    host: text(host.host) ?? "",
    path: text(host.path),
    tls:
      host.tls === "secret"
        ? { secretName: text(host.tlsSecretName) ?? "" }
        : host.tls === "auto"
          ? { clusterIssuer: issuer }
          : undefined,
  });
}

/**
 * A server path (`spec.ports.targetPort`, `spec.envs[0].name`, `name`) as the form's own (`ports[0].containerPort`,
 * `env[2].name`: the index counts the form's rows, empty ones included).
 */
export function formPath(serverPath: string, draft: AppDraft, shape: SpecShape): string {
  let path = serverPath.replace(/^spec(\.|$)/, "");
  if (path === "") return "";
  if (shape.ports === "single") {
    path = path
      .replace(/^ports\.port\b/, "ports[0].port")
      .replace(/^ports\.targetPort\b/, "ports[0].containerPort");
  }
  if (shape.hosts && draft.hosts.length === 1 && draft.hostsListed !== true) {
    path = path
      .replace(/^ingress\.(host|path)\b/, "ingress.hosts[0].$1")
      .replace(/^ingress\.tls\.secretName\b/, "ingress.hosts[0].tls.secretName")
      .replace(/^ingress\.tls\.clusterIssuer\b/, "ingress.clusterIssuer")
      .replace(/^ingress\.tls\b/, "ingress.hosts[0].tls");
  }
  const row = envRowPath(path, draft.env);
  if (row !== undefined) return row;
  if (path === "secrets" || path === "secretValues") return "env";
  return path.replace(/^envs\b/, "env");
}

/**
 * A spec path about a variable (`env[1].name` counting plain variables, `secrets[0].secretRef.key` counting secrets,
 * `secretValues.DB_PASSWORD`) as the path of its row on screen (`env[3].reference.key`); "env" when no row has it,
 * undefined for a path about something else.
 */
export function envRowPath(specPath: string, env: readonly EnvVar[]): string | undefined {
  const path = specPath.replace(/^spec\./, "");
  const plain = /^envs?\[(\d+)\](.*)$/.exec(path);
  if (plain !== null) {
    const row = plainEnvRows(env)[Number(plain[1])];
    return row === undefined ? "env" : `env[${row}]${plain[2]}`;
  }
  const secret = /^secrets\[(\d+)\](.*)$/.exec(path);
  if (secret !== null) {
    const row = secretEnvRows(env)[Number(secret[1])];
    const rest = secret[2]!
      .replace(/^\.secretRef\.name/, ".reference.secret")
      .replace(/^\.secretRef/, ".reference");
    return row === undefined ? "env" : `env[${row}]${rest}`;
  }
  const value = /^secretValues\.(.+)$/.exec(path);
  if (value !== null) {
    const row = env.findIndex((variable) => variable.secret === true && variable.name.trim() === value[1]);
    return row === -1 ? "env" : `env[${row}].value`;
  }
  return undefined;
}

/** What the overview says of a stored spec's command, volumes and config files (empty lists where it has none). */
export function specExtrasOf(spec: unknown): {
  command: string[];
  args: string[];
  volumes: { name: string; mountPath: string; description: string }[];
  files: string[];
} {
  const from = record(spec) ?? {};
  const list = (value: unknown) => (Array.isArray(value) ? value.map(asText) : []);
  const volumes = Array.isArray(from.volumes) ? from.volumes.map(record) : [];
  return {
    command: list(from.command),
    args: list(from.args),
    volumes: volumes.map((volume) => {
      const persistent = record(volume?.persistent);
      const scratch = record(volume?.scratch);
      const description =
        persistent !== undefined
          ? `persistent, ${asText(persistent.size)}, ${asText(persistent.accessMode) || "ReadWriteOnce"}${
              persistent.storageClass === undefined ? "" : `, class ${asText(persistent.storageClass)}`
            }`
          : `scratch${scratch?.sizeLimit === undefined ? "" : `, up to ${asText(scratch.sizeLimit)}`}`;
      return { name: asText(volume?.name), mountPath: asText(volume?.mountPath), description };
    }),
    files: Array.isArray(from.files) ? from.files.map((file) => asText(record(file)?.path)) : [],
  };
}

/** A stored spec's persistent volumes, with their sizes: what deleting the app may keep. */
export function persistentVolumesOf(spec: unknown): { name: string; size: string }[] {
  const volumes = record(spec)?.volumes;
  if (!Array.isArray(volumes)) return [];
  return volumes.flatMap((entry) => {
    const volume = record(entry);
    const persistent = record(volume?.persistent);
    return persistent === undefined ? [] : [{ name: asText(volume?.name), size: asText(persistent.size) }];
  });
}

/** A stored spec's `secrets` as rows of the env editor: no value (the server keeps it), or a reference. */
export function secretRowsOf(spec: unknown): EnvVar[] {
  const secrets = record(spec)?.secrets;
  if (!Array.isArray(secrets)) return [];
  return secrets.map((entry) => {
    const secret = record(entry);
    const reference = record(secret?.secretRef);
    return {
      name: asText(secret?.name),
      value: "",
      secret: true,
      ...(reference === undefined
        ? {}
        : { reference: { secret: asText(reference.name), key: asText(reference.key) } }),
    };
  });
}

/** Every input and section of the form as it stands, by path: where an issue can be shown. */
export function formPaths(draft: AppDraft, shape: SpecShape): Set<string> {
  const paths = new Set(["name", "image", "ports"]);
  draft.ports.forEach((_port, index) => {
    const fields =
      shape.ports === "list" ? ["name", "port", "containerPort", "protocol"] : ["port", "containerPort"];
    for (const field of fields) paths.add(`ports[${index}].${field}`);
    if (shape.ports === "single") return;
    paths.add(`ports[${index}]`);
  });
  if (shape.envKey !== undefined) {
    paths.add("env");
    draft.env.forEach((variable, index) => {
      paths.add(`env[${index}].name`);
      if (variable.reference === undefined) paths.add(`env[${index}].value`);
      else {
        paths.add(`env[${index}].reference.secret`);
        paths.add(`env[${index}].reference.key`);
      }
    });
  }
  if (shape.command) paths.add("command").add("args");
  if (shape.volumes) {
    paths.add("volumes");
    draft.volumes.forEach((volume, index) => {
      for (const field of ["", ".name", ".mountPath"]) paths.add(`volumes[${index}]${field}`);
      const fields =
        volume.kind === "persistent"
          ? ["persistent", "persistent.size", "persistent.accessMode", "persistent.storageClass"]
          : ["scratch", "scratch.sizeLimit"];
      for (const field of fields) paths.add(`volumes[${index}].${field}`);
    });
  }
  if (shape.files) {
    paths.add("files");
    draft.files.forEach((_file, index) => {
      for (const field of ["", ".path", ".content"]) paths.add(`files[${index}]${field}`);
    });
  }
  if (shape.scaling) {
    if (draft.scaling === "fixed") paths.add("replicas");
    else
      for (const key of ["", ".min", ".max", ".cpuPercent", ".memoryPercent"]) paths.add(`autoscaling${key}`);
  }
  if (shape.resources) {
    for (const key of ["", ".requests.cpu", ".requests.memory", ".limits.cpu", ".limits.memory"])
      paths.add(`resources${key}`);
  }
  if (shape.probes) {
    paths.add("probes");
    for (const kind of PROBE_KINDS) {
      paths.add(`probes.${kind}`);
      paths.add(`probes.${kind}.type`);
      if (draft.probes[kind].type === "none") continue;
      paths.add(`probes.${kind}.port`);
      if (draft.probes[kind].type === "http") paths.add(`probes.${kind}.path`);
    }
  }
  if (shape.service) {
    paths.add("service");
    paths.add("service.type");
    if (draft.serviceType === "LoadBalancer") paths.add("service.loadBalancerClass");
  }
  if (shape.hosts) {
    paths.add("ingress");
    if (draft.hosts.length > 0) paths.add("ingress.clusterIssuer");
    draft.hosts.forEach((host, index) => {
      for (const field of ["", ".host", ".path", ".tls"]) paths.add(`ingress.hosts[${index}]${field}`);
      if (host.tls === "secret") paths.add(`ingress.hosts[${index}].tls.secretName`);
    });
  } else if (shape.ingress) {
    paths.add("ingress");
    paths.add("ingress.host");
    if (draft.ingressHost.trim() !== "") {
      paths.add("ingress.path");
      paths.add("ingress.tls");
      if (draft.tls === "secret") paths.add("ingress.tls.secretName");
      if (draft.tls === "issuer") paths.add("ingress.tls.clusterIssuer");
    }
  }
  return paths;
}

export interface PlacedIssues {
  /** Message per form path (several issues at one path are joined). */
  byPath: Map<string, string>;
  /** Issues no input or section of the form stands for, as the server wrote them. */
  unplaced: FieldIssue[];
}

/**
 * Puts each issue beside its input; an issue about something the form has no input for goes to the nearest section
 * that contains it (`resources.requests` → the Resources section), or, failing that, above the form.
 */
export function placeIssues(issues: readonly FieldIssue[], draft: AppDraft, shape: SpecShape): PlacedIssues {
  const paths = formPaths(draft, shape);
  const byPath = new Map<string, string>();
  const unplaced: FieldIssue[] = [];
  for (const issue of issues) {
    let path = formPath(issue.path, draft, shape);
    while (path !== "" && !paths.has(path)) path = parentPath(path);
    if (path === "") {
      unplaced.push(issue);
      continue;
    }
    const message = afterOwnPath(issue);
    const before = byPath.get(path);
    if (before === undefined) byPath.set(path, message);
    else if (!before.split("; ").includes(message)) byPath.set(path, `${before}; ${message}`);
  }
  return { byPath, unplaced };
}

export function parentPath(path: string): string {
  const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
  return cut <= 0 ? "" : path.slice(0, cut);
}

/** Whether `path` is `prefix` or inside it (`ports[0].port` is inside `ports` and `ports[0]`). */
export function isWithin(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

const APP_NAME_MAX = 53;

/**
 * What the form can tell before asking the server: the pack's JSON Schema over the spec (with the app's name), and
 * the rules a schema cannot say (repeated env names, the app-name length the server allows).
 */
export function draftIssues(draft: AppDraft, schema: JsonSchema): FieldIssue[] {
  const shape = shapeOf(schema);
  const spec = specFromDraft(draft, shape);
  const issues = schemaIssues(schema, { ...spec, name: text(draft.name) }).map((issue) => ({
    ...issue,
    path: formPath(issue.path, draft, shape),
  }));
  if (draft.name.trim().length > APP_NAME_MAX) {
    issues.push({ path: "name", message: `must be at most ${APP_NAME_MAX} characters` });
  }
  if (shape.envKey !== undefined) {
    const seen = new Map<string, number>();
    draft.env.forEach((variable, index) => {
      const name = variable.name.trim();
      if (name === "") return;
      const first = seen.get(name);
      if (first === undefined) seen.set(name, index);
      else issues.push({ path: `env[${index}].name`, message: `repeats variable ${first + 1} (${name})` });
    });
  }
  return issues;
}

type SpecRecord = Record<string, unknown>;

function record(value: unknown): SpecRecord | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as SpecRecord)
    : undefined;
}

function asText(value: unknown): string {
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

/**
 * The inverse of specFromDraft: a stored spec (default@2's or classic@1's shape) as the form's inputs. What the form
 * has no input for (probe timings, security, labels, pull secrets…) stays in the spec and is put back by specForEdit.
 */
export function draftFromSpec(spec: unknown, shape: SpecShape, name = ""): AppDraft {
  const from = record(spec) ?? {};
  const draft = emptyDraft();
  draft.name = asText(from.name) || name;
  draft.image = asText(from.image);
  if (shape.ports === "list") {
    const ports = Array.isArray(from.ports) ? from.ports.map(record) : [];
    draft.ports = ports.map((port) => ({
      name: asText(port?.name),
      port: asText(port?.port),
      containerPort: asText(port?.containerPort),
      protocol: asText(port?.protocol) || "TCP",
    }));
    if (draft.ports.length === 0) draft.ports = [emptyPort()];
  } else {
    const port = record(from.ports);
    const target = asText(port?.targetPort);
    draft.ports = [
      {
        ...emptyPort(),
        port: asText(port?.port),
        containerPort: target === asText(port?.port) ? "" : target,
      },
    ];
  }
  const env = shape.envKey === undefined ? undefined : from[shape.envKey];
  draft.env = Array.isArray(env)
    ? env.map((variable) => ({
        name: asText(record(variable)?.name),
        value: asText(record(variable)?.value),
      }))
    : [];
  if (shape.secrets) draft.env.push(...secretRowsOf(from));
  if (shape.command) {
    draft.command = argumentsText(from.command);
    draft.args = argumentsText(from.args);
  }
  if (shape.volumes && Array.isArray(from.volumes)) {
    draft.volumes = from.volumes.map((entry) => {
      const volume = record(entry);
      const persistent = record(volume?.persistent);
      const accessMode = asText(persistent?.accessMode);
      return {
        ...emptyVolume(persistent === undefined ? "scratch" : "persistent"),
        name: asText(volume?.name),
        mountPath: asText(volume?.mountPath),
        size: asText(persistent?.size),
        accessMode: (accessMode || "ReadWriteOnce") as VolumeDraft["accessMode"],
        storageClass: asText(persistent?.storageClass),
        sizeLimit: asText(record(volume?.scratch)?.sizeLimit),
      };
    });
  }
  if (shape.files && Array.isArray(from.files)) {
    draft.files = from.files.map((file) => ({
      path: asText(record(file)?.path),
      content: asText(record(file)?.content),
    }));
  }
  const autoscaling = record(from.autoscaling);
  if (autoscaling !== undefined) {
    draft.scaling = "auto";
    draft.autoscaling = {
      min: asText(autoscaling.min),
      max: asText(autoscaling.max),
      cpuPercent: asText(autoscaling.cpuPercent),
      memoryPercent: asText(autoscaling.memoryPercent),
    };
  } else draft.replicas = asText(from.replicas); // empty when the pack's default count applies
  const resources = record(from.resources);
  draft.resources = {
    requestsCpu: asText(record(resources?.requests)?.cpu),
    requestsMemory: asText(record(resources?.requests)?.memory),
    limitsCpu: asText(record(resources?.limits)?.cpu),
    limitsMemory: asText(record(resources?.limits)?.memory),
  };
  const probes = record(from.probes);
  for (const kind of PROBE_KINDS) {
    const probe = record(probes?.[kind]);
    const type = probe?.type;
    if (type === "http" || type === "tcp")
      draft.probes[kind] = { type, path: asText(probe?.path), port: asText(probe?.port) };
  }
  const service = record(from.service);
  if (service?.type === "LoadBalancer") {
    draft.serviceType = "LoadBalancer";
    draft.loadBalancerClass = asText(service.loadBalancerClass);
  }
  const ingress = record(from.ingress);
  if (shape.hosts && ingress !== undefined) {
    // Either form of a stored Ingress reads into the list (the single host is its first row).
    const hosts = Array.isArray(ingress.hosts) ? ingress.hosts.map(record) : [ingress];
    // A single host's TLS from a ClusterIssuer is a certificate from cert-manager: the list's "auto".
    draft.hosts = hosts.map((host) => {
      const tls = host?.tls;
      const secretName = record(tls)?.secretName;
      return {
        host: asText(host?.host),
        path: asText(host?.path),
        tls:
          secretName !== undefined ? "secret" : tls === true || record(tls) !== undefined ? "auto" : "none",
        tlsSecretName: asText(secretName),
      };
    });
    draft.tlsClusterIssuer = asText(ingress.clusterIssuer ?? record(ingress.tls)?.clusterIssuer);
    if (Array.isArray(ingress.hosts)) draft.hostsListed = true;
  } else if (ingress !== undefined) {
    draft.ingressHost = asText(ingress.host);
    draft.ingressPath = asText(ingress.path);
    const tls = record(ingress.tls);
    if (tls?.secretName !== undefined) {
      draft.tls = "secret";
      draft.tlsSecretName = asText(tls.secretName);
    } else if (tls?.clusterIssuer !== undefined) {
      draft.tls = "issuer";
      draft.tlsClusterIssuer = asText(tls.clusterIssuer);
    }
  }
  return draft;
}

/** Stored command or args as the box shows them: one argument per line. */
function argumentsText(value: unknown): string {
  return Array.isArray(value) ? value.map(asText).join("\n") : "";
}

/** The spec keys the form writes whole; every other key of a stored spec is the form's to keep, not to drop. */
const FORM_KEYS = [
  "image",
  "ports",
  "env",
  "envs",
  "replicas",
  "autoscaling",
  "resources",
  "probes",
  "service",
  "ingress",
  "secrets",
  "command",
  "args",
  "volumes",
  "files",
];

function without(value: unknown, keys: readonly string[]): SpecRecord {
  return Object.fromEntries(Object.entries(record(value) ?? {}).filter(([key]) => !keys.includes(key)));
}

function pick(value: unknown, keys: readonly string[]): SpecRecord {
  return Object.fromEntries(Object.entries(record(value) ?? {}).filter(([key]) => keys.includes(key)));
}

function nonEmpty(value: SpecRecord): SpecRecord | undefined {
  return Object.keys(value).length === 0 ? undefined : value;
}

/**
 * The spec an edit saves: the form's spec over the stored one, keeping what the form cannot show (a probe's timings,
 * the Service's annotations, the Ingress's class, security, labels, pull secrets, unknown keys) where it was.
 */
export function specForEdit(stored: unknown, formSpec: SpecRecord): SpecRecord {
  const base = record(stored) ?? {};
  const spec: SpecRecord = { ...without(base, FORM_KEYS), ...formSpec };
  const formProbes = record(formSpec.probes);
  if (formProbes !== undefined) {
    spec.probes = Object.fromEntries(
      Object.entries(formProbes).map(([kind, probe]) => [
        kind,
        { ...without(record(base.probes)?.[kind], ["type", "path", "port"]), ...record(probe) },
      ]),
    );
  }
  const service = nonEmpty({
    ...without(base.service, ["type", "loadBalancerClass"]),
    ...record(formSpec.service),
  });
  if (service !== undefined) spec.service = service;
  const formIngress = record(formSpec.ingress);
  if (formIngress?.hosts !== undefined) {
    // The list form: each host keeps what the form cannot show (pathType, servicePort) from its stored namesake.
    const storedIngress = record(base.ingress);
    const storedHosts = Array.isArray(storedIngress?.hosts)
      ? storedIngress.hosts.map(record)
      : [pick(storedIngress, ["host", "pathType", "servicePort"])];
    spec.ingress = {
      ...without(storedIngress, ["host", "path", "tls", "pathType", "servicePort", "hosts", "clusterIssuer"]),
      ...formIngress,
      hosts: (formIngress.hosts as SpecRecord[]).map((host) => ({
        ...without(
          storedHosts.find((stored) => stored?.host === host.host),
          ["host", "path", "tls"],
        ),
        ...host,
      })),
    };
  } else if (formIngress !== undefined)
    spec.ingress = {
      ...without(base.ingress, ["host", "path", "tls", "hosts", "clusterIssuer"]),
      ...formIngress,
    };
  return spec;
}

/**
 * Someone else's version with this person's edits on top: each part of the form they changed (against the version
 * they started from) keeps their value, every other part takes the newer version's. Variables merge by name, so
 * that both people's new variables stay.
 */
export function rebaseDraft(mine: AppDraft, started: AppDraft, theirs: AppDraft): AppDraft {
  const rebased = { ...theirs } as Record<string, unknown>;
  for (const key of Object.keys(mine) as (keyof AppDraft)[]) {
    if (JSON.stringify(mine[key]) !== JSON.stringify(started[key])) rebased[key] = mine[key];
  }
  rebased.env = rebaseEnv(mine.env, started.env, theirs.env);
  return rebased as unknown as AppDraft;
}

function rebaseEnv(mine: readonly EnvVar[], started: readonly EnvVar[], theirs: readonly EnvVar[]): EnvVar[] {
  const before = new Map(started.map((variable) => [variable.name, JSON.stringify(variable)]));
  const kept = new Set(mine.map((variable) => variable.name));
  const changed = mine.filter((variable) => before.get(variable.name) !== JSON.stringify(variable));
  const changedNames = new Set(changed.map((variable) => variable.name));
  // Theirs, less what this person removed, with this person's values where they changed one.
  const merged = theirs
    .filter((variable) => kept.has(variable.name) || !before.has(variable.name))
    .map((variable) =>
      changedNames.has(variable.name) ? changed.find((mineVar) => mineVar.name === variable.name)! : variable,
    );
  const present = new Set(merged.map((variable) => variable.name));
  return [...merged, ...changed.filter((variable) => !present.has(variable.name))];
}

/** A warning (not an error) for an image without a version tag, or with `latest`: what runs can change unseen. */
export function imageWarning(image: string): string | undefined {
  const reference = image.trim();
  if (reference === "" || reference.includes("@")) return undefined;
  const lastPart = reference.slice(reference.lastIndexOf("/") + 1);
  const tag = lastPart.includes(":") ? lastPart.slice(lastPart.indexOf(":") + 1) : undefined;
  if (tag === undefined)
    return "No tag: the cluster pulls whatever 'latest' is then. Pin a version (e.g. :1.27) so each revision runs the image you tested.";
  if (tag === "latest")
    return "'latest' changes under you: a restart can run another image. Pin a version (e.g. :1.27).";
  return undefined;
}
