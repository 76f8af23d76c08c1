// Packs the operator adds (BABYHELM_PACKS: the example packs worker@1 and cron@1) deployed from the dashboard, in
// Chromium against the real server: neither fits the dedicated app form (a worker has no ports, a CronJob needs its
// schedule), so each gets the form made from its JSON Schema. A bad schedule shows the server's words under the
// field; both apps reach ready. Every step is photographed.
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

describe.skipIf(!hasChromium)("operator packs in Chromium", () => {
  const stack = useStack({
    packModules: ["@babyhelm-examples/pack-worker", "@babyhelm-examples/pack-cron"],
  });

  const statusCard = (page: Page) => page.getByRole("region", { name: "Status" });

  async function openDeployForm(page: Page, project: string, pack: string): Promise<void> {
    await page.goto(`/projects/${project}/apps/new`);
    await page.getByLabel("Pack", { exact: true }).selectOption(pack);
    await page.getByRole("group", { name: `Settings of ${pack}@1.0.0` }).waitFor();
  }

  it(
    "deploys a worker@1 and a cron@1 app through the generic form; a bad schedule is explained inline",
    {
      timeout: 240_000,
    },
    async () => {
      const { page } = await openPage(stack(), "operator-packs");
      await register(page, "ops@example.com");
      await page.getByRole("button", { name: "New project" }).click();
      await page.getByLabel("Project name").fill("jobs");
      await page.getByRole("button", { name: "Create project" }).click();
      await page.waitForURL(/\/projects\/jobs$/);

      // worker@1: no ports to ask for; the form has the pack's own fields.
      await openDeployForm(page, "jobs", "worker");
      expect(await page.getByLabel("Port", { exact: true }).count()).toBe(0);
      await page.getByLabel("App name").fill("mailer");
      await page.locator("#root_image").fill("busybox:1.36");
      await page.locator("#root_replicas").fill("2");
      const preview = page.getByRole("region", { name: "Manifest preview" });
      await preview.getByText("The cluster accepts these objects (dry run).").waitFor();
      const yaml = await preview.getByLabel("Manifests as YAML").textContent();
      expect(yaml).toContain("kind: Deployment");
      expect(yaml).not.toContain("kind: Service");
      await snap(page, "operator-packs-01-worker-form");
      await page.getByRole("button", { name: "Deploy", exact: true }).click();
      await page.waitForURL(/\/projects\/jobs\/apps\/mailer$/);
      await statusCard(page).getByText("Ready", { exact: true }).waitFor({ timeout: 60_000 });
      // worker@1 describes an env list: the Environment tab is there.
      expect(await page.getByRole("link", { name: "Environment" }).count()).toBe(1);
      await snap(page, "operator-packs-02-worker-ready");

      // cron@1: a schedule the server refuses, said under the field in the server's words.
      await openDeployForm(page, "jobs", "cron");
      await page.getByLabel("App name").fill("report");
      await page.locator("#root_image").fill("busybox:1.36");
      await page.locator("#root_schedule").fill("every day");
      await page.getByRole("button", { name: "Deploy", exact: true }).click();
      const scheduleError = page.locator("#root_schedule__error");
      await scheduleError.getByText(/five cron fields/).waitFor();
      expect(await page.locator("#root_schedule").getAttribute("aria-describedby")).toContain(
        "root_schedule__error",
      );
      expect(page.url()).toMatch(/\/apps\/new$/);
      await snap(page, "operator-packs-03-cron-bad-schedule");
      await expectAccessible(page, "operator-packs-03-cron-bad-schedule");

      await page.locator("#root_schedule").fill("*/5 * * * *");
      await scheduleError.waitFor({ state: "detached" });
      await page.getByRole("button", { name: "Deploy", exact: true }).click();
      await page.waitForURL(/\/projects\/jobs\/apps\/report$/);
      await statusCard(page)
        .getByText(/Runs on the schedule/)
        .waitFor({ timeout: 60_000 });
      await statusCard(page).getByText("Ready", { exact: true }).waitFor({ timeout: 60_000 });
      // cron@1 describes an env list too; the app's spec keeps the schedule.
      expect(await page.getByRole("link", { name: "Environment" }).count()).toBe(1);
      await snap(page, "operator-packs-04-cron-ready");

      // The edit page of a cron app is the generic form too, filled from the running revision, with a diff.
      await page.goto("/projects/jobs/apps/report/edit");
      await expect.poll(() => page.locator("#root_schedule").inputValue()).toBe("*/5 * * * *");
      await page.locator("#root_schedule").fill("@hourly");
      await preview
        .getByText(/@hourly/)
        .first()
        .waitFor();
      await snap(page, "operator-packs-05-cron-edit");
      await page.getByRole("button", { name: "Deploy revision 2", exact: true }).click();
      await page.waitForURL(/\/projects\/jobs\/apps\/report$/);
      await statusCard(page)
        .getByText(/Runs on the schedule "@hourly"/)
        .waitFor({ timeout: 60_000 });
    },
  );
});
