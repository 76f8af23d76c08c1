import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import ApplicationsTab, { refreshWhileDeploying } from "../../src/pages/project/applications.js";
import { renderWithApi } from "../support/render.js";

const project = vi.hoisted(() => ({
  current: {
    name: "shop",
    namespace: "shop",
    role: "editor",
    pack: "default@2.0.0",
    appCount: 3,
    createdAt: "",
  },
}));
vi.mock("../../src/pages/project/project-layout.js", () => ({ useProject: () => project.current }));

function app(name: string, state: "deploying" | "ready" | "failed" | null, done = 1, total = 1) {
  return {
    name,
    pack: "default@2.0.0",
    revision: 2,
    image: "nginx:1.27",
    status:
      state === null
        ? null
        : {
            state,
            message: state === "failed" ? 'Image "x" cannot be pulled' : `${done}/${total} replicas ready`,
            replicas: { desired: total, updated: total, ready: done, available: done, serving: done },
            progress: { done, total },
            stale: null,
          },
    updatedAt: new Date().toISOString(),
  };
}

describe("applications tab", () => {
  it("shows each app's live state, loads the next page on demand, and reads the list again while one deploys", async () => {
    let deployed = false;
    const { user, api } = renderWithApi(<ApplicationsTab />, {
      procedures: {
        "apps.list": (input: { cursor?: string | null }) => {
          if (input.cursor === "after-b") return { items: [app("c-worker", null)], nextCursor: null };
          const page = {
            items: [
              app("a-web", deployed ? "ready" : "deploying", deployed ? 3 : 1, 3),
              app("b-api", "failed", 0, 1),
            ],
            nextCursor: "after-b",
          };
          deployed = true;
          return page;
        },
      },
    });
    const list = await screen.findByRole("list", { name: "Apps of shop" });
    const [web, api2] = within(list).getAllByRole("listitem");
    expect(within(web!).getByText("Deploying").className).toContain("state-deploying");
    expect(web!.textContent).toContain("1 of 3 replicas ready");
    expect(within(web!).getByRole("link", { name: "a-web" }).getAttribute("href")).toBe(
      "/projects/shop/apps/a-web",
    );
    expect(within(api2!).getByText("Failed")).toBeTruthy();
    expect(api2!.textContent).toContain('Image "x" cannot be pulled');
    expect(screen.getByRole("link", { name: "Deploy app" }).getAttribute("href")).toBe(
      "/projects/shop/apps/new",
    );

    // a-web was deploying: a few seconds later the list is read again, and shows it ready.
    await waitFor(
      () => {
        expect(within(list).getAllByRole("listitem")[0]!.textContent).toContain("Ready");
      },
      { timeout: 5_000 },
    );

    await user.click(screen.getByRole("button", { name: "Load more apps" }));
    const worker = (await within(list).findByText("c-worker")).closest("li")!;
    expect(worker.textContent).toContain("Unknown");
    expect(screen.queryByRole("button", { name: /Load more/ })).toBeNull();
    expect(api.inputsOf("apps.list").map((input) => input.cursor ?? null)).toContain("after-b");
  });

  it("reads the list again only while something deploys", () => {
    expect(refreshWhileDeploying([{ items: [app("a", "ready"), app("b", "deploying")] }])).toBe(3_000);
    expect(refreshWhileDeploying([{ items: [app("a", "ready"), app("b", "failed"), app("c", null)] }])).toBe(
      false,
    );
    expect(refreshWhileDeploying(undefined)).toBe(false);
  });

  it("explains an empty project, and that a viewer cannot deploy", async () => {
    project.current = { ...project.current, role: "viewer" };
    renderWithApi(<ApplicationsTab />, {
      procedures: { "apps.list": () => ({ items: [], nextCursor: null }) },
    });
    expect(await screen.findByRole("heading", { name: "No apps yet" })).toBeTruthy();
    expect(screen.getByText(/As a viewer you can look but not deploy/)).toBeTruthy();
    expect(screen.queryByRole("link", { name: "Deploy app" })).toBeNull();
  });
});
