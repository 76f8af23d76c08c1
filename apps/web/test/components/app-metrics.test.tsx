import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { niceCeiling } from "../../src/components/line-chart.js";
import type { AppContext } from "../../src/lib/app-state.js";
import AppMetrics, { formatCpu, formatMebibytes } from "../../src/pages/app/app-metrics.js";
import { appDetails } from "../support/fake-data.js";
import { renderWithApi } from "../support/render.js";

const context: AppContext = {
  app: appDetails("viewer", "ready"),
  mayManage: false,
  changed: () => Promise.resolve(),
};

const now = Math.floor(Date.now() / 1000);
const MIB = 1024 ** 2;

describe("app metrics", () => {
  it("draws a line per pod against the request and limit, and asks again for another range", async () => {
    const { user, api } = renderWithApi(<AppMetrics context={context} />, {
      procedures: {
        "apps.metrics": (input) => ({
          source: "metrics-server",
          available: true,
          range: input.range ?? "1h",
          stepSeconds: 60,
          series: {
            pods: [
              {
                pod: "web-a",
                cpu: [
                  [now - 120, 0.02],
                  [now - 60, 0.05],
                ],
                memory: [[now - 60, 90 * MIB]],
              },
              { pod: "web-b", cpu: [[now - 60, 0.03]], memory: [[now - 60, 100 * MIB]] },
            ],
            total: { cpu: [], memory: [] },
          },
          requests: { cpu: 0.1, memory: 128 * MIB },
          limits: { memory: 256 * MIB },
        }),
      },
    });
    const cpu = await screen.findByRole("img", { name: /^CPU per pod/ });
    expect(cpu.getAttribute("aria-label")).toBe("CPU per pod over the last hour: peak 50m; request 100m.");
    expect(cpu.querySelectorAll("polyline")).toHaveLength(1);
    expect(cpu.querySelectorAll("circle")).toHaveLength(1);
    expect(cpu.querySelectorAll(".chart-threshold")).toHaveLength(1);
    const memory = screen.getByRole("img", { name: /^Memory per pod/ });
    expect(memory.getAttribute("aria-label")).toBe(
      "Memory per pod over the last hour: peak 100 MiB; request 128 MiB; limit 256 MiB.",
    );
    expect(memory.querySelectorAll(".chart-threshold")).toHaveLength(2);
    const legend = memory.closest("figure")!.querySelector("ul")!;
    expect(
      within(legend)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual(["web-a", "web-b", "Request 128 MiB", "Limit 256 MiB"]);

    await user.click(screen.getByRole("radio", { name: "6 hours" }));
    await screen.findByRole("img", { name: /^CPU per pod over the last 6 hours/ });
    expect(api.inputsOf("apps.metrics").map((input) => input.range)).toEqual(["1h", "6h"]);
  });

  it("says why there are no figures when the cluster has no metrics source", async () => {
    renderWithApi(<AppMetrics context={context} />, {
      procedures: {
        "apps.metrics": () => ({
          source: "metrics-server",
          available: false,
          reason: "No metrics server is installed in the cluster (metrics.k8s.io is missing).",
          range: "1h",
          stepSeconds: 60,
          series: { pods: [], total: { cpu: [], memory: [] } },
          requests: {},
          limits: {},
        }),
      },
    });
    expect(await screen.findByText(/No metrics server is installed/)).toBeTruthy();
  });

  it("rounds axes and units for people", () => {
    expect([0, 0.25, 256, 477, 1000, 1001].map(niceCeiling)).toEqual([1, 0.25, 300, 500, 1000, 1200]);
    expect([0, 0.05, 0.25, 1.5].map(formatCpu)).toEqual(["0", "50m", "250m", "1.5 cores"]);
    expect([5.5, 128, 2048].map(formatMebibytes)).toEqual(["5.5 MiB", "128 MiB", "2 GiB"]);
  });
});
