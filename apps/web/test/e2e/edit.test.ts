// Changing deployed apps in Chromium against the real server (PGlite, the sandbox cluster): an image that cannot be
// pulled fixed from the failure message, a full edit with its diff preview, someone else's deploy in between, the
// new-app preview's taken name, and unsaved work that survives a tab switch, Back/Forward, a reload and a new
// sign-in. Every step is photographed.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  expectAccessible,
  hasChromium,
  openPage,
  PASSWORD,
  register,
  SKIP_MESSAGE,
  snap,
  useStack,
} from "./harness.js";

if (!hasChromium) console.warn(SKIP_MESSAGE);

describe.skipIf(!hasChromium)("editing apps in Chromium", () => {
  const stack = useStack();

  const newPage = () => openPage(stack(), "edit");
  const statusCard = (page: Page) => page.getByRole("region", { name: "Status" });
  const preview = (page: Page) => page.getByRole("region", { name: "Manifest preview" });

  async function waitForState(page: Page, state: string) {
    await statusCard(page).getByText(state, { exact: true }).waitFor({ timeout: 60_000 });
  }

  async function signIn(page: Page, email: string) {
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  }

  it(
    "fixes a failed image from the failure message, edits with a diff, and handles someone else's deploy",
    { timeout: 120_000 },
    async () => {
      const { context, page } = await newPage();
      await register(page, "ada@example.com");
      await page.getByRole("button", { name: "New project" }).click();
      await page.getByLabel("Project name").fill("shop");
      await page.getByRole("button", { name: "Create project" }).click();
      await page.waitForURL(/\/projects\/shop$/);

      // An image without a tag is a warning beside the field, not an error.
      await page.goto("/projects/shop/apps/new");
      const image = page.getByLabel("Image", { exact: true });
      expect(await image.getAttribute("placeholder")).toBe("nginxinc/nginx-unprivileged:1.27");
      await page.getByLabel("App name").fill("web");
      await image.fill("nginx");
      await page.getByText(/Warning: No tag/).waitFor();
      expect(await image.getAttribute("aria-invalid")).toBeNull();
      await snap(page, "edit-01-untagged-image-warning");
      await expectAccessible(page, "edit-01-untagged-image-warning");

      // An image the cluster cannot pull: the app fails, and the failure offers to change the image.
      await image.fill("invalid.example/app:1");
      await page.getByRole("button", { name: "Deploy", exact: true }).click();
      await page.waitForURL(/\/apps\/web$/);
      await waitForState(page, "Failed");
      const fix = page.getByRole("form", { name: "Change the image" });
      expect(await fix.getByRole("link", { name: "Edit everything" }).getAttribute("href")).toBe(
        "/projects/shop/apps/web/edit",
      );
      await fix.getByLabel("Image").fill("nginx:1.27");
      await snap(page, "edit-02-change-image-from-failure");
      await expectAccessible(page, "edit-02-change-image-from-failure");
      await fix.getByRole("button", { name: "Change image" }).click();
      await page.getByText("revision 2 · pack").waitFor();
      await waitForState(page, "Ready");
      expect(await page.locator(".app-title").textContent()).toContain("Image nginx:1.27");
      await snap(page, "edit-03-image-fixed-revision-2");

      // The full form, filled from what runs; the preview is a diff against it.
      await page.getByRole("link", { name: "Edit", exact: true }).click();
      await page.waitForURL(/\/apps\/web\/edit$/);
      const form = page.getByRole("form", { name: "Edit web" });
      expect(await form.getByLabel("App name").getAttribute("readonly")).not.toBeNull();
      expect(await form.getByLabel("Image", { exact: true }).inputValue()).toBe("nginx:1.27");
      await preview(page).getByText("No changes yet").waitFor();
      await form.getByLabel("Replicas", { exact: true }).fill("2");
      await form.getByRole("button", { name: "Add variable" }).click();
      await form.getByLabel("Variable 1 name").fill("MODE");
      await form.getByLabel("Variable 1 value").fill("edited");
      const diff = preview(page).getByLabel("Changes against revision 2");
      await diff.getByText(/spec\.replicas: 1 -> 2/).waitFor();
      await diff.getByText(/MODE/).first().waitFor();
      await form.getByRole("button", { name: "Deploy revision 3" }).waitFor();
      await snap(page, "edit-04-edit-form-diff");
      await expectAccessible(page, "edit-04-edit-form-diff");

      // Meanwhile another session deploys revision 3 (a variable of its own).
      const other = await newPage();
      await other.page.goto("/login");
      await signIn(other.page, "ada@example.com");
      await other.page.waitForURL(/\/projects$/);
      await other.page.goto("/projects/shop/apps/web?tab=environment");
      await other.page.getByRole("button", { name: "Add variable" }).click();
      await other.page.getByLabel("Variable 1 name").fill("THEIRS");
      await other.page.getByLabel("Variable 1 value").fill("1");
      await other.page.getByRole("button", { name: "Save variables" }).click();
      await other.page.getByText("revision 3 · pack").waitFor();
      await other.context.close();

      // Deploying from revision 2 now meets their revision 3: the form says who and what, and offers both ways on.
      await form.getByRole("button", { name: "Deploy revision 3" }).click();
      const conflict = form.locator(".edit-conflict");
      await conflict
        .getByText("web changed since you started editing revision 2", { exact: false })
        .waitFor();
      await conflict.getByText(/Revision 3 by ada@example\.com/).waitFor();
      await conflict
        .getByText(/THEIRS/)
        .first()
        .waitFor();
      await snap(page, "edit-05-conflict");
      await expectAccessible(page, "edit-05-conflict");
      await conflict.getByRole("button", { name: "Load their version, keep my edits" }).click();
      expect(await form.getByLabel("Replicas", { exact: true }).inputValue()).toBe("2");
      // Both added a variable: theirs stays, this person's comes on top, and the diff shows only this person's edits.
      expect(await form.getByLabel("Variable 1 name").inputValue()).toBe("THEIRS");
      expect(await form.getByLabel("Variable 2 name").inputValue()).toBe("MODE");
      const rebased = preview(page).getByLabel("Changes against revision 3");
      await rebased.getByText(/MODE/).first().waitFor();
      expect(await rebased.textContent()).not.toContain("THEIRS");
      await form.getByRole("button", { name: "Deploy revision 4" }).click();
      await page.waitForURL(/\/apps\/web$/);
      await page.getByText("revision 4 · pack").waitFor();
      await waitForState(page, "Ready");
      await snap(page, "edit-06-revision-4");

      // A new app with a taken name: the preview says so on the name, not a dry run over the running app.
      await page.goto("/projects/shop/apps/new");
      await page.getByLabel("Image", { exact: true }).fill("nginx:1.27");
      await page.getByLabel("App name").fill("web");
      await page
        .getByText("An app named web already exists in this project", { exact: false })
        .first()
        .waitFor();
      expect(await page.locator("body").textContent()).not.toContain("livenessProbe");
      await snap(page, "edit-07-taken-name");
      await expectAccessible(page, "edit-07-taken-name");
      await context.close();
    },
  );

  it(
    "keeps unsaved work across a tab switch, Back/Forward, a reload and a new sign-in",
    { timeout: 90_000 },
    async () => {
      const { context, page } = await newPage();
      // A reload or leaving with unsaved changes asks the browser's question first: say yes.
      page.on("dialog", (dialog) => {
        void dialog.accept();
      });
      await register(page, "grace@example.com");
      await page.getByRole("button", { name: "New project" }).click();
      await page.getByLabel("Project name").fill("lab");
      await page.getByRole("button", { name: "Create project" }).click();
      await page.waitForURL(/\/projects\/lab$/);
      await page.goto("/projects/lab/apps/new");
      await page.getByLabel("App name").fill("api");
      await page.getByLabel("Image", { exact: true }).fill("nginx:1.27");
      await page.getByRole("button", { name: "Add variable" }).click();
      await page.getByLabel("Variable 1 name").fill("LOG_LEVEL");
      await page.getByLabel("Variable 1 value").fill("info");
      await page.getByRole("button", { name: "Deploy", exact: true }).click();
      await page.waitForURL(/\/apps\/api$/);

      // New rows stay when switching tabs.
      const tabs = page.getByRole("navigation", { name: "App sections" });
      await tabs.getByRole("link", { name: "Environment" }).click();
      await page.getByRole("button", { name: "Add variable" }).click();
      await page.getByLabel("Variable 2 name").fill("FEATURE");
      await page.getByLabel("Variable 2 value").fill("on");
      await tabs.getByRole("link", { name: "Revisions" }).click();
      await page.getByRole("heading", { name: "Revisions" }).waitFor();
      await tabs.getByRole("link", { name: "Environment" }).click();
      expect(await page.getByLabel("Variable 2 name").inputValue()).toBe("FEATURE");
      await page.getByText(/Draft restored/).waitFor();

      // A .env paste that would overwrite a value says which before it applies.
      await page.getByRole("button", { name: "Paste a .env block" }).click();
      await page.getByLabel("Paste .env lines").fill("LOG_LEVEL=debug\nEXTRA=1");
      await page.getByRole("button", { name: "Add variables" }).click();
      const question = page.locator(".env-overwrite");
      await question.getByText("This paste replaces the value of", { exact: false }).waitFor();
      expect(await question.textContent()).toContain("LOG_LEVEL");
      expect(await page.getByLabel("Variable 1 value").inputValue()).toBe("info");
      await snap(page, "edit-08-env-overwrite-warning");
      await expectAccessible(page, "edit-08-env-overwrite-warning");
      await question.getByRole("button", { name: "Replace 1 value" }).click();
      expect(await page.getByLabel("Variable 1 value").inputValue()).toBe("debug");
      await page.getByRole("button", { name: "Discard changes" }).click();

      // The edit form: leaving asks first; Back/Forward and a reload keep the draft.
      await page.getByRole("link", { name: "Edit", exact: true }).click();
      await page.waitForURL(/\/apps\/api\/edit$/);
      const form = page.getByRole("form", { name: "Edit api" });
      await form.getByLabel("Image", { exact: true }).fill("nginx:1.28");
      await page.goBack();
      await page.getByRole("alertdialog", { name: "Unsaved changes" }).waitFor();
      await snap(page, "edit-09-leave-question");
      await expectAccessible(page, "edit-09-leave-question");
      await page.getByRole("button", { name: "Leave", exact: true }).click();
      await page.waitForURL(/\/apps\/api\?tab=environment$/);
      await page.goForward();
      await form.getByText(/Draft restored/).waitFor();
      expect(await form.getByLabel("Image", { exact: true }).inputValue()).toBe("nginx:1.28");
      await page.reload();
      await form.getByText(/Draft restored/).waitFor();
      expect(await form.getByLabel("Image", { exact: true }).inputValue()).toBe("nginx:1.28");

      // The session ends (cookies gone); signing in again continues where it was, draft included.
      await context.clearCookies();
      await page.reload();
      await page.waitForURL(/\/login/);
      await signIn(page, "grace@example.com");
      await page.waitForURL(/\/apps\/api\/edit$/);
      await form.getByText(/Draft restored/).waitFor();
      expect(await form.getByLabel("Image", { exact: true }).inputValue()).toBe("nginx:1.28");
      await snap(page, "edit-10-draft-restored-after-sign-in");
      await expectAccessible(page, "edit-10-draft-restored-after-sign-in");

      // Discarding forgets it; signing out leaves no draft of this person on the browser.
      await form.getByRole("button", { name: "Discard" }).click();
      expect(await form.getByLabel("Image", { exact: true }).inputValue()).toBe("nginx:1.27");
      await form.getByLabel("Image", { exact: true }).fill("nginx:1.29");
      await page.waitForFunction(() =>
        Object.keys(localStorage).some((key) => key.startsWith("babyhelm.draft")),
      );
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(/\/login/);
      expect(
        await page.evaluate(() =>
          Object.keys(localStorage).filter((key) => key.startsWith("babyhelm.draft")),
        ),
      ).toEqual([]);
      await context.close();
    },
  );
});
