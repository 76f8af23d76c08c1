import { screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import SettingsTab from "../../src/pages/project/settings.js";
import { FakeError } from "../support/fake-api.js";
import { renderWithApi } from "../support/render.js";

const project = vi.hoisted(() => ({
  current: {
    name: "shop",
    namespace: "shop",
    role: "creator",
    pack: "default@2.0.0",
    appCount: 0,
    createdAt: "",
  },
}));
vi.mock("../../src/pages/project/project-layout.js", () => ({ useProject: () => project.current }));

const noTarget = () => ({ target: null, updatedAt: null, updatedBy: null });

describe("alert settings", () => {
  it("sends the chosen webhook to alerts.set and shows a refused URL beside its input", async () => {
    project.current = { ...project.current, role: "creator" };
    const { user, api } = renderWithApi(<SettingsTab />, {
      procedures: {
        "alerts.get": noTarget,
        "alerts.set": () => {
          throw new FakeError("BAD_REQUEST", "[]", {
            issues: [{ path: "target.url", message: "must be an https:// URL" }],
          });
        },
      },
    });
    expect(await screen.findByText("Nowhere: no target is set.")).toBeTruthy();
    await user.selectOptions(screen.getByLabelText("Send alerts to"), "slack");
    await user.type(screen.getByLabelText("Webhook URL"), " http://hooks.example.com/x ");
    await user.click(screen.getByRole("button", { name: "Save" }));

    const input = screen.getByLabelText("Webhook URL");
    await vi.waitFor(() => {
      expect(input.getAttribute("aria-invalid")).toBe("true");
    });
    const errorId = input.getAttribute("aria-describedby")!.split(" ").at(-1)!;
    expect(document.getElementById(errorId)!.textContent).toContain("must be an https:// URL");
    expect(api.inputsOf("alerts.set")).toEqual([
      { project: "shop", target: { type: "slack", url: "http://hooks.example.com/x" } },
    ]);
  });

  it("shows a failed test alert in the server's words (DNS, host), without blaming the cluster", async () => {
    project.current = { ...project.current, role: "creator" };
    const message =
      "The test alert was not delivered. Could not reach the webhook at hooks.example.invalid. DNS lookup of hooks.example.invalid failed: no such host (https://hooks.example.invalid/…). Check the host name in the URL.";
    const { user } = renderWithApi(<SettingsTab />, {
      procedures: {
        "alerts.get": () => ({
          target: { type: "slack", host: "hooks.example.invalid", url: "https://hooks.example.invalid/…" },
          updatedAt: new Date().toISOString(),
          updatedBy: "ada@example.com",
        }),
        "alerts.test": () => {
          throw new FakeError("BAD_GATEWAY", message);
        },
      },
    });
    await user.click(await screen.findByRole("button", { name: "Send a test alert" }));
    const shown = await screen.findByText(/The test alert was not delivered/);
    expect(shown.textContent).toBe(message);
    expect(shown.textContent).not.toMatch(/cluster/);
  });

  it("shows editors the masked target without a form, and viewers nothing", async () => {
    project.current = { ...project.current, role: "editor" };
    const view = renderWithApi(<SettingsTab />, {
      procedures: {
        "alerts.get": () => ({
          target: { type: "telegram", botToken: "…WXYZ", chatId: "-100123" },
          updatedAt: new Date().toISOString(),
          updatedBy: "ada@example.com",
        }),
      },
    });
    expect(await screen.findByText("…WXYZ")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Save" })).toBeNull();
    view.unmount();

    project.current = { ...project.current, role: "viewer" };
    const { api } = renderWithApi(<SettingsTab />, { procedures: { "alerts.get": noTarget } });
    expect(screen.getByText(/Only creators of shop/)).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Alerts" })).toBeNull();
    expect(api.inputsOf("alerts.get")).toEqual([]);
  });
});
