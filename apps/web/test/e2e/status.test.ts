// What an app's page says about its state, in Chromium against the real server (PGlite, the sandbox cluster with
// pods that take 2 s to become ready, so a restart's update can be seen): a restart reads as updating with the old
// pods serving, in agreement with the pods listed; the overview shows the configuration and the in-cluster address;
// logs download; a crash-looping app (a crash.example image) is explained in plain words with its last lines, no
// Restart or Redeploy, and its previous container's logs; a second person looking at an app the first deletes is told.
import { readFile } from "node:fs/promises";
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

const READY_DELAY_MS = 2_000;

if (!hasChromium) console.warn(SKIP_MESSAGE);

/** A tRPC mutation from the page, as the signed-in person: the deploy form is not what this file is about. */
async function mutate(page: Page, path: string, input: unknown): Promise<void> {
  const status = await page.evaluate(
    async ({ path, input }) => {
      const response = await fetch(`/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(input),
      });
      return response.status;
    },
    { path, input },
  );
  expect(status, `${path} answered ${status}`).toBe(200);
}

const statusCard = (page: Page) => page.getByRole("region", { name: "Status" });

async function waitForState(page: Page, state: string, timeout = 60_000): Promise<void> {
  await statusCard(page).locator(".state-badge").getByText(state, { exact: true }).waitFor({ timeout });
}

describe.skipIf(!hasChromium)("app status in Chromium", () => {
  const stack = useStack({ sandboxReadyDelayMs: READY_DELAY_MS });

  it(
    "restarts as an update with N serving, shows the configuration, downloads logs, explains a crash loop, and tells a watcher of a deletion",
    { timeout: 150_000 },
    async () => {
      const { context, page } = await openPage(stack(), "status");
      const watcherSession = await openPage(stack(), "status-watcher");
      const watcher = watcherSession.page;
      await register(page, "cy@example.com");
      await register(watcher, "di@example.com");
      await mutate(page, "projects.create", { name: "ops" });
      await mutate(page, "members.add", { project: "ops", email: "di@example.com", role: "viewer" });
      await mutate(page, "apps.create", {
        project: "ops",
        name: "web",
        spec: { image: "nginx:1.27", ports: [{ port: 80 }], replicas: 2 },
      });

      // The overview: how the app is configured, and where other apps of the cluster reach it.
      await page.goto("/projects/ops/apps/web");
      await waitForState(page, "Ready");
      const configuration = page.getByRole("region", { name: "Configuration" });
      await configuration.getByText("web.ops.svc.cluster.local").waitFor();
      expect(await configuration.textContent()).toContain("nginx:1.27");
      await configuration.getByRole("button", { name: "Copy address" }).waitFor();
      await snap(page, "status-01-configuration");
      await expectAccessible(page, "status-01-configuration");

      // A rolling restart: "Updating: 2 serving", and the pods listed say the same at the same moment.
      await page.getByRole("button", { name: "Restart" }).click();
      await page
        .getByRole("group", { name: /Restart every pod of web/ })
        .getByRole("button", { name: "Restart" })
        .click();
      await statusCard(page)
        .getByText(/^Updating: 2 serving/)
        .waitFor({ timeout: 30_000 });
      // One read of the page's DOM: the message, the pods' header and rows from one render.
      const moment = await page.evaluate(() => {
        // Pods shutting down no longer serve, whatever their readiness said last.
        const rows = [...document.querySelectorAll(".pods-table tbody tr")].filter(
          (row) => !row.textContent?.includes("Terminating"),
        );
        return {
          message: document.querySelector(".status-message")?.textContent ?? "",
          header: document.querySelector("#pods-title")?.parentElement?.textContent ?? "",
          readyOld: rows.filter(
            (row) =>
              row.textContent?.includes("previous revision") && row.querySelector(".pod-ready") !== null,
          ).length,
          readyAll: rows.filter((row) => row.querySelector(".pod-ready") !== null).length,
          live: document.querySelector('.status-card [role="status"]')?.textContent ?? "",
        };
      });
      const serving = Number(/^Updating: (\d+) serving/.exec(moment.message)?.[1]);
      expect(serving).toBe(2);
      expect(moment.header).toContain(`${serving} serving`);
      expect(moment.readyAll).toBe(serving);
      expect(moment.readyOld).toBeGreaterThan(0);
      // The live region speaks of the state, not of each replica on its way.
      expect(moment.live).toBe("Status: Deploying");
      await snap(page, "status-02-restart-updating");
      await waitForState(page, "Ready");
      await statusCard(page).getByText("2/2 replicas ready").waitFor();

      // Logs: not a live region unless asked; what is shown downloads as app-pod-date.log.
      const tabs = page.getByRole("navigation", { name: "App sections" });
      await tabs.getByRole("link", { name: "Logs" }).click();
      const log = page.getByRole("log");
      await log.locator(".log-line").first().waitFor();
      expect(await log.getAttribute("aria-live")).toBe("off");
      await page.getByLabel("Announce new lines (screen readers)").check();
      expect(await log.getAttribute("aria-live")).toBe("polite");
      const downloading = page.waitForEvent("download");
      await page.getByRole("button", { name: "Download" }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toMatch(/^web-all-pods-\d{4}-\d{2}-\d{2}\.log$/);
      const saved = await readFile(await download.path(), "utf8");
      expect(saved.split("\n").filter((line) => line !== "").length).toBeGreaterThan(0);
      await snap(page, "status-03-logs");
      await expectAccessible(page, "status-03-logs");

      // A crash loop, in plain words, with the crashed container's last lines; Restart and Redeploy cannot help.
      await mutate(page, "apps.create", {
        project: "ops",
        name: "crashy",
        spec: { image: "crash.example/app:1", ports: [{ port: 8080 }] },
      });
      await page.goto("/projects/ops/apps/crashy");
      await waitForState(page, "Failed");
      await statusCard(page)
        .locator(".status-message")
        .getByText(/^Container "\w+" keeps crashing: it exited with code 1 \(Error\)/)
        .waitFor();
      const crashLines = statusCard(page).getByLabel("Last lines before the crash");
      await crashLines.getByText(/FATAL .*exiting with status 1/).waitFor();
      const details = statusCard(page).locator("details.problem-details");
      expect(await details.getAttribute("open")).toBeNull();
      await details.getByText("Details from the cluster").click();
      await details.getByText(/^CrashLoopBackOff: back-off/).waitFor();
      for (const name of ["Restart", "Redeploy"]) {
        expect(await page.getByRole("button", { name, exact: true }).count()).toBe(0);
      }
      await snap(page, "status-04-crash-loop");
      await expectAccessible(page, "status-04-crash-loop");

      // The previous container's logs: what it wrote before it stopped.
      await tabs.getByRole("link", { name: "Logs" }).click();
      await page.getByRole("button", { name: "Previous container" }).click();
      expect(
        await page.getByRole("button", { name: "Previous container" }).getAttribute("aria-pressed"),
      ).toBe("true");
      await page
        .getByRole("log", { name: /previous container/ })
        .getByText(/FATAL .*exiting with status 1/)
        .waitFor();
      await snap(page, "status-05-previous-logs");
      await expectAccessible(page, "status-05-previous-logs");

      // Someone else has the app open when it is deleted: their page says so, by whom, with the way back.
      await watcher.goto("/projects/ops/apps/web");
      await waitForState(watcher, "Ready");
      await mutate(page, "apps.delete", { project: "ops", name: "web" });
      await watcher
        .getByRole("heading", { level: 1, name: "This app was deleted" })
        .waitFor({ timeout: 40_000 });
      expect(await watcher.getByRole("alert").first().textContent()).toContain(
        "The app web was deleted by cy@example.com",
      );
      await watcher.getByRole("link", { name: "See the apps of ops" }).waitFor();
      expect(await watcher.getByText("Ready", { exact: true }).count()).toBe(0);
      await snap(watcher, "status-06-deleted-for-watcher");
      await expectAccessible(watcher, "status-06-deleted-for-watcher");

      await watcherSession.context.close();
      await context.close();
    },
  );
});
