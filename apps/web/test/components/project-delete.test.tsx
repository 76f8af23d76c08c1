// Deleting a project with apps: the button says how many go with it, the server is told that number, progress shows
// while the apps go one by one, and a failure is shown in the server's words; others see why they cannot.
import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import SettingsTab from "../../src/pages/project/settings.js";
import { deferred, FakeError } from "../support/fake-api.js";
import { renderWithApi } from "../support/render.js";

const project = vi.hoisted(() => ({
  current: {
    name: "shop",
    namespace: "shop",
    role: "creator",
    pack: "default@2.0.0",
    appCount: 2,
    createdAt: "2026-01-01T00:00:00.000Z",
  },
}));
vi.mock("../../src/pages/project/project-layout.js", () => ({ useProject: () => project.current }));

const noTarget = () => ({ target: null, updatedAt: null, updatedBy: null });

describe("deleting a project", () => {
  it("deletes the project and its 2 apps once the name is typed, showing how many apps are gone", async () => {
    project.current = { ...project.current, role: "creator", appCount: 2 };
    const answer = deferred<undefined>();
    let appsLeft = 2;
    const { user, api } = renderWithApi(<SettingsTab />, {
      route: "/projects/shop/settings",
      path: "/projects/:name/settings",
      procedures: {
        "alerts.get": noTarget,
        "projects.get": () => ({ ...project.current, role: "creator", appCount: appsLeft }),
        "projects.delete": async () => {
          await answer.promise;
          return { deleted: "shop", namespaceRemoved: true, appsDeleted: ["api", "web"] };
        },
      },
    });
    const button = await screen.findByRole("button", { name: "Delete the project and its 2 apps" });
    expect(button.hasAttribute("disabled")).toBe(true);
    await user.type(screen.getByLabelText("Type shop to confirm"), "shop");
    appsLeft = 1;
    await user.click(button);
    expect(await screen.findByText("Deleting apps: 1 of 2 deleted…", {}, { timeout: 4000 })).toBeTruthy();
    appsLeft = 0;
    expect(
      await screen.findByText("All 2 apps deleted; removing the namespace…", {}, { timeout: 4000 }),
    ).toBeTruthy();
    answer.resolve(undefined);
    expect(
      await screen.findByText('Project "shop", its 2 apps and its namespace were deleted.'),
    ).toBeTruthy();
    expect(api.inputsOf("projects.delete")).toEqual([{ name: "shop", apps: 2 }]);
    await waitFor(() => {
      expect(screen.getByTestId("location").textContent).toBe("/projects");
    });
  });

  it("shows which app could not be deleted, in the server's words", async () => {
    project.current = { ...project.current, role: "creator", appCount: 2 };
    const message =
      'Deleted 1 of 2 apps of "shop", then could not delete app "web": the cluster refused. The project and its 1 remaining app are unchanged: try again.';
    const { user } = renderWithApi(<SettingsTab />, {
      procedures: {
        "alerts.get": noTarget,
        "projects.get": () => ({ ...project.current, role: "creator" }),
        "projects.delete": () => {
          throw new FakeError("CONFLICT", message);
        },
      },
    });
    await user.type(await screen.findByLabelText("Type shop to confirm"), "shop");
    await user.click(screen.getByRole("button", { name: "Delete the project and its 2 apps" }));
    expect(await screen.findByText(message)).toBeTruthy();
  });

  it("shows editors a disabled button and why", async () => {
    project.current = { ...project.current, role: "editor", appCount: 2 };
    renderWithApi(<SettingsTab />, { procedures: { "alerts.get": noTarget } });
    const button = await screen.findByRole("button", { name: "Delete the project and its 2 apps" });
    expect(button.hasAttribute("disabled")).toBe(true);
    expect(screen.getByText(/Only creators of/, { selector: "#delete-reason" }).textContent).toContain(
      "you are an editor",
    );
  });
});
