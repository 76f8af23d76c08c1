// The deploy form's model against the JSON Schemas the server really sends: the packs' own (test/support/packs.ts).
import { describe, expect, it } from "vitest";
import {
  draftFromSpec,
  draftIssues,
  emptyDraft,
  emptyHost,
  emptyVolume,
  placeIssues,
  secretValuesOf,
  shapeOf,
  specForEdit,
  specFromDraft,
  volumeWarning,
  withoutSecretValues,
  type AppDraft,
} from "../../src/lib/app-draft.js";
import { schemaIssues } from "../../src/lib/schema-check.js";
import { applicationSchema } from "../support/packs.js";

const CLASSIC_SCHEMA = applicationSchema("classic");
const DEFAULT_SCHEMA = applicationSchema("default", "2.0.0");
const SCHEMA_2_1 = applicationSchema("default", "2.1.0");

function draft(change: Partial<AppDraft>): AppDraft {
  return { ...emptyDraft(), name: "web", image: "nginx:1.27", ...change };
}

describe("specFromDraft", () => {
  it("gives only what was typed, numbers as numbers, leaving the rest to the pack's defaults", () => {
    const shape = shapeOf(DEFAULT_SCHEMA);
    expect(
      specFromDraft(
        draft({
          env: [
            { name: "LOG_LEVEL", value: "info" },
            { name: "", value: "" },
          ],
        }),
        shape,
      ),
    ).toEqual({
      image: "nginx:1.27",
      ports: [{ port: 80 }],
      env: [{ name: "LOG_LEVEL", value: "info" }],
      replicas: 1,
    });

    expect(
      specFromDraft(
        draft({
          ports: [
            { name: "http", port: "80", containerPort: "8080", protocol: "TCP" },
            { name: "dns", port: "53", containerPort: "", protocol: "UDP" },
          ],
          scaling: "auto",
          autoscaling: { min: "2", max: "6", cpuPercent: "70", memoryPercent: "" },
          resources: { requestsCpu: "250m", requestsMemory: "", limitsCpu: "", limitsMemory: "512Mi" },
          probes: {
            liveness: { type: "http", path: "/healthz", port: "" },
            readiness: { type: "tcp", path: "/ignored", port: "http" },
            startup: { type: "none", path: "", port: "" },
          },
          serviceType: "LoadBalancer",
          ingressHost: "shop.example.com",
          tls: "issuer",
          tlsClusterIssuer: "letsencrypt",
        }),
        shape,
      ),
    ).toEqual({
      image: "nginx:1.27",
      ports: [
        { name: "http", port: 80, containerPort: 8080 },
        { name: "dns", port: 53, protocol: "UDP" },
      ],
      autoscaling: { min: 2, max: 6, cpuPercent: 70 },
      resources: { requests: { cpu: "250m" }, limits: { memory: "512Mi" } },
      probes: { liveness: { type: "http", path: "/healthz" }, readiness: { type: "tcp", port: "http" } },
      service: { type: "LoadBalancer" },
      ingress: { host: "shop.example.com", tls: { clusterIssuer: "letsencrypt" } },
    });
  });

  it("makes classic@1's single port and `envs`", () => {
    const shape = shapeOf(CLASSIC_SCHEMA);
    expect(shape).toMatchObject({ ports: "single", envKey: "envs", scaling: false, ingress: false });
    expect(
      specFromDraft(
        draft({
          ports: [{ name: "", port: "80", containerPort: "", protocol: "TCP" }],
          env: [{ name: "A", value: "1" }],
        }),
        shape,
      ),
    ).toEqual({
      image: "nginx:1.27",
      ports: { port: 80, targetPort: 80 },
      envs: [{ name: "A", value: "1" }],
    });
  });
});

describe("draftIssues: the pack's JSON Schema, checked in the browser", () => {
  it("names the field and says what is expected", () => {
    const issues = draftIssues(
      draft({
        name: "Web",
        image: "nginx 1.27",
        ports: [{ name: "", port: "70000", containerPort: "eighty", protocol: "TCP" }],
        replicas: "-1",
        env: [
          { name: "OK", value: "1" },
          { name: "1BAD", value: "2" },
          { name: "OK", value: "3" },
        ],
        resources: { requestsCpu: "lots", requestsMemory: "", limitsCpu: "", limitsMemory: "" },
      }),
      DEFAULT_SCHEMA,
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        {
          path: "name",
          message:
            "must be lowercase letters, digits and '-', starting with a letter and not ending with '-'",
        },
        {
          path: "image",
          message:
            "must be an image reference such as nginxinc/nginx-unprivileged:1.27 or ghcr.io/org/app:v1, without spaces",
        },
        { path: "ports[0].port", message: "must be at most 65535" },
        { path: "ports[0].containerPort", message: "must be a whole number" },
        { path: "replicas", message: "must be at least 0" },
        {
          path: "env[1].name",
          message: "must be letters, digits, '_', '.' and '-', not starting with a digit",
        },
        { path: "env[2].name", message: "repeats variable 1 (OK)" },
        {
          path: "resources.requests.cpu",
          message: "must be a Kubernetes quantity such as 250m (a quarter of a core) or 1",
        },
      ]),
    );
  });

  it("says what is missing", () => {
    const issues = draftIssues({ ...emptyDraft(), ports: [] }, DEFAULT_SCHEMA);
    expect(issues).toEqual([
      { path: "name", message: "is required" },
      { path: "image", message: "is required" },
      { path: "ports", message: "needs at least one entry" },
    ]);
    expect(draftIssues(draft({}), DEFAULT_SCHEMA)).toEqual([]);
  });

  it("checks a probe against the variant its type chose", () => {
    const issues = schemaIssues(DEFAULT_SCHEMA, {
      name: "web",
      image: "nginx:1.27",
      ports: [{ port: 80 }],
      probes: { liveness: { type: "http", path: "healthz" }, readiness: { type: "tcp", port: 0 } },
    });
    expect(issues).toEqual([
      { path: "probes.liveness.path", message: "must start with '/' and use only URL path characters" },
      { path: "probes.readiness.port", message: "must be at least 1" },
    ]);
  });
});

describe("placeIssues: the server's issues beside the inputs they are about", () => {
  it("maps spec paths onto the form's rows, counting empty env rows the server never saw", () => {
    const form = draft({
      env: [
        { name: "", value: "" },
        { name: "A", value: "1" },
        { name: "B C", value: "2" },
      ],
      ports: [
        { name: "", port: "80", containerPort: "", protocol: "TCP" },
        { name: "", port: "81", containerPort: "", protocol: "TCP" },
      ],
    });
    const placed = placeIssues(
      [
        { path: "spec.ports[1].name", message: "is required when there are several ports" },
        { path: "spec.env[1].name", message: "must be a valid name" },
        { path: "spec.resources.requests", message: "requests may not exceed limits" },
        { path: "name", message: "is taken" },
        { path: "spec", message: "must be an object" },
        { path: "spec.ingress.host", message: "no Ingress input in this form state" },
      ],
      form,
      shapeOf(DEFAULT_SCHEMA),
    );
    expect(Object.fromEntries(placed.byPath)).toEqual({
      "ports[1].name": "is required when there are several ports",
      "env[2].name": "must be a valid name",
      resources: "requests may not exceed limits",
      name: "is taken",
      "ingress.host": "no Ingress input in this form state",
    });
    expect(placed.unplaced).toEqual([{ path: "spec", message: "must be an object" }]);
  });

  it("maps classic@1's paths onto the same inputs", () => {
    const form = draft({ env: [{ name: "X", value: "1" }] });
    const placed = placeIssues(
      [
        { path: "spec.ports.targetPort", message: "must be at most 65535" },
        { path: "spec.envs[0].name", message: "bad" },
      ],
      form,
      shapeOf(CLASSIC_SCHEMA),
    );
    expect(Object.fromEntries(placed.byPath)).toEqual({
      "ports[0].containerPort": "must be at most 65535",
      "env[0].name": "bad",
    });
  });
});

describe("default@2.1's secrets, volumes, files, command and hosts", () => {
  const shape = shapeOf(SCHEMA_2_1);
  const STORED = {
    name: "web",
    image: "nginx:1.27",
    ports: [{ port: 80 }],
    env: [{ name: "MODE", value: "prod" }],
    secrets: [{ name: "DB_PASSWORD" }, { name: "API_KEY", secretRef: { name: "vendor", key: "api-key" } }],
    secretsVersion: "v1-0123abcd",
    command: ["node"],
    args: ["worker.js", "--queue=mail"],
    replicas: 1,
    volumes: [
      { name: "data", mountPath: "/var/lib/data", persistent: { size: "2Gi", accessMode: "ReadWriteOnce" } },
      { name: "tmp", mountPath: "/tmp", scratch: { sizeLimit: "64Mi" } },
    ],
    files: [{ path: "/etc/app/config.yaml", content: "key: value\n" }],
    ingress: {
      hosts: [
        { host: "shop.example.com", pathType: "Exact", tls: true },
        { host: "api.example.com", path: "/v1", tls: { secretName: "api-tls" } },
      ],
      className: "nginx",
    },
  };

  it("reads the pack's schema: the form offers every new part", () => {
    expect(shape).toMatchObject({ secrets: true, command: true, volumes: true, files: true, hosts: true });
    expect(shapeOf(CLASSIC_SCHEMA)).toMatchObject({ secrets: false, volumes: false, hosts: false });
  });

  it("reads a stored spec into the form and saves it back unchanged, values of secrets never in the spec", () => {
    const form = draftFromSpec(STORED, shape);
    expect(form.env).toEqual([
      { name: "MODE", value: "prod" },
      { name: "DB_PASSWORD", value: "", secret: true },
      { name: "API_KEY", value: "", secret: true, reference: { secret: "vendor", key: "api-key" } },
    ]);
    expect(form.command).toBe("node");
    expect(form.args).toBe("worker.js\n--queue=mail");
    expect(form.hosts.map((host) => host.tls)).toEqual(["auto", "secret"]);
    expect(specForEdit(STORED, specFromDraft(form, shape))).toEqual(STORED);
    expect(secretValuesOf(form.env)).toEqual({});
    expect(schemaIssues(SCHEMA_2_1, STORED)).toEqual([]);
  });

  it("sends only the secret values typed, apart from the spec, and marks a new secret in the spec by name", () => {
    const form = draftFromSpec(STORED, shape);
    form.env[1] = { ...form.env[1]!, value: "s3cret" };
    form.env.push({ name: "SESSION_KEY", value: "new", secret: true });
    const spec = specFromDraft(form, shape);
    expect(JSON.stringify(spec)).not.toContain("s3cret");
    expect(spec.secrets).toEqual([
      { name: "DB_PASSWORD" },
      { name: "API_KEY", secretRef: { name: "vendor", key: "api-key" } },
      { name: "SESSION_KEY" },
    ]);
    expect(spec.env).toEqual([{ name: "MODE", value: "prod" }]);
    expect(secretValuesOf(form.env)).toEqual({ DB_PASSWORD: "s3cret", SESSION_KEY: "new" });
    // What a draft may keep on the browser: no secret value.
    expect(JSON.stringify(withoutSecretValues(form))).not.toMatch(/s3cret|"new"/);
    expect(withoutSecretValues(form).env[0]).toEqual({ name: "MODE", value: "prod" });
  });

  it("makes volumes, files, command and hosts the pack accepts", () => {
    const spec = specFromDraft(
      draft({
        command: "node\n\n",
        args: " worker.js \n--queue=mail",
        volumes: [
          { ...emptyVolume("persistent"), name: "data", mountPath: "/data", storageClass: "fast" },
          { ...emptyVolume("scratch"), name: "tmp", mountPath: "/tmp" },
        ],
        files: [{ path: "/etc/app.conf", content: "a=1\n" }],
        hosts: [
          { ...emptyHost(), host: "a.example.com", tls: "auto" },
          { ...emptyHost(), host: "b.example.com", path: "/b" },
        ],
        tlsClusterIssuer: "letsencrypt",
      }),
      shape,
    );
    expect(spec).toMatchObject({
      command: ["node"],
      args: ["worker.js", "--queue=mail"],
      volumes: [
        {
          name: "data",
          mountPath: "/data",
          persistent: { size: "1Gi", accessMode: "ReadWriteOnce", storageClass: "fast" },
        },
        { name: "tmp", mountPath: "/tmp", scratch: {} },
      ],
      files: [{ path: "/etc/app.conf", content: "a=1\n" }],
      ingress: {
        hosts: [
          { host: "a.example.com", tls: true },
          { host: "b.example.com", path: "/b" },
        ],
        clusterIssuer: "letsencrypt",
      },
    });
    expect(schemaIssues(SCHEMA_2_1, { ...spec, name: "web" })).toEqual([]);
  });

  it("puts the server's issues about secrets, their values and volumes beside their rows", () => {
    const form = draft({
      env: [
        { name: "", value: "" },
        { name: "MODE", value: "a" },
        { name: "DB_PASSWORD", value: "", secret: true },
        { name: "API_KEY", value: "", secret: true, reference: { secret: "vendor", key: "" } },
      ],
      volumes: [{ ...emptyVolume("persistent"), name: "Data", mountPath: "/data" }],
    });
    const placed = placeIssues(
      [
        { path: "secretValues.DB_PASSWORD", message: "give DB_PASSWORD a value" },
        { path: "spec.secrets[1].secretRef.key", message: "must not be empty" },
        { path: "spec.env[0].value", message: "is wrong" },
        { path: "spec.volumes[0].name", message: "must be a DNS label" },
      ],
      form,
      shape,
    );
    expect([...placed.byPath]).toEqual([
      ["env[2].value", "give DB_PASSWORD a value"],
      ["env[3].reference.key", "must not be empty"],
      ["env[1].value", "is wrong"],
      ["volumes[0].name", "must be a DNS label"],
    ]);
    expect(placed.unplaced).toEqual([]);
  });

  it("warns of a ReadWriteOnce volume shared by several pods, not of one pod or ReadWriteMany", () => {
    const volume = { ...emptyVolume("persistent"), name: "data", mountPath: "/data" };
    expect(volumeWarning(draft({ volumes: [volume], replicas: "1" }))).toBeUndefined();
    expect(volumeWarning(draft({ volumes: [volume], replicas: "3" }))).toMatch(
      /3 replicas with the ReadWriteOnce volume data: .*one node at a time/,
    );
    expect(
      volumeWarning(
        draft({ volumes: [volume], scaling: "auto", autoscaling: { ...emptyDraft().autoscaling, max: "4" } }),
      ),
    ).toMatch(/^Autoscaling up to 4 pods/);
    expect(
      volumeWarning(draft({ volumes: [{ ...volume, accessMode: "ReadWriteMany" }], replicas: "3" })),
    ).toBeUndefined();
  });
});

describe("default@2.1's Ingress forms", () => {
  const shape = shapeOf(SCHEMA_2_1);

  it("keeps a single-host Ingress in its form, and a listed one listed", () => {
    const single = {
      image: "nginx:1.27",
      ports: [{ port: 80 }],
      ingress: { host: "shop.example.com", className: "nginx", tls: { clusterIssuer: "letsencrypt" } },
    };
    const form = draftFromSpec(single, shape);
    expect(form.hosts).toEqual([{ host: "shop.example.com", path: "", tls: "auto", tlsSecretName: "" }]);
    expect(specForEdit(single, specFromDraft(form, shape))).toEqual(single);

    const listed = { ...single, ingress: { hosts: [{ host: "shop.example.com", tls: true }] } };
    expect(specForEdit(listed, specFromDraft(draftFromSpec(listed, shape), shape))).toEqual(listed);

    // A second host turns the single form into the list, keeping the first host's pathType.
    const withPathType = { ...single, ingress: { ...single.ingress, pathType: "Exact" } };
    const two = draftFromSpec(withPathType, shape);
    two.hosts.push({ ...emptyHost(), host: "api.example.com" });
    expect(specForEdit(withPathType, specFromDraft(two, shape)).ingress).toEqual({
      className: "nginx",
      clusterIssuer: "letsencrypt",
      hosts: [{ host: "shop.example.com", pathType: "Exact", tls: true }, { host: "api.example.com" }],
    });
  });

  it("puts the single form's issues on the first host's inputs", () => {
    const form = draft({ hosts: [{ ...emptyHost(), host: "Shop", tls: "secret" }] });
    const placed = placeIssues(
      [
        { path: "spec.ingress.host", message: "must be a host name" },
        { path: "spec.ingress.tls.secretName", message: "must not be empty" },
      ],
      form,
      shape,
    );
    expect(Object.fromEntries(placed.byPath)).toEqual({
      "ingress.hosts[0].host": "must be a host name",
      "ingress.hosts[0].tls.secretName": "must not be empty",
    });
  });
});
