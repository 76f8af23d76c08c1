// default@2 application: each option produces the right objects and fields; bad and conflicting options are refused
// with an issue at the field to fix. Every render here also passes strict Kubernetes 1.35 validation.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { defaultPack } from "../src/index.js";
import { expectRejected, objectOf, render, renderValid } from "./helpers/renderer.js";

const PACK = "default@2";
const base = { name: "web", image: "nginx:1.27", ports: [{ port: 80 }] };
const app = (overrides: Record<string, unknown>) =>
  renderValid(PACK, "application", { ...base, ...overrides });
const kinds = (overrides: Record<string, unknown>) => app(overrides).map((object) => object.kind);
const rejected = (overrides: Record<string, unknown>, path: string, messagePart?: string) => {
  expectRejected(PACK, "application", { ...base, ...overrides }, path, messagePart);
};
const container = (overrides: Record<string, unknown>): any =>
  objectOf(app(overrides), "Deployment").spec.template.spec.containers[0];

describe("default@2 application: defaults", () => {
  const objects = app({});
  const deployment = objectOf(objects, "Deployment");

  it("renders a Deployment and a ClusterIP Service only", () => {
    expect(objects.map((object) => object.kind)).toEqual(["Deployment", "Service"]);
    expect(objectOf(objects, "Service").spec.type).toBe("ClusterIP");
    expect(deployment.spec.replicas).toBe(1);
  });

  it("labels every object with the recommended labels and selects on name and instance", () => {
    const labels = {
      "app.kubernetes.io/name": "web",
      "app.kubernetes.io/instance": "web",
      "app.kubernetes.io/version": "1.27",
      "app.kubernetes.io/managed-by": "babyhelm",
    };
    for (const object of objects) expect(object.metadata.labels).toEqual(labels);
    expect(deployment.spec.template.metadata.labels).toEqual(labels);
    const selector = { "app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "web" };
    expect(deployment.spec.selector.matchLabels).toEqual(selector);
    expect(objectOf(objects, "Service").spec.selector).toEqual(selector);
  });

  it("requests 100m CPU and 128Mi, limits memory to 256Mi and sets no CPU limit", () => {
    expect(deployment.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: "100m", memory: "128Mi" },
      limits: { memory: "256Mi" },
    });
  });

  it("hardens the pod: no privilege escalation, no capabilities, RuntimeDefault seccomp, no token", () => {
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: false,
      capabilities: { drop: ["ALL"] },
    });
  });

  it("rolls out without dropping below the desired count", () => {
    expect(deployment.spec.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 },
    });
  });

  it("adds no probes unless asked (a wrong guess would restart a healthy app)", () => {
    const containerSpec = deployment.spec.template.spec.containers[0];
    expect(Object.keys(containerSpec).filter((key) => key.endsWith("Probe"))).toEqual([]);
  });
});

describe("default@2 application: labels", () => {
  const versionOf = (image: string): unknown =>
    objectOf(app({ image }), "Deployment").metadata.labels["app.kubernetes.io/version"];

  it("takes the version from the image tag when it is a version", () => {
    expect(versionOf("ghcr.io/acme/api:v1.2.3")).toBe("v1.2.3");
    expect(versionOf("registry.example.com:5000/team/web:2024.06@sha256:" + "a".repeat(64))).toBe("2024.06");
    expect(versionOf("nginx:latest")).toBeUndefined();
    expect(versionOf("nginx")).toBeUndefined();
    expect(versionOf("registry.example.com:5000/web")).toBeUndefined();
    expect(versionOf("nginx@sha256:" + "b".repeat(64))).toBeUndefined();
    expect(versionOf("nginx:1.0-")).toBeUndefined();
  });

  it("adds component and part-of when given, and refuses values that are not label values", () => {
    const labels = objectOf(app({ component: "frontend", partOf: "shop" }), "Service").metadata.labels;
    expect(labels["app.kubernetes.io/component"]).toBe("frontend");
    expect(labels["app.kubernetes.io/part-of"]).toBe("shop");
    rejected({ component: "front end" }, "component", "component must be a label value");
    rejected({ partOf: "x".repeat(64) }, "partOf", "partOf");
  });
});

describe("default@2 application: scaling", () => {
  it("keeps a fixed count without an HPA, and adds a PodDisruptionBudget only above one replica", () => {
    expect(kinds({ replicas: 0 })).toEqual(["Deployment", "Service"]);
    expect(kinds({ replicas: 1 })).toEqual(["Deployment", "Service"]);
    const objects = app({ replicas: 3 });
    expect(objects.map((object) => object.kind)).toEqual(["Deployment", "Service", "PodDisruptionBudget"]);
    expect(objectOf(objects, "Deployment").spec.replicas).toBe(3);
    expect(objectOf(objects, "PodDisruptionBudget").spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { "app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "web" } },
    });
  });

  it("spreads pods over nodes whenever there may be more than one", () => {
    const spread = (overrides: Record<string, unknown>): unknown =>
      objectOf(app(overrides), "Deployment").spec.template.spec.topologySpreadConstraints;
    expect(spread({ replicas: 1 })).toBeUndefined();
    expect(spread({ autoscaling: { min: 1, max: 1 } })).toBeUndefined();
    const expected = [
      {
        maxSkew: 1,
        topologyKey: "kubernetes.io/hostname",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: {
          matchLabels: { "app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "web" },
        },
      },
    ];
    expect(spread({ replicas: 2 })).toEqual(expected);
    expect(spread({ autoscaling: { min: 1, max: 3 } })).toEqual(expected);
  });

  it("hands the count to an HPA (CPU 80% by default) and leaves replicas out of the Deployment", () => {
    const objects = app({ autoscaling: { min: 1, max: 4 } });
    expect(objects.map((object) => object.kind)).toEqual([
      "Deployment",
      "Service",
      "HorizontalPodAutoscaler",
    ]);
    expect(objectOf(objects, "Deployment").spec).not.toHaveProperty("replicas");
    const hpa = objectOf(objects, "HorizontalPodAutoscaler");
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      minReplicas: 1,
      maxReplicas: 4,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
        },
      ],
    });
  });

  it("scales on the chosen metrics, with a PodDisruptionBudget when min is above one", () => {
    const objects = app({ autoscaling: { min: 2, max: 6, cpuPercent: 60, memoryPercent: 75 } });
    expect(objects.map((object) => object.kind)).toContain("PodDisruptionBudget");
    const metrics = objectOf(objects, "HorizontalPodAutoscaler").spec.metrics;
    expect(
      metrics.map((metric: { resource: { name: string; target: { averageUtilization: number } } }) => [
        metric.resource.name,
        metric.resource.target.averageUtilization,
      ]),
    ).toEqual([
      ["cpu", 60],
      ["memory", 75],
    ]);
    const memoryOnly = objectOf(
      app({ autoscaling: { min: 1, max: 2, memoryPercent: 90 } }),
      "HorizontalPodAutoscaler",
    );
    expect(
      memoryOnly.spec.metrics.map((metric: { resource: { name: string } }) => metric.resource.name),
    ).toEqual(["memory"]);
  });

  it("refuses replicas together with autoscaling, and max below min", () => {
    rejected({ replicas: 2, autoscaling: { min: 1, max: 3 } }, "autoscaling", "either replicas");
    rejected(
      { autoscaling: { min: 3, max: 2 } },
      "autoscaling.max",
      "autoscaling.max (2) must be at least autoscaling.min (3)",
    );
    rejected({ autoscaling: { max: 2 } }, "autoscaling.min", "autoscaling.min is required");
    rejected({ replicas: -1 }, "replicas", "replicas must be an integer from 0 to 1000");
    rejected({ replicas: 1.5 }, "replicas", "replicas");
  });
});

describe("default@2 application: ports", () => {
  it("maps each port to its container port (the same number by default) with its protocol", () => {
    const objects = app({
      ports: [
        { name: "http", port: 80, containerPort: 8080 },
        { name: "dns", port: 53, protocol: "UDP" },
      ],
    });
    expect(objectOf(objects, "Deployment").spec.template.spec.containers[0].ports).toEqual([
      { containerPort: 8080, protocol: "TCP", name: "http" },
      { containerPort: 53, protocol: "UDP", name: "dns" },
    ]);
    expect(objectOf(objects, "Service").spec.ports).toEqual([
      { port: 80, targetPort: 8080, protocol: "TCP", name: "http" },
      { port: 53, targetPort: 53, protocol: "UDP", name: "dns" },
    ]);
  });

  it("refuses unnamed ports beside others, duplicates and out-of-range numbers", () => {
    rejected(
      { ports: [{ name: "a", port: 80 }, { port: 81 }] },
      "ports[1].name",
      "ports[1].name is required",
    );
    rejected(
      {
        ports: [
          { name: "a", port: 80 },
          { name: "a", port: 81 },
        ],
      },
      "ports[1].name",
      "repeats ports[0]",
    );
    rejected(
      {
        ports: [
          { name: "a", port: 80 },
          { name: "b", port: 80 },
        ],
      },
      "ports[1].port",
      "repeats",
    );
    rejected(
      {
        ports: [
          { name: "a", port: 80 },
          { name: "b", port: 81, containerPort: 80 },
        ],
      },
      "ports[1].containerPort",
    );
    rejected({ ports: [{ port: 0 }] }, "ports[0].port", "ports[].port must be an integer from 1 to 65535");
    rejected({ ports: [{ port: 80, containerPort: 70000 }] }, "ports[0].containerPort");
    rejected({ ports: [{ port: "80" }] }, "ports[0].port");
    rejected({ ports: [{ port: 80, protocol: "HTTP" }] }, "ports[0].protocol", "TCP, UDP or SCTP");
    rejected({ ports: [{ port: 80, name: "Web_Port" }] }, "ports[0].name", "port name");
    rejected({ ports: [] }, "ports", "at least one port");
    expectRejected(PACK, "application", { name: "web", image: "nginx" }, "ports", "ports is required");
  });
});

describe("default@2 application: env, resources, image pull secrets", () => {
  it("passes variables in order, values untouched", () => {
    const env = [
      { name: "MODE", value: "prod" },
      { name: "EMPTY", value: "" },
      { name: "my.dotted-name", value: "x" },
    ];
    expect(container({ env }).env).toEqual(env);
  });

  it("refuses repeated names, bad names and non-string values", () => {
    rejected(
      {
        env: [
          { name: "A", value: "1" },
          { name: "A", value: "2" },
        ],
      },
      "env[1].name",
      "repeats env[0].name",
    );
    rejected({ env: [{ name: "1ST", value: "x" }] }, "env[0].name", "environment variable name");
    rejected({ env: [{ name: "A=B", value: "x" }] }, "env[0].name");
    rejected({ env: [{ name: "PORT", value: 8080 }] }, "env[0].value", "env[].value must be a string");
    rejected({ env: [{ name: "PORT" }] }, "env[0].value", "env[].value is required");
  });

  it("merges resource overrides with the defaults and adds a CPU limit only when given", () => {
    expect(
      container({ resources: { requests: { memory: "64Mi" }, limits: { cpu: "500m" } } }).resources,
    ).toEqual({
      requests: { cpu: "100m", memory: "64Mi" },
      limits: { cpu: "500m", memory: "256Mi" },
    });
  });

  it("refuses requests above limits and malformed quantities", () => {
    rejected(
      { resources: { requests: { memory: "512Mi" } } },
      "resources.requests.memory",
      "must not exceed resources.limits.memory (256Mi)",
    );
    rejected(
      { resources: { requests: { cpu: "2" }, limits: { cpu: "1500m" } } },
      "resources.requests.cpu",
      "must not exceed",
    );
    rejected({ resources: { limits: { memory: "lots" } } }, "resources.limits.memory", "Kubernetes quantity");
    rejected({ resources: { requests: { cpu: "0" } } }, "resources.requests.cpu", "greater than zero");
    rejected({ resources: { requests: { gpu: "1" } } }, "resources.requests.gpu", "unknown field");
  });

  it("lists image pull secrets", () => {
    const pod = objectOf(app({ imagePullSecrets: ["regcred", "mirror"] }), "Deployment").spec.template.spec;
    expect(pod.imagePullSecrets).toEqual([{ name: "regcred" }, { name: "mirror" }]);
    rejected({ imagePullSecrets: ["Reg_Cred"] }, "imagePullSecrets[0]");
    rejected(
      { imagePullSecrets: ["a", "b", "a"] },
      "imagePullSecrets[2]",
      "imagePullSecrets[2] repeats imagePullSecrets[0] (a)",
    );
  });
});

describe("default@2 application: probes", () => {
  const ports = [
    { name: "http", port: 80, containerPort: 8080 },
    { name: "admin", port: 9000 },
  ];

  it("probes HTTP on the first container port at / by default, with sane timings", () => {
    expect(container({ ports, probes: { liveness: { type: "http" } } }).livenessProbe).toEqual({
      httpGet: { path: "/", port: 8080 },
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
    });
  });

  it("probes TCP or HTTP on a named or numbered port, with the given timings", () => {
    const probes = {
      readiness: { type: "tcp", port: "admin", periodSeconds: 5 },
      startup: {
        type: "http",
        path: "/started",
        port: 8080,
        failureThreshold: 30,
        initialDelaySeconds: 3,
        timeoutSeconds: 1,
      },
    };
    const spec = container({ ports, probes });
    expect(spec.readinessProbe).toEqual({
      tcpSocket: { port: "admin" },
      initialDelaySeconds: 0,
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 3,
    });
    expect(spec.startupProbe).toEqual({
      httpGet: { path: "/started", port: 8080 },
      initialDelaySeconds: 3,
      periodSeconds: 10,
      timeoutSeconds: 1,
      failureThreshold: 30,
    });
    expect(spec).not.toHaveProperty("livenessProbe");
  });

  it("refuses unknown probe types, unknown port names and bad paths", () => {
    rejected({ probes: { liveness: { type: "grpc" } } }, "probes.liveness.type", 'type: "http"');
    rejected({ probes: { liveness: { path: "/x" } } }, "probes.liveness.type", 'type: "tcp"');
    rejected(
      { ports, probes: { readiness: { type: "tcp", port: "metrics" } } },
      "probes.readiness.port",
      "names no port",
    );
    rejected(
      { probes: { liveness: { type: "http", path: "healthz" } } },
      "probes.liveness.path",
      "absolute URL path",
    );
    rejected(
      { probes: { liveness: { type: "http", port: true } } },
      "probes.liveness.port",
      "probes.liveness.port must be a port number",
    );
    rejected({ probes: { liveness: { type: "tcp", path: "/" } } }, "probes.liveness.path", "unknown field");
    rejected(
      { probes: { liveness: { type: "tcp", periodSeconds: 0 } } },
      "probes.liveness.periodSeconds",
      "from 1 to 3600",
    );
  });
});

describe("default@2 application: security", () => {
  it("runs as non-root with the given user and a read-only root filesystem when asked", () => {
    const pod = objectOf(
      app({ security: { runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true } }),
      "Deployment",
    ).spec.template.spec;
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
  });

  it("refuses root together with runAsNonRoot", () => {
    rejected({ security: { runAsNonRoot: true, runAsUser: 0 } }, "security.runAsUser", "runAsNonRoot");
    rejected({ security: { runAsNonRoot: "yes" } }, "security.runAsNonRoot", "true or false");
  });
});

describe("default@2 application: service", () => {
  it("can be a LoadBalancer of a given class, with annotations", () => {
    const service = objectOf(
      app({
        service: {
          type: "LoadBalancer",
          loadBalancerClass: "tailscale",
          annotations: { "tailscale.com/hostname": "web" },
        },
      }),
      "Service",
    );
    expect(service.spec.type).toBe("LoadBalancer");
    expect(service.spec.loadBalancerClass).toBe("tailscale");
    expect(service.metadata.annotations).toEqual({ "tailscale.com/hostname": "web" });
  });

  it("refuses a load balancer class on a ClusterIP Service, and other types", () => {
    rejected(
      { service: { loadBalancerClass: "tailscale" } },
      "service.loadBalancerClass",
      "service.type: LoadBalancer",
    );
    rejected({ service: { type: "NodePort" } }, "service.type", "ClusterIP or LoadBalancer");
    rejected({ service: { annotations: { "bad key!": "x" } } }, 'service.annotations["bad key!"]');
  });
});

describe("default@2 application: ingress", () => {
  const ingressOf = (ingress: Record<string, unknown>, ports: unknown = [{ name: "http", port: 80 }]): any =>
    objectOf(app({ ports, ingress }), "Ingress");

  it("routes the host and path to the first TCP port, by name when it has one", () => {
    const ingress = ingressOf({ host: "web.example.com" });
    expect(ingress.spec).toEqual({
      rules: [
        {
          host: "web.example.com",
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: "web", port: { name: "http" } } },
              },
            ],
          },
        },
      ],
    });
    expect(ingress.metadata).not.toHaveProperty("annotations");
    const byNumber = ingressOf({ host: "web.example.com" }, [
      { name: "dns", port: 53, protocol: "UDP" },
      { name: "web", port: 8080 },
    ]);
    expect(byNumber.spec.rules[0].http.paths[0].backend.service.port).toEqual({ name: "web" });
    const unnamed = ingressOf({ host: "web.example.com" }, [{ port: 8080 }]);
    expect(unnamed.spec.rules[0].http.paths[0].backend.service.port).toEqual({ number: 8080 });
  });

  it("sets the class, path type and chosen port", () => {
    const ingress = ingressOf(
      { host: "*.example.com", path: "/api", pathType: "Exact", className: "nginx", servicePort: 9000 },
      [
        { name: "http", port: 80 },
        { name: "api", port: 9000 },
      ],
    );
    expect(ingress.spec.ingressClassName).toBe("nginx");
    expect(ingress.spec.rules[0]).toEqual({
      host: "*.example.com",
      http: {
        paths: [
          { path: "/api", pathType: "Exact", backend: { service: { name: "web", port: { name: "api" } } } },
        ],
      },
    });
  });

  it("terminates TLS with an existing Secret", () => {
    const ingress = ingressOf({ host: "web.example.com", tls: { secretName: "web-cert" } });
    expect(ingress.spec.tls).toEqual([{ hosts: ["web.example.com"], secretName: "web-cert" }]);
    expect(ingress.metadata).not.toHaveProperty("annotations");
  });

  it("asks cert-manager for a certificate into <name>-tls, or into the named Secret", () => {
    const issued = ingressOf({
      host: "web.example.com",
      tls: { clusterIssuer: "letsencrypt" },
      annotations: { "a.example/b": "c" },
    });
    expect(issued.metadata.annotations).toEqual({
      "a.example/b": "c",
      "cert-manager.io/cluster-issuer": "letsencrypt",
    });
    expect(issued.spec.tls).toEqual([{ hosts: ["web.example.com"], secretName: "web-tls" }]);
    const named = ingressOf({
      host: "web.example.com",
      tls: { clusterIssuer: "letsencrypt", secretName: "web-cert" },
    });
    expect(named.spec.tls[0].secretName).toBe("web-cert");
  });

  it("refuses incomplete TLS, clashing issuer annotations, bad hosts, paths and ports", () => {
    const ports = [{ name: "http", port: 80 }];
    rejected({ ports, ingress: { host: "web.example.com", tls: {} } }, "ingress.tls", "secretName");
    rejected(
      {
        ports,
        ingress: {
          host: "web.example.com",
          tls: { clusterIssuer: "a" },
          annotations: { "cert-manager.io/cluster-issuer": "b" },
        },
      },
      "ingress.annotations",
      "ingress.tls.clusterIssuer",
    );
    rejected({ ports, ingress: { host: "Web.Example.com" } }, "ingress.host", "DNS host name");
    rejected({ ports, ingress: { host: "localhost" } }, "ingress.host");
    rejected({ ports, ingress: { path: "/" } }, "ingress.host", "ingress.host is required");
    rejected(
      { ports, ingress: { host: "web.example.com", path: "/a/../b" } },
      "ingress.path",
      "must not contain",
    );
    rejected({ ports, ingress: { host: "web.example.com", path: "/a b" } }, "ingress.path");
    rejected(
      { ports, ingress: { host: "web.example.com", servicePort: "metrics" } },
      "ingress.servicePort",
      "matches no port",
    );
    rejected(
      { ports: [{ name: "dns", port: 53, protocol: "UDP" }], ingress: { host: "web.example.com" } },
      "ingress",
      "TCP port",
    );
    rejected(
      {
        ports: [{ name: "dns", port: 53, protocol: "UDP" }],
        ingress: { host: "web.example.com", servicePort: "dns" },
      },
      "ingress.servicePort",
      "TCP",
    );
  });
});

describe("default@2 application: spec shape", () => {
  it("names missing and unknown fields", () => {
    expectRejected(
      PACK,
      "application",
      { image: "nginx", ports: [{ port: 80 }] },
      "name",
      "name is required",
    );
    expectRejected(PACK, "application", { name: "web", ports: [{ port: 80 }] }, "image", "image is required");
    rejected({ replica: 2 }, "replica", "unknown field");
    rejected({ name: "9web" }, "name", "starting with a letter");
    rejected({ name: "w".repeat(64) }, "name", "at most 63");
    rejected({ image: "nginx latest" }, "image", "container image reference");
  });

  it("accepts a 63-character name (it becomes every object's name)", () => {
    expect(app({ name: "w".repeat(63) }).every((object) => object.metadata.name === "w".repeat(63))).toBe(
      true,
    );
  });

  it("publishes a JSON Schema editors can use", () => {
    const schema = defaultPack.jsonSchema("application") as any;
    expect(schema.type).toBe("object");
    expect(schema.required).toEqual(["name", "image", "ports"]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.replicas).toMatchObject({ type: "integer", minimum: 0, maximum: 1000 });
    expect(schema.properties.service.properties.type).toMatchObject({
      enum: ["ClusterIP", "LoadBalancer"],
      default: "ClusterIP",
    });
    expect(schema.properties.resources.properties.requests.properties.cpu.default).toBe("100m");
    expect(schema.properties.ingress.properties.servicePort.anyOf).toHaveLength(2);
    expect(Object.keys(schema.properties.probes.properties)).toEqual(["liveness", "readiness", "startup"]);
  });

  it("renders the repository's examples/app.yaml: autoscaled, so with an HPA and a PodDisruptionBudget", () => {
    const example: unknown = parse(
      readFileSync(new URL("../../../examples/app.yaml", import.meta.url), "utf8"),
    );
    const objects = render(PACK, "application", example);
    expect(objects.map((object) => object.kind)).toEqual([
      "Deployment",
      "Service",
      "HorizontalPodAutoscaler",
      "PodDisruptionBudget",
    ]);
  });
});
