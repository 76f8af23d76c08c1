// appConfiguration: what the overview shows of an app, read from its manifests whatever the pack.
import { describe, expect, it } from "vitest";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { appConfiguration } from "../../../src/applications/status/app-configuration.js";

const deployment: KubernetesObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop" },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        containers: [
          {
            name: "web",
            image: "nginxinc/nginx-unprivileged:1.27",
            ports: [{ name: "http", containerPort: 8080 }],
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
            readinessProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 5 },
            livenessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 10, failureThreshold: 3 },
          },
        ],
      },
    },
  },
};
const service: KubernetesObject = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "shop" },
  spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] },
};
const ingress: KubernetesObject = {
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { name: "web", namespace: "shop" },
  spec: { rules: [{ host: "shop.example.com" }, { host: "www.shop.example.com" }] },
};
const hpa: KubernetesObject = {
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: { name: "web", namespace: "shop" },
  spec: {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
    minReplicas: 2,
    maxReplicas: 6,
    metrics: [
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
      },
    ],
  },
};

describe("appConfiguration", () => {
  it("reads image, replicas, resources, probes, ports, hosts and the in-cluster address", () => {
    expect(appConfiguration([deployment, service, ingress])).toEqual({
      image: "nginxinc/nginx-unprivileged:1.27",
      replicas: 2,
      autoscaling: null,
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
      probes: [
        { kind: "liveness", check: "TCP :8080, every 10 s, after 10 s, failing after 3 misses" },
        { kind: "readiness", check: "HTTP GET :8080/healthz, every 5 s" },
      ],
      ports: [{ name: "http", containerPort: 8080, servicePort: 80, protocol: "TCP" }],
      hosts: ["shop.example.com", "www.shop.example.com"],
      internalAddress: "web.shop.svc.cluster.local",
      serviceType: "ClusterIP",
    });
  });

  it("gives the autoscaling range instead of a count, and no address without a Service", () => {
    const configuration = appConfiguration([deployment, hpa]);
    expect(configuration).toMatchObject({
      replicas: null,
      autoscaling: { min: 2, max: 6, cpuUtilization: 70 },
      internalAddress: null,
      serviceType: null,
      ports: [{ containerPort: 8080, servicePort: null }],
    });
  });
});
