import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import ProjectsPage from "../../src/pages/projects.js";
import type { ProcedureOutput } from "../support/fake-api.js";
import { renderWithApi } from "../support/render.js";

type ProjectItem = ProcedureOutput<"projects.list">["items"][number];

function project(name: string, role: ProjectItem["role"], appCount: number): ProjectItem {
  return {
    name,
    namespace: name,
    role,
    pack: "default@2.0.0",
    appCount,
    createdAt: "2026-01-02T03:04:05.000Z",
  };
}

describe("projects list", () => {
  it("shows each project with the caller's role and app count, and loads the next page on demand", async () => {
    const { user, api } = renderWithApi(<ProjectsPage />, {
      path: "/projects",
      route: "/projects",
      procedures: {
        "projects.list": (input) =>
          input?.cursor === "after-b"
            ? { items: [project("c-shop", "viewer", 1)], nextCursor: null }
            : {
                items: [project("a-shop", "creator", 0), project("b-shop", "editor", 3)],
                nextCursor: "after-b",
              },
      },
    });
    const list = await screen.findByRole("list", { name: "Your projects" });
    const [first, second] = within(list).getAllByRole("listitem");
    expect(first!.textContent).toContain("a-shop");
    expect(first!.textContent).toContain("creator");
    expect(first!.textContent).toContain("No apps yet");
    expect(second!.textContent).toContain("editor");
    expect(second!.textContent).toContain("3 apps");
    expect(within(list).getByRole("link", { name: "a-shop" }).getAttribute("href")).toBe("/projects/a-shop");

    await user.click(screen.getByRole("button", { name: "Load more projects" }));
    expect((await within(list).findByText("c-shop")).closest("li")!.textContent).toContain("1 app ");
    expect(screen.queryByRole("button", { name: /Load more/ })).toBeNull();
    expect(api.inputsOf("projects.list").map((input) => input?.cursor ?? null)).toEqual([null, "after-b"]);
  });
});
