// The deploy page with an operator's packs (worker@1, cron@1 from examples/packs): the dedicated form cannot write
// them, so choosing one brings the form made from its JSON Schema, which deploys what it shows and puts the
// server's issues under the fields they name.
import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import DeployAppPage from "../../src/pages/deploy-app.js";
import { FakeError, type Handlers } from "../support/fake-api.js";
import { OPERATOR_PACKS, PACKS } from "../support/packs.js";
import { describedText, renderWithApi } from "../support/render.js";

async function openForm(procedures: Handlers = {}) {
  const view = renderWithApi(<DeployAppPage />, {
    path: "/projects/:name/apps/new",
    route: "/projects/shop/apps/new",
    procedures: {
      "projects.get": () => ({
        name: "shop",
        namespace: "shop",
        role: "editor",
        pack: "default@2.0.0",
        appCount: 0,
        createdAt: "2026-01-02T03:04:05.000Z",
      }),
      "apps.packs": () => [...PACKS, ...OPERATOR_PACKS],
      "apps.previewManifests": () => {
        throw new FakeError("BAD_REQUEST", "not previewed in this test");
      },
      ...procedures,
    },
  });
  await screen.findByRole("form", { name: "New app" });
  return view;
}

describe("new app form: a pack without a form of its own", () => {
  it("brings the generic form for cron@1 and deploys the spec it shows, defaults included", async () => {
    const { user, api } = await openForm({
      "apps.create": (input) => ({ name: input.name, pack: "cron@1.0.0", revision: 1 }),
    });
    await user.selectOptions(screen.getByLabelText("Pack"), "cron");
    await screen.findByRole("group", { name: "Settings of cron@1.0.0" });
    expect(screen.queryByLabelText("Container port")).toBeNull();
    await user.type(screen.getByLabelText("App name"), "report");
    await user.type(document.getElementById("root_image")!, "busybox:1.36");
    await user.type(document.getElementById("root_schedule")!, "@daily");
    await user.click(screen.getByRole("button", { name: "Deploy" }));

    expect((await screen.findByTestId("location")).textContent).toBe("/projects/shop/apps/report");
    expect(api.inputsOf("apps.create")).toEqual([
      {
        project: "shop",
        name: "report",
        pack: "cron@1.0.0",
        spec: expect.objectContaining({
          image: "busybox:1.36",
          schedule: "@daily",
          concurrencyPolicy: "Forbid",
        }),
      },
    ]);
  });

  it("checks what the schema requires before sending, and shows the server's issue under its field", async () => {
    const { user, api } = await openForm({
      "apps.create": () => {
        throw new FakeError("BAD_REQUEST", "The spec is not valid for cron@1.0.0", {
          issues: [
            { path: "spec.schedule", message: 'schedule must be five cron fields such as "*/15 * * * *"' },
          ],
        });
      },
    });
    await user.selectOptions(screen.getByLabelText("Pack"), "cron");
    await screen.findByRole("group", { name: "Settings of cron@1.0.0" });
    await user.type(screen.getByLabelText("App name"), "report");
    await user.type(document.getElementById("root_image")!, "busybox:1.36");
    await user.click(screen.getByRole("button", { name: "Deploy" }));
    // Nothing sent: the schedule is required.
    const schedule = document.getElementById("root_schedule")!;
    await waitFor(() => {
      expect(describedText(schedule)).toContain("schedule is required");
    });
    expect(api.inputsOf("apps.create")).toEqual([]);

    // A schedule the schema's pattern lets through but the server refuses: its words, under the field.
    await user.type(schedule, "1 2 3 4 5");
    await user.click(screen.getByRole("button", { name: "Deploy" }));
    await waitFor(() => {
      expect(describedText(schedule)).toContain("schedule must be five cron fields");
    });
    expect(api.inputsOf("apps.create")).toHaveLength(1);
    expect(document.activeElement).toBe(schedule);
  });

  it("goes back to the dedicated form for a pack it can write", async () => {
    const { user } = await openForm();
    await user.selectOptions(screen.getByLabelText("Pack"), "worker");
    await screen.findByRole("group", { name: "Settings of worker@1.0.0" });
    // The pack's defaults filled in are not changes of the person's.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(screen.queryByText("Unsaved changes, kept as a draft")).toBeNull();
    await user.selectOptions(screen.getByLabelText("Pack"), "classic");
    await screen.findByRole("form", { name: "New app" });
    expect(screen.getByLabelText("Container port")).toBeTruthy();
  });
});
