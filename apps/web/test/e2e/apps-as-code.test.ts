// Apps as code in Chromium: "Deploy from YAML" creates an app from a pasted document, "Export as YAML" downloads
// the same document, which uploaded back is up to date; an edited one shows its diff and becomes a new revision.
import { readFileSync } from "node:fs";
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

describe.skipIf(!hasChromium)("apps as code in Chromium", () => {
  const stack = useStack();

  const documentField = (page: Page) => page.getByLabel("App document", { exact: true });
  const plan = (page: Page) => page.getByRole("region", { name: /^(New app|Changes to|web is up to date)/ });

  it(
    "deploys from pasted YAML, exports it, finds the export up to date, and applies an edit with its diff",
    { timeout: 180_000 },
    async () => {
      const { page } = await openPage(stack(), "as-code");
      await register(page, "yaml@example.com");
      await page.getByRole("button", { name: "New project" }).click();
      await page.getByLabel("Project name").fill("shop");
      await page.getByRole("button", { name: "Create project" }).click();
      await page.waitForURL(/\/projects\/shop$/);

      await page.getByRole("link", { name: "Deploy from YAML" }).click();
      await page.waitForURL(/\/projects\/shop\/deploy-yaml$/);
      // Not an app document: each wrong field is named.
      await documentField(page).fill("- web\n");
      await page.getByRole("button", { name: "Preview" }).click();
      await page
        .getByRole("alert")
        .getByText("expected a mapping ({ name, pack, spec }), received a list")
        .waitFor();

      await documentField(page).fill("name: web\nspec:\n  image: nginx:1.27\n  ports:\n    - port: 80\n");
      await page.getByRole("button", { name: "Preview" }).click();
      await plan(page).getByRole("heading", { name: "New app web" }).waitFor();
      expect(await plan(page).getByRole("group", { name: "What changes in web" }).innerText()).toMatch(
        /^\+ Deployment\/web .*added$/m,
      );
      await snap(page, "as-code-01-new-app-preview");
      await expectAccessible(page, "as-code-01-new-app-preview");
      await page.getByRole("button", { name: "Create web" }).click();
      await page.waitForURL(/\/projects\/shop\/apps\/web$/);

      await page.getByText("Export as YAML", { exact: true }).click();
      const shown = await page.getByRole("group", { name: "web as YAML" }).innerText();
      expect(shown).toMatch(/^name: web\npack: \S+@\d+\.\d+\.\d+\nspec:\n {2}image: nginx:1\.27\n/m);
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: "Download web.yaml" }).click(),
      ]);
      expect(download.suggestedFilename()).toBe("web.yaml");
      const downloaded = await download.path();
      const exported = readFileSync(downloaded, "utf8");
      expect(exported.trimEnd()).toBe(shown.trimEnd());
      await snap(page, "as-code-02-export");
      await expectAccessible(page, "as-code-02-export");

      // The export, uploaded back: nothing to deploy.
      await page.goto("/projects/shop/deploy-yaml");
      await page.getByLabel("Upload a file").setInputFiles(downloaded);
      await expect.poll(() => documentField(page).inputValue()).toBe(exported);
      await page.getByRole("button", { name: "Preview" }).click();
      await plan(page).getByRole("heading", { name: "web is up to date (revision 1)" }).waitFor();

      // Edited: the diff, then a new revision.
      await documentField(page).fill(exported.replace("nginx:1.27", "nginx:1.28"));
      await page.getByRole("button", { name: "Preview" }).click();
      await plan(page).getByRole("heading", { name: "Changes to web (now at revision 1)" }).waitFor();
      expect(await plan(page).getByRole("group", { name: "What changes in web" }).innerText()).toContain(
        '"nginx:1.27" -> "nginx:1.28"',
      );
      await snap(page, "as-code-03-edit-diff");
      await expectAccessible(page, "as-code-03-edit-diff");
      await page.getByRole("button", { name: "Apply as a new revision" }).click();
      await page.waitForURL(/\/projects\/shop\/apps\/web$/);
      await page.getByText(/revision 2 · pack/).waitFor();
      await page.getByText("nginx:1.28", { exact: true }).first().waitFor();
    },
  );
});
