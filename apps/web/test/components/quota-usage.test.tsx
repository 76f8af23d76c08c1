import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { QuotaUsage } from "../../src/pages/project/quota-usage.js";
import type { ProcedureOutput } from "../support/fake-api.js";
import { renderWithApi } from "../support/render.js";

const GI = 1024 ** 3;

type Usage = ProcedureOutput<"projects.usage">;

function usage(overrides: Partial<Usage> = {}): Usage {
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
          pods: { quantity: "10", value: 10 },
        },
        used: {
          "requests.cpu": { quantity: "300m", value: 0.3 },
          "requests.memory": { quantity: "512Mi", value: GI / 2 },
          "limits.memory": { quantity: "1Gi", value: GI },
          pods: { quantity: "3", value: 3 },
        },
        usedFrom: "cluster",
      },
    ],
    containerDefaults: { requests: {}, limits: {} },
    storage: { used: { quantity: "0", value: 0 }, hard: null, claims: 0, claimsHard: null },
    apps: [
      { name: "web", pods: 2, cpu: 0.12, memory: 200 * 1024 ** 2, requests: {}, limits: {} },
      { name: "worker", pods: 1, cpu: null, memory: null, requests: {}, limits: {} },
    ],
    at: new Date().toISOString(),
    ...overrides,
  };
}

describe("quota usage", () => {
  it("draws a meter per quota resource and each app's current CPU and memory", async () => {
    const { api } = renderWithApi(<QuotaUsage project="shop" />, {
      procedures: { "projects.usage": () => usage() },
    });
    const cpu = await screen.findByRole("meter", { name: "CPU requests" });
    expect(cpu.getAttribute("aria-valuetext")).toBe("CPU requests: 0.3 of 4 cores");
    expect(cpu.getAttribute("aria-valuenow")).toBe("0.3");
    expect(cpu.getAttribute("aria-valuemax")).toBe("4");
    expect(screen.getByText("Memory requests: 512 MiB of 8 GiB")).toBeTruthy();
    expect(screen.getByText("Memory limits: 1 GiB of 16 GiB")).toBeTruthy();
    expect(screen.getByRole("meter", { name: "Pods" }).getAttribute("aria-valuetext")).toBe("Pods: 3 of 10");

    const rows = within(screen.getByRole("table")).getAllByRole("row");
    expect(rows[1]!.textContent).toContain("0.12 cores");
    expect(rows[1]!.textContent).toContain("200 MiB");
    expect(within(rows[2]!).getAllByText("no data yet")).toHaveLength(2);
    expect(api.inputsOf("projects.usage")).toEqual([{ name: "shop" }]);
  });

  it("shows the volumes' storage against the quota, or what they take where no quota limits it", async () => {
    const { unmount } = renderWithApi(<QuotaUsage project="shop" />, {
      procedures: {
        "projects.usage": () =>
          usage({
            storage: {
              used: { quantity: "3Gi", value: 3 * GI },
              hard: { quantity: "10Gi", value: 10 * GI },
              claims: 2,
              claimsHard: 5,
            },
          }),
      },
    });
    const storage = await screen.findByRole("meter", { name: "Storage requests" });
    expect(storage.getAttribute("aria-valuetext")).toBe("Storage requests: 3 GiB of 10 GiB");
    expect(screen.getByRole("meter", { name: "Volumes" }).getAttribute("aria-valuetext")).toBe(
      "Volumes: 2 of 5",
    );
    unmount();

    renderWithApi(<QuotaUsage project="shop" />, {
      procedures: {
        "projects.usage": () =>
          usage({
            storage: { used: { quantity: "1Gi", value: GI }, hard: null, claims: 1, claimsHard: null },
          }),
      },
    });
    expect(
      await screen.findByText(/Volumes: 1 \(1 GiB of storage requested\); no quota limits storage\./),
    ).toBeTruthy();
    expect(screen.queryByRole("meter", { name: "Storage requests" })).toBeNull();
  });

  it("says why current figures are missing", async () => {
    renderWithApi(<QuotaUsage project="shop" />, {
      procedures: {
        "projects.usage": () =>
          usage({ available: false, reason: "The cluster has no metrics API (install metrics-server)." }),
      },
    });
    expect(
      await screen.findByText(/The cluster has no metrics API \(install metrics-server\)\./),
    ).toBeTruthy();
    expect(screen.getByRole("meter", { name: "CPU requests" })).toBeTruthy();
  });
});
