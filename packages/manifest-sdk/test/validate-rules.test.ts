import { describe, expect, it } from "vitest";
import { validateManifests, validateObject, type ManifestIssue } from "../src/validate/index.js";
import * as fixtures from "./validate-fixtures.js";

function found(issues: ManifestIssue[]) {
  return issues.map(({ path, rule }) => ({ path, rule }));
}

describe("metadata", () => {
  it("rejects Web_App as a Deployment name, with the server's message", () => {
    const deployment = fixtures.deployment();
    deployment.metadata.name = "Web_App";
    const issues = validateObject(deployment);
    expect(found(issues)).toEqual([{ path: "metadata.name", rule: "name" }]);
    expect(issues[0]?.object).toBe("Deployment/Web_App (namespace shop)");
    expect(issues[0]?.message).toMatch(
      /^Invalid value: "Web_App": a lowercase RFC 1123 subdomain must consist of/,
    );
  });

  it("applies each kind's name format", () => {
    const longLabel = "a".repeat(64);
    const namespace = fixtures.namespace();
    namespace.metadata.name = "shop.prod";
    const service = fixtures.service();
    service.metadata.name = "1web";
    const configMap = fixtures.configMap();
    configMap.metadata.name = `${longLabel}.example.com`;
    const longNamespace = fixtures.secret();
    longNamespace.metadata.namespace = longLabel;
    expect(validateManifests([namespace, service, configMap, longNamespace])).toEqual([
      expect.objectContaining({ object: "Namespace/shop.prod", path: "metadata.name", rule: "name" }),
      expect.objectContaining({
        object: "Service/1web (namespace shop)",
        path: "metadata.name",
        rule: "name",
        message: expect.stringContaining("a DNS-1035 label must consist of"),
      }),
      expect.objectContaining({
        object: `Secret/web-secrets (namespace ${longLabel})`,
        path: "metadata.namespace",
      }),
    ]);
  });

  it("checks generateName with its trailing dash, and requires a name or generateName", () => {
    const good = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { generateName: "web-" },
      spec: { clusterIP: "None" },
    };
    const bad = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { generateName: "9web-" },
      spec: { clusterIP: "None" },
    };
    const none = { apiVersion: "v1", kind: "Service", metadata: { name: "" }, spec: { clusterIP: "None" } };
    expect(found(validateManifests([good, bad, none]))).toEqual([
      { path: "metadata.generateName", rule: "name" },
      { path: "metadata.name", rule: "required" },
    ]);
  });

  it("checks label keys and values, and annotation keys", () => {
    const deployment = fixtures.deployment();
    Object.assign(deployment.metadata.labels, {
      "Example.com/name": "ok",
      "app.kubernetes.io/part-of": "not ok!",
      "/empty-prefix": "",
      "a/b/c": "x",
      tier: "v".repeat(64),
    });
    Object.assign(deployment.metadata.annotations, { "bad key": "x", "Example.COM/Upper": "fine" });
    expect(found(validateObject(deployment))).toEqual([
      { path: 'metadata.labels["Example.com/name"]', rule: "name" },
      { path: 'metadata.labels["app.kubernetes.io/part-of"]', rule: "name" },
      { path: 'metadata.labels["/empty-prefix"]', rule: "name" },
      { path: 'metadata.labels["a/b/c"]', rule: "name" },
      { path: "metadata.labels.tier", rule: "name" },
      { path: 'metadata.annotations["bad key"]', rule: "name" },
    ]);
  });

  it("limits the total size of annotations to 256 KiB", () => {
    const configMap = fixtures.configMap();
    Object.assign(configMap.metadata, { annotations: { a: "x".repeat(200_000), b: "é".repeat(40_000) } });
    expect(found(validateObject(configMap))).toEqual([{ path: "metadata.annotations", rule: "range" }]);
    Object.assign(configMap.metadata, { annotations: { a: "x".repeat(200_000), b: "e".repeat(40_000) } });
    expect(validateObject(configMap)).toEqual([]);
  });

  it("checks pod template labels and selectors too", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    deployment.spec.template.metadata.labels.version = "1.0+build";
    deployment.spec.selector.matchExpressions = [{ key: "tier", operator: "In", values: [] }];
    const issues = found(validateObject(deployment));
    expect(issues).toContainEqual({ path: "spec.template.metadata.labels.version", rule: "name" });
    expect(issues).toContainEqual({ path: "spec.selector.matchExpressions[0].values", rule: "required" });
  });
});

describe("pod spec", () => {
  it("rejects containerPort 70000 and an out-of-range hostPort", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 70000;
    deployment.spec.template.spec.containers[0].ports[1].hostPort = 65536;
    expect(validateObject(deployment)).toEqual([
      {
        object: "Deployment/web (namespace shop)",
        path: "spec.template.spec.containers[0].ports[0].containerPort",
        message: "Invalid value: 70000: must be between 1 and 65535, inclusive",
        rule: "range",
      },
      expect.objectContaining({ path: "spec.template.spec.containers[0].ports[1].hostPort", rule: "range" }),
    ]);
  });

  it("checks port names as IANA service names, unique per container", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    const ports = deployment.spec.template.spec.containers[0].ports;
    ports[1].name = "http";
    ports.push({ name: "web-http-service-port", containerPort: 8081 }, { name: "8080", containerPort: 8082 });
    ports.push({ name: "a--b", containerPort: 8083 }, { name: "-ab", containerPort: 8084 });
    expect(found(validateObject(deployment))).toEqual([
      { path: "spec.template.spec.containers[0].ports[1].name", rule: "duplicate" },
      { path: "spec.template.spec.containers[0].ports[2].name", rule: "name" },
      { path: "spec.template.spec.containers[0].ports[3].name", rule: "name" },
      { path: "spec.template.spec.containers[0].ports[4].name", rule: "name" },
      { path: "spec.template.spec.containers[0].ports[5].name", rule: "name" },
    ]);
  });

  it("checks container names: DNS-1123 labels, unique within a list and across init and regular containers", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    const { containers, initContainers } = deployment.spec.template.spec;
    containers.push({ name: "web", image: "x" }, { name: "Side_Car", image: "x" }, { name: "", image: "x" });
    initContainers[0].name = "web";
    expect(validateObject(deployment)).toEqual([
      expect.objectContaining({
        path: "spec.template.spec.containers[1]",
        rule: "duplicate",
        message: 'Duplicate value: {"name":"web"}',
      }),
      expect.objectContaining({ path: "spec.template.spec.containers[0].name", rule: "duplicate" }),
      expect.objectContaining({ path: "spec.template.spec.containers[1].name", rule: "duplicate" }),
      expect.objectContaining({ path: "spec.template.spec.containers[2].name", rule: "name" }),
      expect.objectContaining({ path: "spec.template.spec.containers[3].name", rule: "required" }),
    ]);
  });

  it("refuses repeated list-map keys as the API server does: env names and container ports only under apply", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    const container = deployment.spec.template.spec.containers[0];
    container.env.push({ name: "LOG_LEVEL", value: "debug" });
    container.ports.push({ containerPort: 8080 }, { containerPort: 8080, protocol: "UDP" });
    container.volumeMounts.push({ name: "tmp", mountPath: "/tmp" });
    const mountRepeat = expect.objectContaining({
      path: "spec.template.spec.containers[0].volumeMounts[1]",
      rule: "duplicate",
    });
    // Create and update only warn about repeated env names and ports; the parent's manifests rely on it.
    expect(validateObject(deployment)).toEqual([mountRepeat]);
    expect(validateManifests([deployment])).toEqual([mountRepeat]);
    const applyIssues = [
      expect.objectContaining({
        path: "spec.template.spec.containers[0].ports[2]",
        rule: "duplicate",
        message: 'Duplicate value: {"containerPort":8080,"protocol":"TCP"}',
      }),
      expect.objectContaining({ path: "spec.template.spec.containers[0].env[2]", rule: "duplicate" }),
      mountRepeat,
    ];
    expect(validateObject(deployment, { serverSideApply: true })).toEqual(applyIssues);
    expect(validateManifests([deployment], { serverSideApply: true })).toEqual(applyIssues);
  });

  it("requires at least one container", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    deployment.spec.template.spec.containers = [];
    expect(found(validateObject(deployment))).toEqual([
      { path: "spec.template.spec.containers", rule: "required" },
    ]);
  });

  it("accepts relaxed env var names (GA since 1.34) but not '=', control characters or empty", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    const env = deployment.spec.template.spec.containers[0].env;
    env.push(
      { name: "1st-var.with:colons" },
      { name: "A=B" },
      { name: "TAB\tNAME" },
      { name: "" },
      { name: "é" },
    );
    expect(found(validateObject(deployment))).toEqual([
      { path: "spec.template.spec.containers[0].env[3].name", rule: "name" },
      { path: "spec.template.spec.containers[0].env[4].name", rule: "name" },
      { path: "spec.template.spec.containers[0].env[5].name", rule: "required" },
      { path: "spec.template.spec.containers[0].env[6].name", rule: "name" },
    ]);
  });

  it("keeps requests within limits and non-negative", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    const { resources } = deployment.spec.template.spec.containers[0];
    resources.requests = { cpu: "2", memory: "1Gi", "ephemeral-storage": "-1" };
    resources.limits = { cpu: 1.5, memory: "1e9", "ephemeral-storage": "2Gi" };
    const issues = validateObject(deployment);
    expect(found(issues)).toEqual([
      { path: 'spec.template.spec.containers[0].resources.requests["ephemeral-storage"]', rule: "range" },
      { path: "spec.template.spec.containers[0].resources.requests.cpu", rule: "range" },
      { path: "spec.template.spec.containers[0].resources.requests.memory", rule: "range" },
    ]);
    expect(issues[1]?.message).toBe('Invalid value: "2": must be less than or equal to cpu limit of 1.5');
    resources.requests = { cpu: "1500m", memory: "953Mi" };
    expect(validateObject(deployment)).toEqual([]);
  });

  it("checks probe handlers and ports, and that volume mounts name a volume", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    const container = deployment.spec.template.spec.containers[0];
    container.readinessProbe = { periodSeconds: 5 };
    container.livenessProbe = { tcpSocket: { port: 0 }, exec: { command: ["true"] } };
    container.startupProbe = { httpGet: { port: "http_x" } };
    container.volumeMounts.push({ name: "data", mountPath: "/data" });
    expect(found(validateObject(deployment))).toEqual([
      { path: "spec.template.spec.containers[0].livenessProbe.tcpSocket", rule: "invalid" },
      { path: "spec.template.spec.containers[0].livenessProbe.tcpSocket.port", rule: "range" },
      { path: "spec.template.spec.containers[0].readinessProbe", rule: "required" },
      { path: "spec.template.spec.containers[0].startupProbe.httpGet.port", rule: "name" },
      { path: "spec.template.spec.containers[0].volumeMounts[1].name", rule: "invalid" },
    ]);
  });

  it("lets a StatefulSet's containers mount the claims of its volumeClaimTemplates, and nothing else", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    const statefulSet: Record<string, any> = {
      ...deployment,
      kind: "StatefulSet",
      spec: {
        ...deployment.spec,
        serviceName: "web",
        volumeClaimTemplates: [
          {
            metadata: { name: "data" },
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
          },
        ],
      },
    };
    delete statefulSet.spec.strategy;
    const container = statefulSet.spec.template.spec.containers[0];
    container.volumeMounts.push({ name: "data", mountPath: "/data" });
    expect(validateObject(statefulSet)).toEqual([]);
    container.volumeMounts.push({ name: "cache", mountPath: "/cache" });
    expect(found(validateObject(statefulSet))).toEqual([
      { path: "spec.template.spec.containers[0].volumeMounts[2].name", rule: "invalid" },
    ]);
  });

  it("checks the pod spec of a bare Pod and of a CronJob", () => {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "one" },
      spec: { containers: [{ name: "x", image: "x", ports: [{ containerPort: 0 }] }] },
    };
    const cronJob = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "nightly" },
      spec: {
        schedule: "0 3 * * *",
        jobTemplate: {
          spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "Job", image: "x" }] } } },
        },
      },
    };
    expect(found(validateManifests([pod, cronJob]))).toEqual([
      { path: "spec.containers[0].ports[0].containerPort", rule: "required" },
      { path: "spec.jobTemplate.spec.template.spec.containers[0].name", rule: "name" },
    ]);
  });
});

describe("workloads", () => {
  it("requires the Deployment selector to match the template labels", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    deployment.spec.selector.matchLabels = { "app.kubernetes.io/name": "api" };
    expect(found(validateObject(deployment))).toEqual([
      { path: "spec.template.metadata.labels", rule: "invalid" },
    ]);
    deployment.spec.selector = {
      matchExpressions: [
        { key: "app.kubernetes.io/name", operator: "In", values: ["web", "api"] },
        { key: "tier", operator: "DoesNotExist" },
      ],
    };
    expect(validateObject(deployment)).toEqual([]);
    deployment.spec.selector = {};
    expect(found(validateObject(deployment))).toEqual([{ path: "spec.selector", rule: "invalid" }]);
  });

  it("rejects negative replicas and bad rolling-update bounds", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    deployment.spec.replicas = -1;
    deployment.spec.strategy.rollingUpdate = { maxSurge: "25", maxUnavailable: -1 };
    expect(found(validateObject(deployment))).toEqual([
      { path: "spec.replicas", rule: "range" },
      { path: "spec.strategy.rollingUpdate.maxSurge", rule: "format" },
      { path: "spec.strategy.rollingUpdate.maxUnavailable", rule: "range" },
    ]);
  });

  it("checks HPA bounds", () => {
    const hpa: Record<string, any> = fixtures.horizontalPodAutoscaler();
    hpa.spec.minReplicas = 6;
    expect(validateObject(hpa)).toEqual([
      expect.objectContaining({
        path: "spec.maxReplicas",
        rule: "range",
        message: "Invalid value: 5: must be greater than or equal to `minReplicas`",
      }),
    ]);
    hpa.spec.minReplicas = 0;
    hpa.spec.maxReplicas = 0;
    expect(found(validateObject(hpa))).toEqual([
      { path: "spec.minReplicas", rule: "range" },
      { path: "spec.maxReplicas", rule: "range" },
    ]);
  });

  it("checks PodDisruptionBudget bounds", () => {
    const pdb: Record<string, any> = fixtures.podDisruptionBudget();
    pdb.spec.maxUnavailable = "half";
    expect(found(validateObject(pdb))).toEqual([
      { path: "spec", rule: "invalid" },
      { path: "spec.maxUnavailable", rule: "format" },
    ]);
  });
});

describe("Service", () => {
  it("checks ports, target ports and node ports", () => {
    const service: Record<string, any> = fixtures.service();
    service.spec.ports = [
      { name: "http", port: 0, targetPort: 70000 },
      { name: "http", port: 443, targetPort: "https_port" },
      { port: 8080, nodePort: 30080 },
    ];
    expect(found(validateObject(service))).toEqual([
      { path: "spec.ports[0].port", rule: "range" },
      { path: "spec.ports[0].targetPort", rule: "range" },
      { path: "spec.ports[1].name", rule: "duplicate" },
      { path: "spec.ports[1].targetPort", rule: "name" },
      { path: "spec.ports[2].name", rule: "required" },
      { path: "spec.ports[2].nodePort", rule: "invalid" },
    ]);
  });

  it("keeps node ports in the default range", () => {
    const service: Record<string, any> = fixtures.service();
    service.spec.type = "NodePort";
    service.spec.ports[0].nodePort = 30080;
    service.spec.ports[1].nodePort = 8080;
    expect(validateObject(service)).toEqual([
      expect.objectContaining({
        path: "spec.ports[1].nodePort",
        rule: "range",
        message: "Invalid value: 8080: must be between 30000 and 32767, inclusive",
      }),
    ]);
  });

  it("requires ports unless headless or ExternalName", () => {
    const service: Record<string, any> = fixtures.service();
    delete service.spec.ports;
    expect(found(validateObject(service))).toEqual([{ path: "spec.ports", rule: "required" }]);
    service.spec.clusterIP = "None";
    expect(validateObject(service)).toEqual([]);
  });
});

describe("other kinds", () => {
  it("checks ConfigMap and Secret keys", () => {
    const configMap: Record<string, any> = fixtures.configMap();
    configMap.data["bad/key"] = "x";
    configMap.binaryData.LOG_LEVEL = "aW5mbw==";
    const secret: Record<string, any> = fixtures.secret();
    secret.stringData[".."] = "x";
    secret.stringData.url = "postgres://db";
    expect(found(validateManifests([configMap, secret]))).toEqual([
      { path: 'data["bad/key"]', rule: "name" },
      { path: "binaryData.LOG_LEVEL", rule: "duplicate" },
      { path: 'stringData[".."]', rule: "name" },
    ]);
  });

  it("checks Ingress paths and backend ports", () => {
    const ingress: Record<string, any> = fixtures.ingress();
    const [first, second] = ingress.spec.rules[0].http.paths;
    first.path = "api";
    second.backend.service.port.number = 0;
    second.pathType = "Regex";
    expect(found(validateObject(ingress))).toEqual([
      { path: "spec.rules[0].http.paths[1].pathType", rule: "enum" },
      { path: "spec.rules[0].http.paths[0].path", rule: "invalid" },
      { path: "spec.rules[0].http.paths[1].backend.service.port.number", rule: "range" },
    ]);
  });
});

describe("many issues at once", () => {
  it("reports every issue of every object, not just the first", () => {
    const deployment: Record<string, any> = fixtures.deployment();
    deployment.metadata.name = "Web_App";
    deployment.spec.replicaz = 3;
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 70000;
    deployment.spec.template.spec.containers[0].ports[1].containerPort = "9090";
    deployment.spec.template.spec.containers[0].resources.requests.memory = "lots";
    deployment.spec.template.spec.containers.push({ name: "web", image: "x", imagePullPolicy: "Maybe" });
    const service: Record<string, any> = fixtures.service();
    service.metadata.name = "2web";
    const hpa: Record<string, any> = fixtures.horizontalPodAutoscaler();
    hpa.apiVersion = "autoscaling/v2beta2";
    const issues = validateManifests([deployment, service, hpa, 42]);
    expect(issues.map(({ object, path, rule }) => ({ object, path, rule }))).toEqual([
      {
        object: "Deployment/Web_App (namespace shop)",
        path: "spec.template.spec.containers[0].ports[1].containerPort",
        rule: "type",
      },
      {
        object: "Deployment/Web_App (namespace shop)",
        path: "spec.template.spec.containers[0].resources.requests.memory",
        rule: "format",
      },
      {
        object: "Deployment/Web_App (namespace shop)",
        path: "spec.template.spec.containers[1].imagePullPolicy",
        rule: "enum",
      },
      {
        object: "Deployment/Web_App (namespace shop)",
        path: "spec.template.spec.containers[1]",
        rule: "duplicate",
      },
      { object: "Deployment/Web_App (namespace shop)", path: "spec.replicaz", rule: "unknown-field" },
      { object: "Deployment/Web_App (namespace shop)", path: "metadata.name", rule: "name" },
      {
        object: "Deployment/Web_App (namespace shop)",
        path: "spec.template.spec.containers[0].ports[0].containerPort",
        rule: "range",
      },
      { object: "Service/2web (namespace shop)", path: "metadata.name", rule: "name" },
      { object: "HorizontalPodAutoscaler/web (namespace shop)", path: "apiVersion", rule: "unknown-kind" },
      { object: "#3", path: "", rule: "type" },
    ]);
  });
});
