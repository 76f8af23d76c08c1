/**
 * Valid objects of every kind BabyHelm renders, written as a real cluster accepts them, for the
 * validator tests. Each call returns a fresh copy so a test can break it.
 */
const labels = { "app.kubernetes.io/name": "web", "app.kubernetes.io/managed-by": "babyhelm" };

export function namespace() {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "shop", labels: { "babyhelm.io/project": "shop" } },
  };
}

export function deployment() {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "web",
      namespace: "shop",
      labels: { ...labels },
      annotations: { "babyhelm.io/restartedAt": "2025-01-31T12:00:00Z", Description: "Shop front" },
    },
    spec: {
      replicas: 2,
      revisionHistoryLimit: 5,
      selector: { matchLabels: { "app.kubernetes.io/name": "web" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
          initContainers: [{ name: "migrate", image: "ghcr.io/acme/web:1.2.3", command: ["./migrate"] }],
          containers: [
            {
              name: "web",
              image: "ghcr.io/acme/web:1.2.3",
              imagePullPolicy: "IfNotPresent",
              ports: [
                { name: "http", containerPort: 8080, protocol: "TCP" },
                { name: "metrics", containerPort: 9090 },
              ],
              env: [
                { name: "LOG_LEVEL", value: "info" },
                { name: "db.url", valueFrom: { secretKeyRef: { name: "web-secrets", key: "url" } } },
              ],
              envFrom: [{ configMapRef: { name: "web-config" } }],
              resources: {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { cpu: 1.5, memory: "1e9", "ephemeral-storage": "2Gi" },
              },
              readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 5 },
              livenessProbe: { tcpSocket: { port: 8080 }, failureThreshold: 3 },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
              volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            },
          ],
          volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
        },
      },
    },
    status: { replicas: 2, readyReplicas: 2, conditions: [{ type: "Available", status: "True" }] },
  };
}

export function service() {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "shop", labels: { ...labels } },
    spec: {
      type: "ClusterIP",
      selector: { "app.kubernetes.io/name": "web" },
      ports: [
        { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
        { name: "metrics", port: 9090, targetPort: 9090 },
      ],
    },
  };
}

export function horizontalPodAutoscaler() {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "web", namespace: "shop" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
        },
        {
          type: "Resource",
          resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } },
        },
      ],
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: 300,
          policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
        },
      },
    },
  };
}

export function ingress() {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name: "web",
      namespace: "shop",
      annotations: { "cert-manager.io/cluster-issuer": "letsencrypt" },
    },
    spec: {
      ingressClassName: "nginx",
      tls: [{ hosts: ["shop.example.com"], secretName: "web-tls" }],
      rules: [
        {
          host: "shop.example.com",
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: "web", port: { name: "http" } } },
              },
              {
                path: "/api",
                pathType: "Exact",
                backend: { service: { name: "api", port: { number: 8080 } } },
              },
            ],
          },
        },
      ],
    },
  };
}

export function podDisruptionBudget() {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: "web", namespace: "shop" },
    spec: {
      minAvailable: 1,
      selector: { matchLabels: { "app.kubernetes.io/name": "web" } },
      unhealthyPodEvictionPolicy: "AlwaysAllow",
    },
  };
}

export function resourceQuota() {
  return {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: { name: "quota", namespace: "shop" },
    spec: { hard: { "requests.cpu": "2", "limits.memory": "4Gi", pods: "10", services: 5 } },
  };
}

export function limitRange() {
  return {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: { name: "defaults", namespace: "shop" },
    spec: {
      limits: [
        {
          type: "Container",
          default: { cpu: "500m", memory: "256Mi" },
          defaultRequest: { cpu: "100m", memory: "128Mi" },
          max: { cpu: "2" },
        },
      ],
    },
  };
}

export function networkPolicy() {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "same-namespace", namespace: "shop" },
    spec: {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [
            { podSelector: {} },
            {
              namespaceSelector: {
                matchExpressions: [
                  { key: "kubernetes.io/metadata.name", operator: "In", values: ["ingress-nginx"] },
                ],
              },
            },
          ],
          ports: [{ protocol: "TCP", port: 8080 }],
        },
      ],
    },
  };
}

export function configMap() {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "web-config", namespace: "shop" },
    data: { LOG_LEVEL: "info", "app.properties": "a=b\n" },
    binaryData: { "logo.png": "iVBORw0KGgo=" },
  };
}

export function secret() {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "web-secrets", namespace: "shop" },
    type: "Opaque",
    data: { url: "cG9zdGdyZXM6Ly9kYg==" },
    stringData: { password: "s3cret" },
  };
}

/** One of each, in the order a project and its application are applied. */
export function everyKind() {
  return [
    namespace(),
    resourceQuota(),
    limitRange(),
    networkPolicy(),
    configMap(),
    secret(),
    deployment(),
    service(),
    horizontalPodAutoscaler(),
    ingress(),
    podDisruptionBudget(),
  ];
}
