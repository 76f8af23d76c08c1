// What the server answers, built complete and typed from its router for the fake API: each test overrides what it
// is about.
import type { ProcedureOutput } from "./fake-api.js";

export type AppDetails = ProcedureOutput<"apps.get">;

/** An app of project "shop" named "web", rolling out or in `state`, as `apps.get` returns it to a `role`. */
export function appDetails(
  role: AppDetails["yourRole"],
  state: AppDetails["status"]["state"],
  extra: Partial<AppDetails> = {},
): AppDetails {
  const spec = {
    name: "web",
    image: "nginx:1.27",
    ports: [{ port: 80 }],
    env: [{ name: "LOG_LEVEL", value: "info" }],
  };
  return {
    name: "web",
    project: "shop",
    pack: "default@2.0.0",
    revision: 2,
    spec,
    describes: { image: "image", env: "env", ports: "ports", replicas: "replicas" },
    env: spec.env,
    image: "nginx:1.27",
    links: [{ kind: "ingress", url: "https://shop.example.com/" }],
    configuration: {
      image: "nginx:1.27",
      replicas: 3,
      autoscaling: null,
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
      probes: [{ kind: "readiness", check: "HTTP GET :80/, every 10 s" }],
      ports: [{ name: "http", containerPort: 80, servicePort: 80, protocol: "TCP" }],
      hosts: ["shop.example.com"],
      internalAddress: "web.shop.svc.cluster.local",
      serviceType: "ClusterIP",
    },
    status: {
      state,
      message:
        state === "drifted"
          ? 'Service "web" was deleted outside BabyHelm: redeploy to repair'
          : "Deploying: 1/3 replicas ready (ContainerCreating)",
      replicas: { desired: 3, updated: 3, ready: 1, available: 1, serving: 1 },
      problem: null,
      stale: null,
      conditions: [],
      pods: [
        { name: "web-abc-1", phase: "Running", ready: true, restarts: 0, current: true },
        {
          name: "web-abc-2",
          phase: "Pending",
          ready: false,
          restarts: 2,
          waitingReason: "ContainerCreating",
          current: true,
        },
      ],
      events: [
        {
          type: "Normal",
          reason: "ScalingReplicaSet",
          message: "Scaled up to 3",
          object: "Deployment/web",
          count: 1,
        },
      ],
      drift: { missing: [], changed: [] },
      progress: { done: 1, total: 3 },
      observedAt: "2026-01-02T03:04:05.000Z",
    },
    restartedAt: null,
    createdAt: "2026-01-02T03:04:05.000Z",
    updatedAt: "2026-01-02T03:04:05.000Z",
    yourRole: role,
    ...extra,
  };
}
