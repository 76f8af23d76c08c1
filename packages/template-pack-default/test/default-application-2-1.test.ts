// default@2.1 application: what each field 2.1 adds renders, and how conflicting or bad values are refused with an
// issue at the field to fix. Every render here also passes strict Kubernetes 1.35 validation.
import { describe, expect, it } from "vitest";
import { defaultPack21, hostTlsSecretName } from "../src/index.js";
import { expectRejected, objectOf, renderValid } from "./helpers/renderer.js";

const PACK = "default@2.1";
const base = { name: "web", image: "nginx:1.27", ports: [{ name: "http", port: 80 }] };
const app = (overrides: Record<string, unknown>) =>
  renderValid(PACK, "application", { ...base, ...overrides });
const rejected = (overrides: Record<string, unknown>, path: string, messagePart?: string) => {
  expectRejected(PACK, "application", { ...base, ...overrides }, path, messagePart);
};
const deploymentOf = (overrides: Record<string, unknown>): any => objectOf(app(overrides), "Deployment");
const containerOf = (overrides: Record<string, unknown>): any =>
  deploymentOf(overrides).spec.template.spec.containers[0];
const data = { name: "data", mountPath: "/var/lib/data", persistent: { size: "1Gi" } };

describe("default@2.1 application: resolution", () => {
  it("is what default@2 resolves to, so new apps get it", async () => {
    const { renderer } = await import("./helpers/renderer.js");
    expect(renderer.resolvePack().ref).toBe("default@2.1.0");
    expect(renderer.resolvePack("default@2").ref).toBe("default@2.1.0");
    expect(renderer.resolvePack("default@2.0.0").ref).toBe("default@2.0.0");
  });
});

describe("default@2.1 application: secrets", () => {
  it("refers to the app's Secret for stored values and to the named Secret for references, after plain env", () => {
    const container = containerOf({
      env: [{ name: "MODE", value: "production" }],
      secrets: [
        { name: "DB_PASSWORD" },
        { name: "API_KEY", secretRef: { name: "existing", key: "api-key" } },
      ],
    });
    expect(container.env).toEqual([
      { name: "MODE", value: "production" },
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "web-secrets", key: "DB_PASSWORD" } } },
      { name: "API_KEY", valueFrom: { secretKeyRef: { name: "existing", key: "api-key" } } },
    ]);
  });

  it("never renders the app's Secret itself: the server applies it with the values", () => {
    const kinds = app({ secrets: [{ name: "DB_PASSWORD" }], secretsVersion: "v1" }).map(
      (object) => object.kind,
    );
    expect(kinds).toEqual(["Deployment", "Service"]);
    expect(defaultPack21.kinds.application).not.toContain("Secret");
  });

  it("annotates the pod template with secretsVersion, so a new version rolls out", () => {
    const annotations = (version?: string): unknown =>
      deploymentOf({
        secrets: [{ name: "A" }],
        ...(version === undefined ? {} : { secretsVersion: version }),
      }).spec.template.metadata.annotations;
    expect(annotations("v3-1f2e")).toEqual({ "babyhelm.io/secrets-version": "v3-1f2e" });
    expect(annotations("v4-0000")).toEqual({ "babyhelm.io/secrets-version": "v4-0000" });
    expect(annotations()).toBeUndefined();
  });

  it("refuses a secret named like an env var or another secret, and bad references", () => {
    rejected(
      { env: [{ name: "A", value: "x" }], secrets: [{ name: "A" }] },
      "secrets[0].name",
      "secrets[0].name repeats env[0].name (A)",
    );
    rejected({ secrets: [{ name: "A" }, { name: "A" }] }, "secrets[1].name", "repeats secrets[0].name");
    rejected({ secrets: [{ name: "1A" }] }, "secrets[0].name", "environment variable name");
    rejected({ secrets: [{ name: "A", value: "x" }] }, "secrets[0].value", "unknown field");
    rejected(
      { secrets: [{ name: "A", secretRef: { name: "Bad_Name", key: "k" } }] },
      "secrets[0].secretRef.name",
    );
    rejected(
      { secrets: [{ name: "A", secretRef: { name: "s", key: "a/b" } }] },
      "secrets[0].secretRef.key",
      "Secret key",
    );
    rejected(
      { secrets: [{ name: "A", secretRef: { name: "s" } }] },
      "secrets[0].secretRef.key",
      "is required",
    );
    rejected({ secretsVersion: 3 }, "secretsVersion");
  });
});

describe("default@2.1 application: command and args", () => {
  it("sets them when given and leaves the image's otherwise", () => {
    const container = containerOf({ command: ["node"], args: ["worker.js", "--queue", "a b"] });
    expect(container.command).toEqual(["node"]);
    expect(container.args).toEqual(["worker.js", "--queue", "a b"]);
    const plain = containerOf({ command: [], args: [] });
    expect(plain).not.toHaveProperty("command");
    expect(plain).not.toHaveProperty("args");
    rejected({ command: "node worker.js" }, "command", "a list of strings");
    rejected({ args: [1] }, "args[0]");
  });
});

describe("default@2.1 application: volumes", () => {
  it("claims a PersistentVolumeClaim per persistent volume, ReadWriteOnce and the default class unless given", () => {
    const objects = app({
      volumes: [
        data,
        {
          name: "media",
          mountPath: "/media",
          persistent: { size: "5Gi", accessMode: "ReadWriteMany", storageClass: "nfs" },
        },
      ],
    });
    const claims = objects.filter((object) => object.kind === "PersistentVolumeClaim") as any[];
    expect(
      claims.map((claim) => [claim.metadata.name, claim.metadata.labels["babyhelm.io/volume"], claim.spec]),
    ).toEqual([
      ["web-data", "data", { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } }],
      [
        "web-media",
        "media",
        {
          accessModes: ["ReadWriteMany"],
          storageClassName: "nfs",
          resources: { requests: { storage: "5Gi" } },
        },
      ],
    ]);
    expect(claims[0].metadata.labels["app.kubernetes.io/instance"]).toBe("web");
    const pod = objectOf(objects, "Deployment").spec.template.spec;
    expect(pod.volumes).toEqual([
      { name: "data", persistentVolumeClaim: { claimName: "web-data" } },
      { name: "media", persistentVolumeClaim: { claimName: "web-media" } },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: "data", mountPath: "/var/lib/data" },
      { name: "media", mountPath: "/media" },
    ]);
  });

  it("gives scratch volumes an emptyDir, with a size limit when asked", () => {
    const pod = deploymentOf({
      security: { readOnlyRootFilesystem: true },
      volumes: [
        { name: "tmp", mountPath: "/tmp", scratch: { sizeLimit: "64Mi" } },
        { name: "cache", mountPath: "/cache", scratch: {} },
      ],
    }).spec.template.spec;
    expect(pod.volumes).toEqual([
      { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
      { name: "cache", emptyDir: {} },
    ]);
  });

  it("recreates pods with a single-node volume, and keeps rolling updates otherwise", () => {
    const strategy = (overrides: Record<string, unknown>): unknown => deploymentOf(overrides).spec.strategy;
    const rolling = { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } };
    expect(strategy({ volumes: [data] })).toEqual({ type: "Recreate" });
    // More than one pod with ReadWriteOnce is allowed (the dashboard warns): they share the node of the volume.
    expect(strategy({ replicas: 3, volumes: [data] })).toEqual({ type: "Recreate" });
    const oncePod = { ...data, persistent: { size: "1Gi", accessMode: "ReadWriteOncePod" } };
    expect(strategy({ volumes: [oncePod] })).toEqual({ type: "Recreate" });
    const shared = { ...data, persistent: { size: "1Gi", accessMode: "ReadWriteMany" } };
    expect(strategy({ replicas: 3, volumes: [shared] })).toEqual(rolling);
    expect(strategy({ volumes: [{ name: "tmp", mountPath: "/tmp", scratch: {} }] })).toEqual(rolling);
  });

  it("refuses a ReadWriteOncePod volume when more than one pod may run", () => {
    const oncePod = { ...data, persistent: { size: "1Gi", accessMode: "ReadWriteOncePod" } };
    const path = "volumes[0].persistent.accessMode";
    rejected({ replicas: 2, volumes: [oncePod] }, path, "allows one pod, but up to 2 may run");
    rejected({ autoscaling: { min: 1, max: 3 }, volumes: [oncePod] }, path, "up to 3");
    expect(app({ autoscaling: { min: 1, max: 1 }, volumes: [oncePod] }).length).toBeGreaterThan(0);
  });

  it("refuses repeated names and mount paths, and volumes that are neither or both kinds", () => {
    rejected({ volumes: [data, { ...data, mountPath: "/b" }] }, "volumes[1].name", "repeats volumes[0].name");
    rejected(
      { volumes: [data, { ...data, name: "b" }] },
      "volumes[1].mountPath",
      "repeats volumes[0].mountPath",
    );
    rejected({ volumes: [{ name: "a", mountPath: "/a" }] }, "volumes[0]", "exactly one of persistent");
    rejected({ volumes: [{ ...data, scratch: {} }] }, "volumes[0]", "exactly one of persistent");
  });

  it("refuses bad names, paths, sizes and access modes, naming the field", () => {
    rejected({ volumes: [{ ...data, name: "Data" }] }, "volumes[0].name", "DNS label");
    rejected(
      { volumes: [{ ...data, name: "babyhelm-files" }] },
      "volumes[0].name",
      "must not start with babyhelm-",
    );
    for (const mountPath of ["relative/path", "/a/../b", "/a/./b", "/a//b", "/", "/a b", "/a:b"]) {
      rejected({ volumes: [{ ...data, mountPath }] }, "volumes[0].mountPath", "absolute path");
    }
    rejected(
      { volumes: [{ ...data, persistent: { size: "lots" } }] },
      "volumes[0].persistent.size",
      "quantity",
    );
    rejected({ volumes: [{ ...data, persistent: {} }] }, "volumes[0].persistent.size", "is required");
    rejected(
      { volumes: [{ ...data, persistent: { size: "1Gi", accessMode: "ReadWriteSometimes" } }] },
      "volumes[0].persistent.accessMode",
      "ReadWriteOnce, ReadWriteOncePod",
    );
    rejected(
      { volumes: [{ name: "t", mountPath: "/t", scratch: { sizeLimit: "-1" } }] },
      "volumes[0].scratch.sizeLimit",
    );
  });
});

describe("default@2.1 application: files", () => {
  const files = [
    { path: "/etc/app/config.yaml", content: "key: value\n" },
    { path: "/etc/other/config.yaml", content: "other: 1\n" },
  ];

  it("renders the ConfigMap <app>-files and mounts each file alone at its path", () => {
    const objects = app({ files });
    expect(objectOf(objects, "ConfigMap")).toMatchObject({
      metadata: { name: "web-files" },
      data: { "0-config.yaml": "key: value\n", "1-config.yaml": "other: 1\n" },
    });
    const pod = objectOf(objects, "Deployment").spec.template.spec;
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: "babyhelm-files", mountPath: "/etc/app/config.yaml", subPath: "0-config.yaml", readOnly: true },
      {
        name: "babyhelm-files",
        mountPath: "/etc/other/config.yaml",
        subPath: "1-config.yaml",
        readOnly: true,
      },
    ]);
    expect(pod.volumes).toEqual([{ name: "babyhelm-files", configMap: { name: "web-files" } }]);
  });

  it("changes the checksum annotation with the content, so an edit rolls out", () => {
    const checksum = (content: string): string =>
      deploymentOf({ files: [{ path: "/etc/a.conf", content }] }).spec.template.metadata.annotations[
        "babyhelm.io/files-checksum"
      ];
    expect(checksum("a")).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum("a")).toBe(checksum("a"));
    expect(checksum("b")).not.toBe(checksum("a"));
    expect(deploymentOf({}).spec.template.metadata).not.toHaveProperty("annotations");
  });

  it("refuses repeated paths, files inside a volume or inside another file, and too much content", () => {
    rejected({ files: [files[0], files[0]] }, "files[1].path", "repeats files[0].path");
    rejected(
      { volumes: [{ name: "etc", mountPath: "/etc/app", scratch: {} }], files },
      "files[0].path",
      "is inside volumes[0].mountPath (/etc/app)",
    );
    rejected(
      { volumes: [{ name: "c", mountPath: "/etc/app/config.yaml", scratch: {} }], files },
      "files[0].path",
      "inside volumes[0].mountPath",
    );
    rejected(
      {
        files: [
          { path: "/etc/a", content: "" },
          { path: "/etc/a/b", content: "" },
        ],
      },
      "files[1].path",
      "inside files[0].path",
    );
    rejected({ files: [{ path: "etc/a", content: "" }] }, "files[0].path", "absolute path");
    rejected({ files: [{ path: "/etc/a" }] }, "files[0].content", "is required");
    rejected({ files: [{ path: "/a", content: "x".repeat(1024 * 1024) }] }, "files", "at most 1000 KiB");
    // A prefix that is not a parent folder is no conflict.
    expect(app({ volumes: [{ name: "e", mountPath: "/etc/ap", scratch: {} }], files }).length).toBe(3);
  });
});

describe("default@2.1 application: Ingress hosts", () => {
  const hosts = (ingress: Record<string, unknown>): any => objectOf(app({ ingress }), "Ingress");

  it("routes each host with its own path and port, TLS per host, cert-manager for TLS hosts", () => {
    const ingress = hosts({
      clusterIssuer: "letsencrypt",
      hosts: [
        { host: "a.example.com", tls: true },
        { host: "b.example.com", path: "/api", servicePort: 80, tls: { secretName: "b-tls" } },
        { host: "c.example.com", tls: false },
      ],
    });
    expect(ingress.metadata.annotations).toEqual({ "cert-manager.io/cluster-issuer": "letsencrypt" });
    expect(ingress.spec.tls).toEqual([
      { hosts: ["a.example.com"], secretName: "web-tls-a.example.com" },
      { hosts: ["b.example.com"], secretName: "b-tls" },
    ]);
    expect(
      ingress.spec.rules.map((rule: any) => [
        rule.host,
        rule.http.paths[0].path,
        rule.http.paths[0].backend.service.port,
      ]),
    ).toEqual([
      ["a.example.com", "/", { name: "http" }],
      ["b.example.com", "/api", { name: "http" }],
      ["c.example.com", "/", { name: "http" }],
    ]);
  });

  it("names TLS Secrets after the host, within the 253-character limit", () => {
    expect(hostTlsSecretName("web", "*.example.com")).toBe("web-tls-wildcard.example.com");
    const longHost = `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.com`;
    const name = hostTlsSecretName("x".repeat(63), longHost);
    expect(name.length).toBeLessThanOrEqual(253);
    expect(name).not.toBe(hostTlsSecretName("x".repeat(63), longHost.replace("d", "e")));
    const ingress = hosts({ hosts: [{ host: longHost, tls: true }] });
    expect(ingress.spec.tls[0].secretName.length).toBeLessThanOrEqual(253);
  });

  it("adds no cert-manager annotation without a TLS host, and keeps 2.0's single-host form", () => {
    expect(hosts({ hosts: [{ host: "a.example.com" }] }).metadata).not.toHaveProperty("annotations");
    const single = hosts({ host: "a.example.com", tls: { clusterIssuer: "letsencrypt" } });
    expect(single.spec.tls).toEqual([{ hosts: ["a.example.com"], secretName: "web-tls" }]);
  });

  it("refuses repeated hosts, both forms at once, unknown ports and an issuer without TLS", () => {
    const path = "ingress.hosts[1].host";
    rejected(
      { ingress: { hosts: [{ host: "a.example.com" }, { host: "a.example.com", path: "/x" }] } },
      path,
      "repeats ingress.hosts[0].host",
    );
    rejected(
      { ingress: { host: "a.example.com", hosts: [{ host: "b.example.com" }] } },
      "ingress",
      "not both",
    );
    rejected({ ingress: { hosts: [] } }, "ingress.hosts", "at least one host");
    rejected(
      { ingress: { hosts: [{ host: "a.example.com", servicePort: "admin" }] } },
      "ingress.hosts[0].servicePort",
      "matches no port",
    );
    rejected(
      { ingress: { hosts: [{ host: "A.example.com" }] } },
      "ingress.hosts[0].host",
      "lowercase DNS host name",
    );
    rejected(
      { ingress: { hosts: [{ host: "a.example.com", path: "api" }] } },
      "ingress.hosts[0].path",
      "absolute URL path",
    );
    rejected(
      { ingress: { hosts: [{ host: "a.example.com", tls: "yes" }] } },
      "ingress.hosts[0].tls",
      "true, false or { secretName }",
    );
    rejected(
      { ingress: { hosts: [{ host: "a.example.com" }], clusterIssuer: "le" } },
      "ingress.clusterIssuer",
      "needs a host with tls",
    );
    rejected(
      {
        ingress: {
          hosts: [{ host: "a.example.com", tls: true }],
          clusterIssuer: "le",
          annotations: { "cert-manager.io/cluster-issuer": "other" },
        },
      },
      "ingress.annotations",
      "use ingress.clusterIssuer",
    );
    rejected({ ingress: { hosts: [{ host: "a.example.com" }], path: "/" } }, "ingress.path", "unknown field");
    rejected(
      { ingress: { hosts: [{ host: "a.example.com" }], tls: { secretName: "x" } } },
      "ingress.tls",
      "unknown field",
    );
    rejected(
      { ingress: { host: "a.example.com", clusterIssuer: "le" } },
      "ingress.clusterIssuer",
      "unknown field",
    );
  });
});

describe("default@2.1 application: JSON Schema", () => {
  it("describes the new fields and both Ingress forms", () => {
    const schema = defaultPack21.jsonSchema("application") as any;
    expect(schema.additionalProperties).toBe(false);
    for (const field of ["secrets", "secretsVersion", "command", "args", "volumes", "files"]) {
      expect(schema.properties, field).toHaveProperty(field);
    }
    expect(schema.properties.volumes.items.properties.persistent.properties.accessMode.default).toBe(
      "ReadWriteOnce",
    );
    expect(schema.properties.ingress.anyOf).toHaveLength(2);
    expect(schema.properties.ingress.anyOf[1].required).toEqual(["hosts"]);
  });
});
