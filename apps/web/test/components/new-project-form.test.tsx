import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import ProjectsPage from "../../src/pages/projects.js";
import { FakeError } from "../support/fake-api.js";
import { describedText, renderWithApi } from "../support/render.js";

const noProjects = { "projects.list": () => ({ items: [], nextCursor: null }) };

async function openForm() {
  const view = renderWithApi(<ProjectsPage />, {
    path: "/projects",
    route: "/projects",
    procedures: {
      ...noProjects,
      "projects.create": (input: { name: string }) => {
        if (input.name === "taken")
          throw new FakeError("CONFLICT", `A project named "taken" already exists: choose another name.`, {
            issues: [{ path: "name", message: "is taken by another project: choose another name" }],
          });
        if (input.name === "babyhelm") {
          throw new FakeError("BAD_REQUEST", `name: "babyhelm" is the namespace BabyHelm itself runs in`, {
            issues: [{ path: "name", message: `"babyhelm" is the namespace BabyHelm itself runs in` }],
          });
        }
        return { name: input.name, namespace: input.name, pack: "default@2.0.0", role: "creator" };
      },
    },
  });
  await view.user.click(await screen.findByRole("button", { name: "New project" }));
  return view;
}

describe("new project form", () => {
  it("explains the name rule before anything is typed", async () => {
    await openForm();
    const input = screen.getByLabelText("Project name");
    expect(document.activeElement).toBe(input);
    expect(describedText(input)).toContain("Lowercase letters, digits and '-', at most 63 characters");
  });

  it("refuses a name the cluster would refuse, says why, and sends nothing", async () => {
    const { user, api } = await openForm();
    const input = screen.getByLabelText("Project name");
    await user.type(input, "My Shop!");
    await user.click(screen.getByRole("button", { name: "Create project" }));

    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(describedText(input)).toContain(
      "Project name must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit",
    );
    // A valid name made from what was typed is one click away.
    await user.click(screen.getByRole("button", { name: "Use “my-shop”" }));
    expect(input).toHaveProperty("value", "my-shop");
    expect(input.getAttribute("aria-invalid")).toBeNull();
    await user.clear(input);
    await user.type(input, "default");
    expect(describedText(input)).toContain(
      `Project name: "default" is Kubernetes' own namespace; choose another name`,
    );
    await user.clear(input);
    await user.type(input, "Shop");
    expect(describedText(input)).toContain("Project name must be lowercase");
    expect(api.inputsOf("projects.create")).toEqual([]);

    await user.clear(input);
    await user.type(input, "shop");
    expect(input.getAttribute("aria-invalid")).toBeNull();
  });

  it("shows the server's issue for the name beside the field, and a conflict above the form", async () => {
    const { user } = await openForm();
    const input = screen.getByLabelText("Project name");
    await user.type(input, "babyhelm");
    await user.click(screen.getByRole("button", { name: "Create project" }));
    await waitFor(() => {
      expect(describedText(input)).toContain(
        `Project name: "babyhelm" is the namespace BabyHelm itself runs in`,
      );
    });

    await user.clear(input);
    await user.type(input, "taken");
    // The old issue belonged to the old name.
    expect(input.getAttribute("aria-invalid")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Create project" }));
    await waitFor(() => {
      expect(describedText(input)).toContain("Project name is taken by another project: choose another name");
    });
  });

  it("creates the project, says so, and opens it", async () => {
    const { user, api } = await openForm();
    await user.type(screen.getByLabelText("Project name"), "shop");
    await user.click(screen.getByRole("button", { name: "Create project" }));
    expect((await screen.findByTestId("location")).textContent).toBe("/projects/shop");
    expect(api.inputsOf("projects.create")).toEqual([{ name: "shop" }]);
    expect(screen.getByRole("status").textContent).toContain(`Project "shop" is ready`);
  });

  it("explains the next step when there are no projects", async () => {
    renderWithApi(<ProjectsPage />, { path: "/projects", route: "/projects", procedures: noProjects });
    expect(await screen.findByRole("heading", { name: "No projects yet" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Create your first project" })).toBeTruthy();
  });
});
