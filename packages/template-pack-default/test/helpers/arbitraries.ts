// fast-check generators of valid specs for each pack. They build valid specs by construction (unique names,
// requests under limits...) rather than filtering, so every run exercises a render.
import fc from "fast-check";

const RESERVED = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);

const YAML_SIGNIFICANT = [
  "\n",
  "\r",
  "\t",
  '"',
  "'",
  "\\",
  ":",
  "#",
  "-",
  "{",
  "}",
  "<",
  ">",
  "%",
  "&",
  "*",
  "!",
  "|",
  "?",
  ",",
  "[",
  "]",
  "@",
  "`",
  " ",
  "\u2028",
  "\u0085",
  "\ufeff",
];

/** Any text, including the characters that break naive YAML templates. */
export const hostileText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.string({ unit: fc.constantFrom(...YAML_SIGNIFICANT), maxLength: 30 }),
  fc.constantFrom(
    "",
    "yes",
    "null",
    "~",
    "0x10",
    "1e3",
    "---",
    "- a",
    "a: b",
    "# c",
    "{{ x }}",
    "<% it %>",
    "&a",
    "*a",
    "!!str",
  ),
);

const dns1123Label = (maxLength: number) =>
  fc.stringMatching(new RegExp(`^[a-z0-9]([-a-z0-9]{0,${maxLength - 2}}[a-z0-9])?$`));
const dns1035Label = (maxLength: number) =>
  fc.stringMatching(new RegExp(`^[a-z]([-a-z0-9]{0,${maxLength - 2}}[a-z0-9])?$`));
const envName = fc.stringMatching(/^[A-Za-z_][-._A-Za-z0-9]{0,20}$/);
const labelValue = fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,20}[A-Za-z0-9])?$/);
const annotationKey = fc.oneof(
  fc.stringMatching(
    /^[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?(\.[a-z]{2,5})\/[A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?$/,
  ),
  fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?$/),
);
const annotations = fc.dictionary(annotationKey, hostileText, { maxKeys: 3 });

export const image = fc
  .tuple(
    fc.constantFrom("", "ghcr.io/", "registry.example.com:5000/", "localhost/", "docker.io/library/"),
    fc.stringMatching(/^[a-z0-9]+([._-][a-z0-9]+){0,2}(\/[a-z0-9]+){0,2}$/),
    fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), { nil: undefined }),
    fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: undefined }),
  )
  .map(
    ([registry, path, tag, digest]) =>
      `${registry}${path}${tag === undefined ? "" : `:${tag}`}${digest === undefined ? "" : `@sha256:${digest}`}`,
  );

const port = fc.integer({ min: 1, max: 65535 });

export const classicApplicationSpec = fc.record({
  name: dns1035Label(53),
  image,
  ports: fc.record({
    port: fc.oneof(port, port.map(String)),
    targetPort: fc.oneof(port, port.map(String)),
  }),
  // Unique names: repeated ones are rendered (the parent's vectors want them) but server-side apply refuses them.
  envs: fc.uniqueArray(fc.record({ name: envName, value: hostileText }), {
    maxLength: 5,
    selector: (variable) => variable.name,
  }),
});

export const namespaceName = dns1123Label(63).filter((name) => !RESERVED.has(name));

export const classicProjectSpec = fc.record({ name: namespaceName });

/** Options of a record that may be left out: fast-check omits each key at random. */
const optional = <T>(record: { [K in keyof T]: fc.Arbitrary<T[K]> }) =>
  fc.record(record, { requiredKeys: [] });

const portName = fc.stringMatching(/^[a-z]([a-z0-9]{0,13})$/);
const loadBalancerClass = fc.stringMatching(/^([a-z]{1,8}\.[a-z]{2,4}\/)?[a-z]([-a-z0-9]{0,10}[a-z0-9])?$/);

const ports = fc
  .tuple(
    fc.integer({ min: 1, max: 3 }).chain((count) =>
      fc.tuple(
        // One pool of distinct numbers, split in two, so service ports and container ports never repeat.
        fc.uniqueArray(port, { minLength: 2 * count, maxLength: 2 * count }),
        fc.uniqueArray(portName, { minLength: count, maxLength: count }),
        fc.array(fc.constantFrom("TCP", "UDP", "SCTP"), { minLength: count, maxLength: count }),
        fc.array(fc.boolean(), { minLength: count, maxLength: count }),
      ),
    ),
    fc.boolean(),
  )
  .map(([[pool, names, protocols, explicit], nameSingle]) => {
    const [numbers, containerPorts] = [pool.slice(0, pool.length / 2), pool.slice(pool.length / 2)];
    return numbers.map((number, index) => ({
      ...(numbers.length > 1 || nameSingle ? { name: names[index]! } : {}),
      port: number,
      ...(explicit[index] ? { containerPort: containerPorts[index]! } : {}),
      // The first port is TCP so that an Ingress, when generated, has a port to route to.
      ...(index === 0 ? {} : { protocol: protocols[index]! }),
    }));
  });

type Port = { name?: string; port: number; containerPort?: number };

// Arbitraries built once: compiling a regex arbitrary inside `chain` would cost more than the renders under test.
const probeTimings = optional({
  initialDelaySeconds: fc.integer({ min: 0, max: 3600 }),
  periodSeconds: fc.integer({ min: 1, max: 3600 }),
  timeoutSeconds: fc.integer({ min: 1, max: 3600 }),
  failureThreshold: fc.integer({ min: 1, max: 100 }),
});
const probePath = fc.stringMatching(/^\/[a-z0-9/._-]{0,20}$/);
const secretName = dns1123Label(30);
const envList = fc.uniqueArray(fc.record({ name: envName, value: hostileText }), {
  maxLength: 4,
  selector: (variable) => variable.name,
});

const probe = (portsOfSpec: Port[]) => {
  const references = [
    undefined,
    ...portsOfSpec.map((entry) => entry.name ?? entry.containerPort ?? entry.port),
  ];
  return fc
    .tuple(fc.constantFrom("http", "tcp"), fc.constantFrom(...references), probePath, probeTimings)
    .map(([type, reference, path, extra]) => ({
      type,
      ...(reference === undefined ? {} : { port: reference }),
      ...(type === "http" ? { path } : {}),
      ...extra,
    }));
};

const resources = fc
  .tuple(
    fc.constantFrom("50m", "100m", "0.25"),
    fc.constantFrom("64Mi", "128Mi", "100M"),
    fc.option(fc.constantFrom("500m", "1", "2"), { nil: undefined }),
    fc.constantFrom("256Mi", "1Gi", "0.5Gi"),
  )
  .map(([cpu, memory, cpuLimit, memoryLimit]) => ({
    requests: { cpu, memory },
    limits: { ...(cpuLimit === undefined ? {} : { cpu: cpuLimit }), memory: memoryLimit },
  }));

const scaling = fc.oneof(
  fc.constant({}),
  fc.record({ replicas: fc.integer({ min: 0, max: 1000 }) }),
  fc
    .tuple(
      fc.integer({ min: 1, max: 10 }),
      fc.integer({ min: 0, max: 10 }),
      optional({
        cpuPercent: fc.integer({ min: 1, max: 1000 }),
        memoryPercent: fc.integer({ min: 1, max: 1000 }),
      }),
    )
    .map(([min, extra, metrics]) => ({ autoscaling: { min, max: min + extra, ...metrics } })),
);

const ingress = fc.record(
  {
    host: fc.stringMatching(/^(\*\.)?[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?(\.[a-z]{2,6}){1,2}$/),
    path: fc.stringMatching(/^\/([a-z0-9_-]{1,8}\/?){0,3}$/),
    pathType: fc.constantFrom("Prefix", "Exact", "ImplementationSpecific"),
    className: dns1123Label(20),
    tls: fc.oneof(
      fc.record({ secretName }),
      fc.record({ clusterIssuer: secretName }),
      fc.record({ secretName, clusterIssuer: secretName }),
    ),
    annotations,
  },
  { requiredKeys: ["host"] },
);

const applicationOptions = fc.record(
  {
    component: labelValue,
    partOf: labelValue,
    env: envList,
    resources,
    security: optional({
      runAsNonRoot: fc.boolean(),
      runAsUser: fc.integer({ min: 1, max: 2147483647 }),
      readOnlyRootFilesystem: fc.boolean(),
    }),
    service: fc.oneof(
      optional({ type: fc.constant("ClusterIP"), annotations }),
      optional({ loadBalancerClass, annotations }).map((service) => ({ type: "LoadBalancer", ...service })),
    ),
    ingress,
    imagePullSecrets: fc.uniqueArray(secretName, { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

// Only the probes depend on the generated ports (they refer to them), so only they are chained.
const portsAndProbes = ports.chain((portsOfSpec) =>
  fc.tuple(
    fc.constant(portsOfSpec),
    optional({ liveness: probe(portsOfSpec), readiness: probe(portsOfSpec), startup: probe(portsOfSpec) }),
  ),
);

export const defaultApplicationSpec = fc
  .tuple(dns1035Label(63), image, portsAndProbes, scaling, applicationOptions, fc.boolean())
  .map(([name, imageReference, [portsOfSpec, probes], scale, options, withProbes]) => ({
    name,
    image: imageReference,
    ports: portsOfSpec,
    ...scale,
    ...options,
    ...(withProbes ? { probes } : {}),
  }));

// default@2.1's additions, generated valid by construction: names and paths drawn unique, mount paths and file
// paths from separate folders (so no file lands inside a volume), single-pod access modes only for one pod.
const host = fc.stringMatching(/^(\*\.)?[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?(\.[a-z]{2,6}){1,2}$/);
const pathPart = fc.stringMatching(/^[A-Za-z0-9_@+=,~%-][A-Za-z0-9._@+=,~%-]{0,12}$/);
const quantity = fc.constantFrom("64Mi", "1Gi", "10Gi", "0.5Gi", "100M");

const secrets = fc.uniqueArray(
  fc.record(
    {
      name: fc.stringMatching(/^S_[A-Za-z0-9_]{0,12}$/),
      secretRef: fc.record({ name: secretName, key: fc.stringMatching(/^[-._a-zA-Z0-9]{1,20}$/) }),
    },
    { requiredKeys: ["name"] },
  ),
  { maxLength: 4, selector: (secret) => secret.name },
);

const volumes = fc.uniqueArray(
  fc.record({
    name: dns1123Label(20).filter((name) => !name.startsWith("babyhelm-")),
    mountPath: pathPart.map((part) => `/mnt/${part}`),
    kind: fc.oneof(
      fc.record({
        persistent: fc.record(
          {
            size: quantity,
            accessMode: fc.constantFrom("ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany", "ReadOnlyMany"),
            storageClass: secretName,
          },
          { requiredKeys: ["size"] },
        ),
      }),
      fc.record({ scratch: optional({ sizeLimit: quantity }) }),
    ),
  }),
  { maxLength: 3, selector: (volume) => volume.name },
);

const files = fc.uniqueArray(
  fc.record({ path: pathPart.map((part) => `/etc/app/${part}`), content: hostileText }),
  { maxLength: 3, selector: (file) => file.path },
);

const ingressHosts = fc.record(
  {
    hosts: fc.uniqueArray(
      fc.record(
        {
          host,
          path: fc.stringMatching(/^\/([a-z0-9_-]{1,8}\/?){0,3}$/),
          pathType: fc.constantFrom("Prefix", "Exact", "ImplementationSpecific"),
          tls: fc.oneof(fc.boolean(), fc.record({ secretName })),
        },
        { requiredKeys: ["host"] },
      ),
      { minLength: 1, maxLength: 4, selector: (entry) => entry.host },
    ),
    className: dns1123Label(20),
    clusterIssuer: secretName,
    annotations,
  },
  { requiredKeys: ["hosts"] },
);

const additions21 = fc.record(
  {
    secrets,
    secretsVersion: hostileText,
    command: fc.array(hostileText, { maxLength: 3 }),
    args: fc.array(hostileText, { maxLength: 3 }),
    volumes,
    files,
    ingress: ingressHosts,
  },
  { requiredKeys: [] },
);

type Spec21 = Record<string, any>;

/** Drops what a valid 2.1 spec may not combine: a mount path used twice, a one-pod volume with several pods... */
function consistent21(spec: Spec21): Spec21 {
  const envNames = new Set((spec.env ?? []).map((variable: { name: string }) => variable.name));
  const maxPods = spec.autoscaling?.max ?? spec.replicas ?? 1;
  const mountPaths = new Set<string>();
  const volumesOf = (spec.volumes ?? []).flatMap((volume: Spec21) => {
    if (mountPaths.has(volume.mountPath)) return [];
    mountPaths.add(volume.mountPath);
    const persistent = volume.kind.persistent;
    const oncePod = persistent?.accessMode === "ReadWriteOncePod" && maxPods > 1;
    const kind = oncePod ? { persistent: { ...persistent, accessMode: "ReadWriteOnce" } } : volume.kind;
    return [{ name: volume.name, mountPath: volume.mountPath, ...kind }];
  });
  const result: Spec21 = { ...spec, volumes: volumesOf };
  if (spec.secrets)
    result.secrets = spec.secrets.filter((secret: { name: string }) => !envNames.has(secret.name));
  const ingress = spec.ingress;
  if (
    ingress?.hosts &&
    !ingress.hosts.some((entry: Spec21) => entry.tls !== undefined && entry.tls !== false)
  ) {
    const { clusterIssuer: _issuer, ...rest } = ingress;
    result.ingress = rest;
  }
  if (ingress?.hosts && ingress.clusterIssuer !== undefined && ingress.annotations) {
    const { "cert-manager.io/cluster-issuer": _annotation, ...annotationsLeft } = ingress.annotations;
    result.ingress = { ...result.ingress, annotations: annotationsLeft };
  }
  return result;
}

/** A default@2.1 spec: a 2.0 spec (which must stay valid) with some of 2.1's fields, the hosts form of Ingress among them. */
export const defaultApplication21Spec = fc
  .tuple(defaultApplicationSpec, additions21)
  .map(([spec20, additions]) => consistent21({ ...spec20, ...additions }));

const ascending = <T>(ladder: readonly T[]) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: ladder.length - 1 }), { minLength: 3, maxLength: 3 })
    .map((indexes) => indexes.sort((a, b) => a - b).map((index) => ladder[index]!));

export const defaultProjectSpec = fc
  .tuple(
    namespaceName,
    ascending(["50m", "100m", "250m", "500m", "1", "2"]),
    ascending(["64Mi", "128Mi", "256Mi", "512Mi", "1Gi", "4Gi"]),
    fc.boolean(),
    fc.boolean(),
    fc.boolean(),
  )
  .chain(
    ([
      name,
      [cpuRequest, cpuDefault, cpuMax],
      [memoryRequest, memoryDefault, memoryMax],
      limitsOn,
      withCpuLimit,
      withMax,
    ]) =>
      fc
        .record(
          {
            podSecurity: fc.constantFrom("privileged", "baseline", "restricted"),
            quota: optional({
              enabled: fc.boolean(),
              requests: optional({
                cpu: fc.constantFrom("1", "4", "16"),
                memory: fc.constantFrom("1Gi", "8Gi"),
              }),
              // A CPU-limit total needs a default CPU limit for containers; only generated when there is one.
              limits:
                withCpuLimit && limitsOn
                  ? fc.record({ cpu: fc.constantFrom("4", "8"), memory: fc.constantFrom("4Gi", "16Gi") })
                  : optional({ memory: fc.constantFrom("4Gi", "16Gi") }),
              pods: fc.integer({ min: 0, max: 100000 }),
              services: fc.integer({ min: 0, max: 100000 }),
            }),
            networkPolicy: optional({
              enabled: fc.boolean(),
              ingressNamespaceSelector: fc.dictionary(annotationKey, labelValue, { minKeys: 1, maxKeys: 3 }),
            }),
          },
          { requiredKeys: [] },
        )
        .map((options) => ({
          name,
          ...options,
          limits: {
            enabled: limitsOn,
            defaultRequest: { cpu: cpuRequest, memory: memoryRequest },
            default: { ...(withCpuLimit ? { cpu: cpuDefault } : {}), memory: memoryDefault },
            ...(withMax ? { max: { cpu: cpuMax, memory: memoryMax } } : {}),
          },
        })),
  );
