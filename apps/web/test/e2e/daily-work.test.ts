// A team's daily work in Chromium against the real server (PGlite, the sandbox cluster): a fast double click makes
// one API token, a project goes with its apps (showing how many are gone), a failed test alert names the DNS lookup,
// role changes ask first and the only creator is told why they cannot step down, revisions say what changed in plain
// words, focus lands on the new page's h1, one inline question is open at a time, and toasts cover no button.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  DESKTOP,
  expectAccessible,
  hasChromium,
  openPage,
  PHONE,
  register,
  SKIP_MESSAGE,
  snap,
  useStack,
} from "./harness.js";

if (!hasChromium) console.warn(SKIP_MESSAGE);

/** Calls a mutation of the server's API as the page's signed-in user, as a script with their session would. */
async function call(page: Page, path: string, input: unknown): Promise<void> {
  const answer = await page.evaluate(
    async ({ path, input }) => {
      const response = await fetch(`/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(input),
      });
      return { status: response.status, text: await response.text() };
    },
    { path, input },
  );
  if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}: ${answer.text}`);
}

async function createProject(page: Page, name: string): Promise<void> {
  await page.goto("/projects");
  await page.getByRole("button", { name: "New project" }).click();
  await page.getByLabel("Project name").fill(name);
  await page.getByRole("button", { name: "Create project" }).click();
  await page.waitForURL(new RegExp(`/projects/${name}$`));
}

const spec = { image: "nginx:1.27", ports: [{ port: 80 }], env: [{ name: "MODE", value: "production" }] };

/** The boxes of the visible buttons the toasts overlap (none expected). */
async function buttonsUnderToasts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const toasts = [...document.querySelectorAll(".toast")].map((toast) => toast.getBoundingClientRect());
    const covered: string[] = [];
    for (const button of document.querySelectorAll("button, a[href], input, select")) {
      if (button.closest(".toasts") !== null) continue;
      const box = button.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const hit = toasts.some(
        (toast) =>
          toast.left < box.right &&
          box.left < toast.right &&
          toast.top < box.bottom &&
          box.top < toast.bottom,
      );
      if (hit)
        covered.push(button.textContent?.trim() || button.getAttribute("aria-label") || button.tagName);
    }
    return covered;
  });
}

describe.skipIf(!hasChromium)("daily work in Chromium", () => {
  const stack = useStack();

  const newPage = (viewport = DESKTOP) => openPage(stack(), "daily", viewport);

  it("makes one API token on a fast double click, and keeps one confirmation open at a time", async () => {
    const { context, page } = await newPage();
    await register(page, "tokens@example.com");
    await page.goto("/account");
    // First load: the browser starts at the top, nothing is focused by the page.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("BODY");
    await page.getByLabel("Token name").fill("deploy from CI");
    await page.getByRole("button", { name: "Create token" }).dblclick();
    await page.getByRole("region", { name: /Your new token/ }).waitFor();
    const tokens = page.getByRole("list", { name: "API tokens" });
    await tokens.getByText("deploy from CI").waitFor();
    expect(await tokens.getByRole("listitem").count()).toBe(1);
    await snap(page, "daily-01-one-token-after-double-click");
    await expectAccessible(page, "daily-01-one-token-after-double-click");
    await page.getByRole("button", { name: "I have copied it" }).click();

    // Two inline questions on one page: opening the second closes the first.
    await page.getByRole("button", { name: "Revoke the token deploy from CI" }).click();
    await page.getByRole("group", { name: /Revoke "deploy from CI"/ }).waitFor();
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await page.getByRole("group", { name: /Sign out on every device/ }).waitFor();
    expect(await page.getByRole("group", { name: /Revoke "deploy from CI"/ }).count()).toBe(0);
    expect(await page.locator(".confirm").count()).toBe(1);
    await snap(page, "daily-02-one-confirmation-open");
    await expectAccessible(page, "daily-02-one-confirmation-open");
    await context.close();
  });

  it("moves focus to the new page's h1 after in-app navigation", async () => {
    const { context, page } = await newPage();
    await register(page, "focus@example.com");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }).click();
    await page.waitForURL(/\/account$/);
    await expect
      .poll(() =>
        page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent}`),
      )
      .toBe("H1 Account");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "How it works" }).click();
    await expect
      .poll(() =>
        page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent}`),
      )
      .toBe("H1 How BabyHelm works");
    await context.close();
  });

  it(
    "deletes a project with 2 apps, showing progress, and ends with the project gone",
    { timeout: 60_000 },
    async () => {
      const { context, page } = await newPage();
      await register(page, "cleanup@example.com");
      await createProject(page, "old-shop");
      await call(page, "apps.create", { project: "old-shop", name: "api", spec });
      await call(page, "apps.create", { project: "old-shop", name: "web", spec });
      // Each app's Deployment takes a while to delete, as on a busy cluster: the progress has time to show.
      stack().server.sandbox!.faults.delay(2_000, {
        verb: "delete",
        resource: "deployments",
        namespace: "old-shop",
      });
      await page.goto("/projects/old-shop/settings");
      await page.getByLabel("Type old-shop to confirm").fill("old-shop");
      await expectAccessible(page, "daily-03-delete-project-with-apps");
      await page.getByRole("button", { name: "Delete the project and its 2 apps" }).click();
      await page.getByText("Deleting apps: 1 of 2 deleted…").waitFor({ timeout: 20_000 });
      await snap(page, "daily-03-deleting-project-progress");
      await page.waitForURL(/\/projects$/, { timeout: 30_000 });
      await page
        .locator(".toasts")
        .getByText('Project "old-shop", its 2 apps and its namespace were deleted.')
        .waitFor();
      expect(await page.getByRole("link", { name: "old-shop" }).count()).toBe(0);
      await snap(page, "daily-04-project-deleted");
      await context.close();
    },
  );

  it("says a failed test alert's DNS lookup failed, naming the host, not the cluster", async () => {
    const { context, page } = await newPage();
    await register(page, "alerts@example.com");
    await createProject(page, "noisy");
    await page.goto("/projects/noisy/settings");
    await page.getByLabel("Send alerts to").selectOption("slack");
    await page.getByLabel("Webhook URL").fill("https://hooks.babyhelm.invalid/services/T0/B0/secretpath");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page
      .locator(".toasts")
      .getByText(/will go to the webhook at hooks.babyhelm.invalid/)
      .waitFor();
    await page.getByRole("button", { name: "Send a test alert" }).click();
    const failure = page.getByText(/The test alert was not delivered/);
    await failure.waitFor();
    const text = (await failure.textContent()) ?? "";
    expect(text).toMatch(/DNS lookup of hooks\.babyhelm\.invalid failed/);
    expect(text).toContain("https://hooks.babyhelm.invalid/…");
    expect(text).not.toContain("secretpath");
    expect(text).not.toMatch(/cluster/);
    await snap(page, "daily-05-test-alert-dns");
    await expectAccessible(page, "daily-05-test-alert-dns");
    await context.close();
  });

  it("asks before a role change, and shows the only creator why they cannot step down or leave", async () => {
    const { context, page } = await newPage();
    const other = await newPage();
    await register(other.page, "bo@example.com");
    await register(page, "owner@example.com");
    await createProject(page, "team");
    await page.goto("/projects/team/collaborators");
    const addForm = page.getByRole("form", { name: "Add a collaborator" });
    await addForm.getByLabel("Email").fill("bo@example.com");
    await addForm.getByRole("button", { name: "Add collaborator" }).click();
    await page.locator(".toasts").getByText("bo@example.com was added to team as a viewer.").waitFor();

    const own = page.getByLabel("Role of owner@example.com");
    expect(await own.locator("option[disabled]").allTextContents()).toEqual([
      "viewer (needs another creator)",
      "editor (needs another creator)",
    ]);
    await page.getByText("You are the only creator of team: make someone else a creator first").waitFor();
    expect(await page.getByRole("button", { name: "Leave project" }).isDisabled()).toBe(true);

    await page.getByLabel("Role of bo@example.com").selectOption("editor");
    const question = page.getByRole("group", { name: /^Make bo@example.com an editor of team\?/ });
    await question.waitFor();
    await snap(page, "daily-06-role-change-question");
    await expectAccessible(page, "daily-06-role-change-question");
    await question.getByRole("button", { name: "Change role" }).click();
    await page.locator(".toasts").getByText("bo@example.com is now an editor of team.").waitFor();
    expect(await buttonsUnderToasts(page)).toEqual([]);
    await snap(page, "daily-07-role-changed-toast");

    // At phone width, the toast finds a band where it covers no control either.
    await page.setViewportSize(PHONE);
    await page.getByLabel("Role of bo@example.com").selectOption("viewer");
    await page.getByRole("button", { name: "Change role" }).click();
    await page.locator(".toasts").getByText("bo@example.com is now a viewer of team.").waitFor();
    await expect.poll(() => buttonsUnderToasts(page)).toEqual([]);
    await snap(page, "daily-08-role-changed-toast-phone");
    await other.context.close();
    await context.close();
  });

  it("says in revision entries what changed in plain words", { timeout: 60_000 }, async () => {
    const { context, page } = await newPage();
    await register(page, "revisions@example.com");
    await createProject(page, "blog");
    await call(page, "apps.create", { project: "blog", name: "web", spec });
    await call(page, "apps.update", {
      project: "blog",
      name: "web",
      expectedRevision: 1,
      spec: { ...spec, image: "nginx:1.28", replicas: 3, env: [{ name: "MODE", value: "s3cret-staging" }] },
    });
    await page.goto("/projects/blog/apps/web?tab=revisions");
    const list = page.getByRole("list", { name: "Revisions of web" });
    await list.getByText("Changed: image nginx:1.27 → 1.28, replicas 1 → 3, env MODE changed").waitFor();
    await list.getByText("Deployed: image nginx:1.27, 1 replica").waitFor();
    const text = (await list.textContent()) ?? "";
    expect(text).not.toContain("spec.template");
    expect(text).not.toContain("s3cret");
    await snap(page, "daily-09-revisions-in-plain-words");
    await expectAccessible(page, "daily-09-revisions-in-plain-words");
    await context.close();
  });
});
