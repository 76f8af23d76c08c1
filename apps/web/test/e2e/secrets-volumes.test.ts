// Secrets and volumes in Chromium against the real server (PGlite, the sandbox cluster), on default@2.1: a secret set
// at deploy is masked everywhere after (the page's HTML never holds its value), changing it changes its fingerprint,
// rolling back brings the first fingerprint back; a persistent volume added in the edit form (with the ReadWriteOnce
// warning), kept when the app is deleted, listed on the project page and deleted there. Every step is photographed
// and checked with axe.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  expectAccessible,
  hasChromium,
  openPage,
  register,
  SKIP_MESSAGE,
  snap,
  useStack,
} from "./harness.js";

if (!hasChromium) console.warn(SKIP_MESSAGE);

const FIRST = "first-secret-value-7319";
const SECOND = "second-secret-value-4482";

describe.skipIf(!hasChromium)("secrets and volumes in Chromium", () => {
  const stack = useStack();

  const statusCard = (page: Page) => page.getByRole("region", { name: "Status" });
  const tabs = (page: Page) => page.getByRole("navigation", { name: "App sections" });

  async function waitForState(page: Page, state: string) {
    await statusCard(page).getByText(state, { exact: true }).waitFor({ timeout: 60_000 });
  }

  async function toast(page: Page, text: string | RegExp) {
    await page.getByRole("status").filter({ hasText: text }).first().waitFor();
  }

  /** The fingerprint the Environment tab shows for the first variable (a saved secret). */
  async function fingerprint(page: Page): Promise<string> {
    const line = page.locator(".env-secret-saved").first();
    await line.waitFor();
    const match = /fingerprint ([0-9a-f]{8})/.exec((await line.textContent()) ?? "");
    expect(match, "the saved secret's line names its fingerprint").not.toBeNull();
    return match![1]!;
  }

  async function expectNoSecretValue(page: Page) {
    const html = await page.content();
    expect(html).not.toContain(FIRST);
    expect(html).not.toContain(SECOND);
  }

  it(
    "sets, masks, changes and rolls back a secret; keeps a volume when the app goes and deletes it later",
    { timeout: 240_000 },
    async () => {
      const { context, page } = await openPage(stack(), "secrets");
      await register(page, "ada@example.com");
      await page.getByRole("button", { name: "New project" }).click();
      await page.getByLabel("Project name").fill("stash");
      await page.getByRole("button", { name: "Create project" }).click();
      await page.waitForURL(/\/projects\/stash$/);

      // A new app on default@2.1 with a secret variable: the value is typed into a password field.
      await page.goto("/projects/stash/apps/new");
      const form = page.getByRole("form", { name: "New app" });
      expect(await form.getByLabel("Version").inputValue()).toBe("default@2.1.0");
      await form.getByLabel("App name").fill("web");
      await form.getByLabel("Image", { exact: true }).fill("nginxinc/nginx-unprivileged:1.27");
      await form.getByRole("button", { name: "Add variable" }).click();
      await form.getByLabel("Variable 1 name").fill("DB_PASSWORD");
      await form.getByLabel("Secret (variable 1)").check();
      const value = form.getByLabel("Variable 1 value");
      expect(await value.getAttribute("type")).toBe("password");
      await value.fill(FIRST);
      // The preview names the secret, never its value.
      await page
        .getByRole("region", { name: "Manifest preview" })
        .getByText(/DB_PASSWORD/)
        .first()
        .waitFor();
      await snap(page, "secrets-01-new-app-with-secret");
      await expectAccessible(page, "secrets-01-new-app-with-secret");
      // Nothing of the value is kept on the browser, where drafts live.
      const stored = await page.evaluate(() =>
        Array.from({ length: localStorage.length }, (_unused, index) =>
          localStorage.getItem(localStorage.key(index) ?? ""),
        ).join("\n"),
      );
      expect(stored).toContain("DB_PASSWORD");
      expect(stored).not.toContain(FIRST);
      await form.getByRole("button", { name: "Deploy", exact: true }).click();
      await page.waitForURL(/\/apps\/web$/);
      await waitForState(page, "Ready");
      await expectNoSecretValue(page);

      // The Environment tab: the secret masked, who set it and its fingerprint.
      await tabs(page).getByRole("link", { name: "Environment" }).click();
      const saved = page.getByLabel("Variable 1 value");
      await saved.waitFor();
      expect(await saved.getAttribute("type")).toBe("password");
      expect(await saved.inputValue()).toBe("");
      expect(await saved.getAttribute("placeholder")).toBe("unchanged");
      await page.getByText(/set by ada@example\.com at .* · fingerprint [0-9a-f]{8}/).waitFor();
      const firstPrint = await fingerprint(page);
      await expectNoSecretValue(page);
      await snap(page, "secrets-02-masked");
      await expectAccessible(page, "secrets-02-masked");

      // Typing a value replaces it on save: a new revision, a new fingerprint, still no value on the page.
      await saved.fill(SECOND);
      await page.getByRole("button", { name: "Save variables" }).click();
      await toast(page, "Variables saved: revision 2 of web is rolling out.");
      await page.getByText("revision 2 · pack").waitFor();
      await expect.poll(async () => fingerprint(page), { timeout: 30_000 }).not.toBe(firstPrint);
      const secondPrint = await fingerprint(page);
      expect(await page.getByLabel("Variable 1 value").inputValue()).toBe("");
      await waitForState(page, "Ready");
      await expectNoSecretValue(page);
      await snap(page, "secrets-03-changed");
      await expectAccessible(page, "secrets-03-changed");

      // Rolling back to revision 1 brings its secret back: the first fingerprint again.
      await tabs(page).getByRole("link", { name: "Revisions" }).click();
      const revisions = page.getByRole("list", { name: "Revisions of web" });
      // Revision 2 says which secret changed, by name only.
      await revisions
        .getByRole("listitem")
        .filter({ hasText: "Revision 2" })
        .getByText(/secret DB_PASSWORD changed/)
        .first()
        .waitFor();
      const first = revisions.getByRole("listitem").filter({ hasText: "Revision 1" });
      await first.getByRole("button", { name: "Roll back" }).click();
      await first.getByRole("button", { name: "Roll back", exact: true }).click();
      await toast(page, "Rolled back to revision 1: revision 3 of web is rolling out.");
      await revisions.getByRole("listitem").filter({ hasText: "Revision 3" }).getByText("current").waitFor();
      await waitForState(page, "Ready");
      await expectNoSecretValue(page);
      await snap(page, "secrets-04-rolled-back");
      await expectAccessible(page, "secrets-04-rolled-back");
      await tabs(page).getByRole("link", { name: "Environment" }).click();
      await expect.poll(async () => fingerprint(page), { timeout: 30_000 }).toBe(firstPrint);
      expect(firstPrint).not.toBe(secondPrint);

      // A persistent volume, added in the edit form: two replicas with ReadWriteOnce is a warning, not an error.
      await page.goto("/projects/stash/apps/web/edit");
      const edit = page.getByRole("form", { name: "Edit web" });
      await edit.getByRole("button", { name: "Add persistent volume" }).click();
      const volume = edit.getByRole("group", { name: "Volume 1 (persistent)" });
      await volume.getByLabel("Volume name").fill("data");
      await volume.getByLabel("Mount path").fill("/var/lib/data");
      expect(await volume.getByLabel("Volume size").inputValue()).toBe("1Gi");
      await edit.getByLabel("Replicas", { exact: true }).fill("2");
      await edit.getByText(/Warning: 2 replicas with the ReadWriteOnce volume data/).waitFor();
      await snap(page, "secrets-05-volume-warning");
      await expectAccessible(page, "secrets-05-volume-warning");
      await edit.getByLabel("Replicas", { exact: true }).fill("1");
      await edit.getByText(/Warning: 2 replicas/).waitFor({ state: "detached" });
      await edit.getByRole("button", { name: "Deploy revision 4" }).click();
      await page.waitForURL(/\/apps\/web$/);
      await waitForState(page, "Ready");
      const configuration = page.getByRole("region", { name: "Configuration" });
      await configuration.getByText("persistent, 1Gi, ReadWriteOnce").waitFor();
      await configuration.getByText("DB_PASSWORD").waitFor();
      await expectNoSecretValue(page);
      await snap(page, "secrets-06-volume-deployed");
      await expectAccessible(page, "secrets-06-volume-deployed");

      // Deleting the app asks whether to keep the volume; kept, the project page lists it.
      await page.goto("/projects/stash/apps/web?tab=settings");
      await page.getByLabel("Keep the volume's data: data (1Gi)").check();
      await page.getByLabel("Type web to confirm").fill("web");
      await snap(page, "secrets-07-delete-keeping-volume");
      await expectAccessible(page, "secrets-07-delete-keeping-volume");
      await page.getByRole("button", { name: "Delete app" }).click();
      await page.waitForURL(/\/projects\/stash$/);
      await toast(page, /Kept 1 volume/);
      const kept = page.getByRole("region", { name: "Kept volumes" });
      const row = kept.getByRole("row").filter({ hasText: "web-data" });
      await row.getByText("web", { exact: true }).waitFor();
      await snap(page, "secrets-08-kept-volume");
      await expectAccessible(page, "secrets-08-kept-volume");

      // Deleting it there, confirmed in place.
      await row.getByRole("button", { name: "Delete volume web-data" }).click();
      await kept.getByRole("button", { name: "Delete volume", exact: true }).click();
      await toast(page, "Volume web-data and its data were deleted.");
      await kept.waitFor({ state: "detached" });
      await snap(page, "secrets-09-volume-deleted");
      await expectAccessible(page, "secrets-09-volume-deleted");
      await context.close();
    },
  );
});
