// The quota budget beside the manifest preview: what a deploy needs against what the project has left, the warning
// when pods will not start or the apply will be refused, and only the difference for an edit.
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ManifestLike } from "../../src/lib/quota-need.js";
import { QuotaBudget } from "../../src/pages/app/quota-budget.js";
import type { ProcedureOutput } from "../support/fake-api.js";
import { renderWithApi } from "../support/render.js";

const GI = 1024 ** 3;
const MI = 1024 ** 2;

type Usage = ProcedureOutput<"projects.usage">;

/** default@2's quota and LimitRange, with `cpuUsed` cores of CPU requests taken. */
function usage(cpuUsed: number, servicesUsed = 0): Usage {
  return {
    namespace: "shop",
    source: "metrics-server",
    available: true,
    quotas: [
      {
        name: "babyhelm",
        hard: {
          "requests.cpu": { quantity: "4", value: 4 },
          "requests.memory": { quantity: "8Gi", value: 8 * GI },
          "limits.memory": { quantity: "16Gi", value: 16 * GI },
          pods: { quantity: "50", value: 50 },
          services: { quantity: "20", value: 20 },
        },
        used: {
          "requests.cpu": { quantity: `${cpuUsed * 1000}m`, value: cpuUsed },
          "requests.memory": { quantity: "0", value: 0 },
          "limits.memory": { quantity: "0", value: 0 },
          pods: { quantity: "1", value: 1 },
          services: { quantity: String(servicesUsed), value: servicesUsed },
        },
        usedFrom: "cluster",
      },
    ],
    containerDefaults: {
      requests: { cpu: { quantity: "100m", value: 0.1 }, memory: { quantity: "128Mi", value: 128 * MI } },
      limits: { memory: { quantity: "256Mi", value: 256 * MI } },
    },
    storage: { used: { quantity: "0", value: 0 }, hard: null, claims: 0, claimsHard: null },
    apps: [],
    at: new Date().toISOString(),
  };
}

function app(
  replicas: number,
  cpu: string | undefined,
  extra: ManifestLike[] = [],
  image = "nginx:1.27",
): ManifestLike[] {
  return [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        replicas,
        template: {
          spec: {
            containers: [{ name: "web", image, ...(cpu ? { resources: { requests: { cpu } } } : {}) }],
          },
        },
      },
    },
    { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: {} },
    ...extra,
  ];
}

function renderBudget(answer: Usage, manifests: ManifestLike[], currentManifests?: ManifestLike[]) {
  return renderWithApi(
    <QuotaBudget project="shop" manifests={manifests} currentManifests={currentManifests} />,
    { procedures: { "projects.usage": () => answer } },
  );
}

/** The budget card: its warnings are statuses within it (the toasts are another). */
async function budget() {
  return within(await screen.findByRole("region", { name: "Quota budget" }));
}

describe("quota budget", () => {
  it("warns before applying when the pods will not fit, saying how many will start", async () => {
    renderBudget(usage(0.5), app(20, "500m"));
    const warning = (await budget()).getByRole("status");
    expect(warning.textContent).toBe(
      'This needs 10 cores of CPU requests; the project has 3.5 of 4 cores left: only 7 of 20 pods will start (quota "babyhelm"). Lower the replicas or the requests, or raise the quota.',
    );
    const lines = within(screen.getByRole("list", { name: "What this deploy needs" }));
    // Memory requests and limits come from the LimitRange's defaults: the containers state none.
    expect(lines.getByText(/^Memory requests: needs 2\.5 GiB/).textContent).toContain(
      "; 8 GiB of 8 GiB left",
    );
    expect(lines.getByText(/^Memory limits: needs 5 GiB/)).toBeTruthy();
    expect(lines.getByText(/^Pods: needs 20/).textContent).toContain("; 49 of 50 pods left");
  });

  it("says nothing alarming when the deploy fits, and uses the LimitRange's CPU request when none is set", async () => {
    renderBudget(usage(0.5), app(3, undefined));
    const lines = within(await screen.findByRole("list", { name: "What this deploy needs" }));
    expect(lines.getByText(/^CPU requests: needs 0\.3 cores/).textContent).toContain("3.5 of 4 cores left");
    expect((await budget()).queryByRole("status")).toBeNull();
  });

  it("warns that the apply itself will be refused when an object count is used up", async () => {
    renderBudget(usage(0, 20), app(1, "100m"));
    expect((await budget()).getByRole("status").textContent).toBe(
      'This needs 1 Service; the project has 0 of 20 Services left: the cluster will refuse the deploy (quota "babyhelm"). Delete unused Services or raise the quota.',
    );
  });

  it("counts only the difference for an edit, plus the rolling update's surge", async () => {
    // 6 × 500m run now (3 cores of the 3.5 used); 8 × 500m of a new image after the edit, with 2 surge pods while
    // rolling: 5 cores, of which 3 come back as the old pods go.
    renderBudget(usage(3.5), app(8, "500m", [], "nginx:1.28"), app(6, "500m"));
    const lines = within(await screen.findByRole("list", { name: "What this deploy needs" }));
    expect(lines.getByText(/^CPU requests: needs 5 cores/).textContent).toContain("3.5 of 4 cores left");
    expect((await budget()).getByRole("status").textContent).toContain("only 7 of 8 pods will start");
    // The Service exists already: it needs no more of the count.
    expect(lines.getByText(/^Services: needs 0/)).toBeTruthy();
  });

  it("warns when only the rolling update's extra pods do not fit an edit", async () => {
    // 6 × 500m run now (3 of the 3.5 cores used); a new image for the same 6 pods needs 2 extra pods while rolling.
    renderBudget(usage(3.5), app(6, "500m", [], "nginx:1.28"), app(6, "500m"));
    expect((await budget()).getByRole("status").textContent).toBe(
      'The rolling update starts 2 extra pods before it stops old ones; the project has 3.5 of 4 cores left: there is room for only 1: the rollout will be slower (quota "babyhelm"). Lower the replicas or the requests, or raise the quota.',
    );
  });

  it("counts no surge when an edit only scales (the pod template stays)", async () => {
    renderBudget(usage(3.5), app(7, "500m"), app(6, "500m"));
    const lines = within(await screen.findByRole("list", { name: "What this deploy needs" }));
    expect(lines.getByText(/^CPU requests: needs 3\.5 cores/).textContent).toContain("3.5 of 4 cores left");
    expect((await budget()).queryByRole("status")).toBeNull();
  });

  it("notes an autoscaler that could not reach its maximum", async () => {
    const hpa: ManifestLike = {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "web" },
      spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, minReplicas: 2, maxReplicas: 10 },
    };
    renderBudget(usage(0), app(2, "500m", [hpa]));
    const lines = within(await screen.findByRole("list", { name: "What this deploy needs" }));
    expect(lines.getByText(/^CPU requests: needs 1 core \(up to 5 cores\)/)).toBeTruthy();
    expect(
      screen.getByText(/the autoscaler would need 5 cores of CPU requests, more than the 4 cores left/),
    ).toBeTruthy();
    expect((await budget()).queryByRole("status")).toBeNull();
  });
});
