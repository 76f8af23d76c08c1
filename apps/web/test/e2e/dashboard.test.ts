// The dashboard in a real browser against the real server: registration, projects, sharing with a viewer,
// session expiry, deletion; and every page photographed at desktop and phone width for a person to look at.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  accessibilityViolations,
  DESKTOP,
  expectAccessible,
  hasChromium,
  openPage,
  PASSWORD,
  PHONE,
  register,
  SKIP_MESSAGE,
  snap,
  useStack,
} from "./harness.js";

if (!hasChromium) console.warn(SKIP_MESSAGE);

describe.skipIf(!hasChromium)("the dashboard in Chromium", () => {
  const stack = useStack();

  const newPage = (viewport = DESKTOP) => openPage(stack(), "dashboard", viewport);

  async function signIn(page: Page, email: string): Promise<void> {
    if (!page.url().includes("/login")) await page.goto("/login");
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  }

  async function signOut(page: Page): Promise<void> {
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL(/\/login$/);
  }

  it(
    "registers, creates a project, shares it with a read-only viewer, survives an expired session, deletes it",
    { timeout: 120_000 },
    async () => {
      const { context, page } = await newPage();
      const owner = "ada@example.com";
      const viewer = "bo@example.com";

      // A newcomer registers and lands on an empty projects page that says what to do.
      await page.goto("/");
      await page.getByRole("region", { name: "Sandbox mode" }).waitFor();
      await register(page, owner);
      await page.getByRole("heading", { name: "No projects yet" }).waitFor();
      await snap(page, "flow-01-projects-empty");
      expect(await page.title()).toBe("Projects · BabyHelm");

      // A bad name is explained before anything is sent; a good one creates the project and opens it.
      await page.getByRole("button", { name: "New project" }).click();
      await page.getByLabel("Project name").fill("Team A");
      await page.getByRole("button", { name: "Create project" }).click();
      await page.getByText("Project name must be a DNS-1123 label").waitFor();
      await snap(page, "flow-02-project-name-invalid");
      await expectAccessible(page, "flow-02-project-name-invalid");
      await page.getByLabel("Project name").fill("team-a");
      await page.getByRole("button", { name: "Create project" }).click();
      await page.waitForURL(/\/projects\/team-a$/);
      await page.getByRole("heading", { level: 1, name: "team-a" }).waitFor();
      await page.getByRole("link", { name: "Deploy app" }).waitFor();
      await snap(page, "flow-03-project-created");

      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Projects" }).click();
      const card = page
        .getByRole("list", { name: "Your projects" })
        .getByRole("listitem")
        .filter({ hasText: "team-a" });
      await card.waitFor();
      expect(await card.textContent()).toContain("creator");
      await signOut(page);

      // A second person registers (and sees no projects), then signs out.
      await register(page, viewer);
      await page.getByRole("heading", { name: "No projects yet" }).waitFor();
      await signOut(page);

      // The owner adds them as a viewer.
      await signIn(page, owner);
      await page.goto("/projects/team-a/collaborators");
      const addForm = page.getByRole("form", { name: "Add a collaborator" });
      await addForm.getByLabel("Email").fill(viewer);
      await addForm.getByLabel("Role").selectOption("viewer");
      await addForm.getByRole("button", { name: "Add collaborator" }).click();
      await page.getByRole("status").getByText(`${viewer} was added to team-a as a viewer.`).waitFor();
      const members = page.getByRole("list", { name: "Members of team-a" });
      await members.getByText(viewer, { exact: true }).waitFor();
      await snap(page, "flow-04-collaborator-added");
      await signOut(page);

      // The viewer sees the project, read-only: no collaborator controls, no audit log, no settings.
      await signIn(page, viewer);
      const shared = page
        .getByRole("list", { name: "Your projects" })
        .getByRole("listitem")
        .filter({ hasText: "team-a" });
      await shared.waitFor();
      expect(await shared.textContent()).toContain("viewer");
      await shared.getByRole("link", { name: "team-a" }).click();
      await page.getByText("As a viewer you can look but not deploy.").waitFor();
      expect(await page.getByRole("link", { name: "Deploy app" }).count()).toBe(0);
      const tabs = page.getByRole("navigation", { name: "Project sections" });
      expect(await tabs.getByRole("link").allTextContents()).toEqual(["Applications", "Collaborators"]);
      await tabs.getByRole("link", { name: "Collaborators" }).click();
      await page.getByRole("list", { name: "Members of team-a" }).getByText(owner, { exact: true }).waitFor();
      await page.getByRole("button", { name: "Leave project" }).waitFor();
      expect(await page.getByRole("button", { name: "Add collaborator" }).count()).toBe(0);
      expect(await page.getByRole("combobox").count()).toBe(0);
      expect(await page.getByRole("button", { name: /^Remove|^Transfer ownership/ }).count()).toBe(0);
      await snap(page, "flow-05-viewer-collaborators");
      await expectAccessible(page, "flow-05-viewer-collaborators");

      // Hiding the controls is not the protection: the server refuses the viewer's forced request.
      const forced = await page.evaluate(async (email) => {
        const response = await fetch("/trpc/members.add", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ project: "team-a", email, role: "creator" }),
        });
        return {
          status: response.status,
          body: (await response.json()) as { error?: { data?: { code?: string } } },
        };
      }, viewer);
      expect(forced.status).toBe(403);
      expect(forced.body.error?.data?.code).toBe("FORBIDDEN");

      // The session ends behind the page's back: the next call sends the viewer to sign in, and back after it.
      await context.clearCookies();
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }).click();
      await page.waitForURL(
        (url) => url.pathname === "/login" && url.searchParams.get("next") === "/account",
      );
      await page.getByText("Your session has ended.").waitFor();
      await snap(page, "flow-06-session-expired");
      await expectAccessible(page, "flow-06-session-expired");
      await signIn(page, viewer);
      await page.waitForURL(/\/account$/);
      await page.getByRole("heading", { name: "API tokens", exact: true }).waitFor();
      await signOut(page);

      // The owner deletes the project, confirming with its name.
      await signIn(page, owner);
      await page.goto("/projects/team-a/settings");
      const remove = page.getByRole("button", { name: "Delete project" });
      expect(await remove.isDisabled()).toBe(true);
      await page.getByLabel("Type team-a to confirm").fill("team-a");
      await snap(page, "flow-07-delete-confirm");
      await expectAccessible(page, "flow-07-delete-confirm");
      await remove.click();
      await page.waitForURL(/\/projects$/);
      await page.getByRole("heading", { name: "No projects yet" }).waitFor();
      await page
        .getByRole("status")
        .getByText(/Project "team-a"( and its namespace)? was deleted|were deleted/)
        .waitFor();
      await snap(page, "flow-08-project-deleted");
      await context.close();
    },
  );

  it("has axe report each violation with its rule, element and fix", async () => {
    const { context, page } = await newPage();
    // The check every page of these tests passes, on a page made to fail it twice.
    await page.setContent(
      '<html lang="en"><title>t</title><main><img src="x.png"><button id="b"></button></main></html>',
    );
    const violations = await accessibilityViolations(page);
    expect(violations.map((entry) => entry.split(" ")[0])).toEqual(["button-name", "image-alt"]);
    expect(violations[1]).toMatch(/^image-alt \(critical\): Images must have alternative text — https:/);
    expect(violations[1]).toContain('at "img"');
    await context.close();
  });

  for (const [label, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    it(`photographs every page at ${label} width`, { timeout: 90_000 }, async () => {
      const { context, page } = await newPage(viewport);
      /** Photographs the page and checks it with axe: every page, at both widths (the layout differs). */
      const shot = async (name: string) => {
        await snap(page, `${label}-${name}`);
        await expectAccessible(page, `${label}-${name}`);
      };

      await page.goto("/");
      await page.getByRole("heading", { level: 1 }).waitFor();
      await shot("01-landing");
      await page.goto("/docs");
      await page.getByRole("heading", { name: "How BabyHelm works" }).waitFor();
      await shot("02-docs");
      await page.goto("/login");
      await page.getByLabel("Email", { exact: true }).fill("ada@example");
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.getByText("Email must be an email address").waitFor();
      // The first refused field takes the focus, so its error is read out.
      expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("email");
      await shot("03-login-error");
      await page.goto("/register");
      await page.getByLabel("Email", { exact: true }).fill(`${label}@example.com`);
      await page.getByLabel("Password", { exact: true }).fill("short");
      await page.getByRole("button", { name: "Create account", exact: true }).click();
      await page.getByText("Password must be at least 10 characters").waitFor();
      await shot("04-register-error");

      await register(page, `${label}@example.com`);
      await page.getByRole("heading", { name: "No projects yet" }).waitFor();
      await shot("05-projects-empty");
      await page.getByRole("button", { name: "New project" }).click();
      await page.getByLabel("Project name").fill(`${label}-shop`);
      await shot("06-new-project");
      await page.getByRole("button", { name: "Create project" }).click();
      await page.waitForURL(new RegExp(`/projects/${label}-shop$`));
      await page.getByRole("link", { name: "Deploy app" }).waitFor();
      await shot("07-project-applications");
      await page.getByRole("link", { name: "Collaborators" }).click();
      await page.getByRole("button", { name: "Add collaborator" }).waitFor();
      await shot("08-project-collaborators");
      await page.getByRole("link", { name: "Audit log" }).click();
      await page.getByText("created the project").waitFor();
      await shot("09-project-audit");
      await page.getByRole("link", { name: "Settings" }).click();
      await page.getByRole("button", { name: "Delete project" }).waitFor();
      await shot("10-project-settings");
      await page.getByRole("link", { name: "Projects", exact: true }).first().click();
      await page.getByRole("list", { name: "Your projects" }).waitFor();
      await shot("11-projects-list");

      await page.goto("/account");
      await page.getByLabel("Token name").fill("deploy from CI");
      await page.getByRole("button", { name: "Create token" }).click();
      await page.getByRole("region", { name: /Your new token/ }).waitFor();
      await shot("12-account-new-token");
      await page.goto("/projects/nope");
      await page.getByRole("heading", { name: "Project not found" }).waitFor();
      await shot("13-project-not-found");
      await context.close();
    });
  }
});
