// Deploying and running apps from the dashboard, in Chromium against the real server (PGlite, the sandbox cluster
// with pods that take 2.5 s to become ready, so the rollout's progress can be seen on a busy machine too): deploy, watch the rollout,
// change a variable, roll back, restart, share read-only, see an image pull fail, delete. Every step is
// photographed, and the apps pages at desktop and phone width, for a person to look at.
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

// The app page must show its first status within this much of the deploy: CI runs this beside other suites.
const READY_DELAY_MS = 2_500;

if (!hasChromium) console.warn(SKIP_MESSAGE);

describe.skipIf(!hasChromium)("apps in Chromium", () => {
  const stack = useStack({ sandboxReadyDelayMs: READY_DELAY_MS });

  const newPage = (viewport = DESKTOP) => openPage(stack(), "apps", viewport);

  async function createProject(page: Page, name: string): Promise<void> {
    await page.getByRole("button", { name: "New project" }).click();
    await page.getByLabel("Project name").fill(name);
    await page.getByRole("button", { name: "Create project" }).click();
    await page.waitForURL(new RegExp(`/projects/${name}$`));
  }

  /** Fills the deploy form's essentials; the caller submits. */
  async function fillNewApp(page: Page, name: string, image: string): Promise<void> {
    await page.getByLabel("App name").fill(name);
    await page.getByLabel("Image", { exact: true }).fill(image);
    await page.getByLabel("Port", { exact: true }).fill("80");
  }

  const statusCard = (page: Page) => page.getByRole("region", { name: "Status" });

  /** Waits until the app reports `state`, and returns the progress bar's values then. */
  async function waitForState(page: Page, state: string, timeout = 60_000) {
    await statusCard(page).getByText(state, { exact: true }).waitFor({ timeout });
    const bar = page.getByRole("progressbar");
    return {
      now: Number(await bar.getAttribute("aria-valuenow")),
      max: Number(await bar.getAttribute("aria-valuemax")),
      text: await bar.getAttribute("aria-valuetext"),
    };
  }

  const toast = (page: Page, text: string | RegExp) =>
    page.locator(".toasts").getByText(text).waitFor({ timeout: 15_000 });

  it(
    "deploys nginx, watches it roll out, changes a variable, rolls back, shares it read-only, fails a pull, deletes",
    { timeout: 240_000 },
    async () => {
      const { context, page } = await newPage();
      const viewerSession = await newPage();
      const viewer = viewerSession.page;
      await register(page, "ada@example.com");
      await register(viewer, "bo@example.com");

      // A project, and the deploy form from its Applications tab.
      await createProject(page, "shop");
      await page.getByRole("link", { name: "Deploy app" }).click();
      await page.waitForURL(/\/projects\/shop\/apps\/new$/);
      await fillNewApp(page, "web", "nginx:1.27");
      await page.getByLabel("Replicas", { exact: true }).fill("2");
      await page.getByRole("button", { name: "Paste a .env block" }).click();
      await page
        .getByLabel("Paste .env lines")
        .fill("# settings\nexport LOG_LEVEL=info\nGREETING='hello = world'");
      await page.getByRole("button", { name: "Add variables" }).click();
      await page.getByText("Added 2 variables.").waitFor();
      // The live preview renders what will be applied, from the server.
      const preview = page.getByRole("region", { name: "Manifest preview" });
      await page.locator('.manifest-preview[aria-busy="false"]').waitFor();
      await preview.getByText("The cluster accepts these objects (dry run).").waitFor();
      const yaml = await preview.getByLabel("Manifests as YAML").textContent();
      expect(yaml).toContain("kind: Deployment");
      expect(yaml).toContain("image: nginx:1.27");
      expect(yaml).toContain("replicas: 2");
      expect(yaml).toContain("value: hello = world");
      await snap(page, "apps-01-new-app-form");
      await expectAccessible(page, "apps-01-new-app-form");

      // Deploying opens the app's page, where the rollout shows as it happens.
      await page.getByRole("button", { name: "Deploy", exact: true }).click();
      await page.waitForURL(/\/projects\/shop\/apps\/web$/);
      await page.getByRole("heading", { level: 1, name: "web" }).waitFor();
      const seen = new Set<string>();
      for (let attempt = 0; attempt < 200; attempt++) {
        const state = await statusCard(page).locator(".state-badge").textContent();
        const label = await page.getByRole("progressbar").getAttribute("aria-valuetext");
        seen.add(`${state} ${label}`);
        if (state === "Deploying" && !seen.has("snapped")) {
          seen.add("snapped");
          await snap(page, "apps-02-rolling-out");
        }
        if (state === "Ready") break;
        await page.waitForTimeout(50);
      }
      expect([...seen].some((entry) => entry.startsWith("Deploying"))).toBe(true);
      const ready = await waitForState(page, "Ready");
      expect(ready).toEqual({ now: 2, max: 2, text: "2 of 2 replicas ready" });
      await statusCard(page).getByText("2/2 replicas ready").waitFor();
      const pods = page.getByRole("table").filter({ hasText: "Restarts" });
      await pods.getByText("Running").first().waitFor();
      expect(await pods.locator("tbody tr").count()).toBe(2);
      await page.getByRole("region", { name: "Events" }).getByText("ScalingReplicaSet").first().waitFor();
      await snap(page, "apps-03-ready");
      await expectAccessible(page, "apps-03-ready");

      // Changing a variable makes revision 2, which rolls out in turn.
      const tabs = page.getByRole("navigation", { name: "App sections" });
      await tabs.getByRole("link", { name: "Environment" }).click();
      await page.getByLabel("Variable 1 name").waitFor();
      expect(await page.getByLabel("Variable 1 name").inputValue()).toBe("LOG_LEVEL");
      await page.getByLabel("Variable 1 value").fill("debug");
      await page.getByRole("button", { name: "Save variables" }).click();
      await toast(page, "Variables saved: revision 2 of web is rolling out.");
      await page.getByText("revision 2 · pack").waitFor();
      await waitForState(page, "Ready");
      await snap(page, "apps-04-env-saved");
      await expectAccessible(page, "apps-04-env-saved");

      // The revisions show what changed; rolling back to 1 makes revision 3 with revision 1's spec.
      await tabs.getByRole("link", { name: "Revisions" }).click();
      const revisions = page.getByRole("list", { name: "Revisions of web" });
      const second = revisions.getByRole("listitem").filter({ hasText: "Revision 2" });
      await second.getByText("current").waitFor();
      await second.getByRole("button", { name: "Show changes" }).click();
      expect(await second.getByLabel(/Changes of revision 2/).textContent()).toContain('"info" -> "debug"');
      await snap(page, "apps-05-revision-diff");
      await expectAccessible(page, "apps-05-revision-diff");
      const first = revisions.getByRole("listitem").filter({ hasText: "Revision 1" });
      await first.getByRole("button", { name: "Roll back" }).click();
      await first.getByRole("button", { name: "Roll back", exact: true }).click();
      await toast(page, "Rolled back to revision 1: revision 3 of web is rolling out.");
      await revisions.getByRole("listitem").filter({ hasText: "Revision 3" }).getByText("current").waitFor();
      await waitForState(page, "Ready");
      await tabs.getByRole("link", { name: "Environment" }).click();
      expect(await page.getByLabel("Variable 1 value").inputValue()).toBe("info");
      await snap(page, "apps-06-rolled-back");

      // Restarting replaces the pods (confirmed first), and the page follows the new rollout.
      await page.getByRole("button", { name: "Restart" }).click();
      await page
        .getByRole("group", { name: /Restart every pod of web/ })
        .getByRole("button", { name: "Restart" })
        .click();
      await toast(page, /Restarting web/);
      await waitForState(page, "Ready");

      // Someone deletes the app's Service behind BabyHelm's back: the page says so and offers to redeploy.
      await stack().server.services.cluster.delete({
        apiVersion: "v1",
        kind: "Service",
        name: "web",
        namespace: "shop",
      });
      await page.reload();
      await waitForState(page, "Drifted");
      expect(await statusCard(page).locator(".status-message").textContent()).toContain(
        "was deleted outside BabyHelm",
      );
      await snap(page, "apps-06b-drifted");
      await expectAccessible(page, "apps-06b-drifted");
      await statusCard(page).getByRole("button", { name: "Redeploy" }).click();
      await toast(page, "Revision 3 of web was applied again.");
      await waitForState(page, "Ready");

      // A viewer sees the app and its history, but no control that changes it.
      await page.goto("/projects/shop/collaborators");
      const addForm = page.getByRole("form", { name: "Add a collaborator" });
      await addForm.getByLabel("Email").fill("bo@example.com");
      await addForm.getByLabel("Role").selectOption("viewer");
      await addForm.getByRole("button", { name: "Add collaborator" }).click();
      await toast(page, "bo@example.com was added to shop as a viewer.");

      await viewer.goto("/projects/shop");
      const apps = viewer.getByRole("list", { name: "Apps of shop" });
      await apps
        .getByRole("listitem")
        .filter({ hasText: "web" })
        .getByText("Ready", { exact: true })
        .waitFor();
      expect(await viewer.getByRole("link", { name: "Deploy app" }).count()).toBe(0);
      await snap(viewer, "apps-07-viewer-applications");
      await expectAccessible(viewer, "apps-07-viewer-applications");
      await apps.getByRole("link", { name: "web" }).click();
      await waitForState(viewer, "Ready");
      const viewerTabs = viewer.getByRole("navigation", { name: "App sections" });
      expect(await viewerTabs.getByRole("link").allTextContents()).toEqual([
        "Overview",
        "Environment",
        "Revisions",
        "Logs",
        "Metrics",
      ]);
      for (const control of ["Restart", "Redeploy", "Delete app"]) {
        expect(await viewer.getByRole("button", { name: control }).count()).toBe(0);
      }
      await viewerTabs.getByRole("link", { name: "Environment" }).click();
      await viewer.getByRole("cell", { name: "LOG_LEVEL" }).waitFor();
      expect(await viewer.getByRole("textbox").count()).toBe(0);
      expect(await viewer.getByRole("button", { name: "Save variables" }).count()).toBe(0);
      await viewerTabs.getByRole("link", { name: "Revisions" }).click();
      await viewer.getByRole("list", { name: "Revisions of web" }).getByText("Revision 3").waitFor();
      expect(await viewer.getByRole("button", { name: /Roll back/ }).count()).toBe(0);
      await snap(viewer, "apps-08-viewer-revisions");
      await expectAccessible(viewer, "apps-08-viewer-revisions");
      // Hiding the controls is not the protection: the server refuses the viewer's forced request.
      const forced = await viewer.evaluate(async () => {
        const response = await fetch("/trpc/apps.restart", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ project: "shop", name: "web" }),
        });
        return {
          status: response.status,
          body: (await response.json()) as { error?: { data?: { code?: string } } },
        };
      });
      expect(forced.status).toBe(403);
      expect(forced.body.error?.data?.code).toBe("FORBIDDEN");

      // An image that cannot be pulled: the rollout fails, and the page says why.
      await page.goto("/projects/shop/apps/new");
      await fillNewApp(page, "broken", "invalid.example/app:1");
      await page.getByRole("button", { name: "Deploy", exact: true }).click();
      await page.waitForURL(/\/apps\/broken$/);
      await waitForState(page, "Failed");
      const message = await statusCard(page).locator(".status-message").textContent();
      // In plain words first; the registry's own words are behind the status card's details toggle.
      expect(message).toContain(
        "The cluster cannot pull image invalid.example/app:1: check its name and tag",
      );
      await page
        .getByRole("table")
        .getByText(/ErrImagePull|ImagePullBackOff/)
        .first()
        .waitFor();
      await snap(page, "apps-09-pull-failed");
      await expectAccessible(page, "apps-09-pull-failed");

      // The project's list shows both apps with their states.
      await page.goto("/projects/shop");
      const list = page.getByRole("list", { name: "Apps of shop" });
      await list
        .getByRole("listitem")
        .filter({ hasText: "broken" })
        .getByText("Failed", { exact: true })
        .waitFor();
      await list
        .getByRole("listitem")
        .filter({ hasText: "web" })
        .getByText("Ready", { exact: true })
        .waitFor();
      await snap(page, "apps-10-applications");
      await expectAccessible(page, "apps-10-applications");

      // Deleting asks for the app's name; then the project can go too.
      for (const app of ["broken", "web"]) {
        await page.goto(`/projects/shop/apps/${app}?tab=settings`);
        const remove = page.getByRole("button", { name: "Delete app" });
        expect(await remove.isDisabled()).toBe(true);
        await page.getByLabel(`Type ${app} to confirm`).fill(app);
        if (app === "web") await snap(page, "apps-11-delete-confirm");
        await remove.click();
        await page.waitForURL(/\/projects\/shop$/);
        await toast(page, new RegExp(`App "${app}" was deleted`));
      }
      await page.getByRole("heading", { name: "No apps yet" }).waitFor();
      await page.goto("/projects/shop/settings");
      await page.getByLabel("Type shop to confirm").fill("shop");
      await page.getByRole("button", { name: "Delete project" }).click();
      await page.waitForURL(/\/projects$/);
      await page.getByRole("heading", { name: "No projects yet" }).waitFor();
      await snap(page, "apps-12-project-deleted");
      await viewerSession.context.close();
      await context.close();
    },
  );

  it("photographs the apps pages at desktop and phone width", { timeout: 120_000 }, async () => {
    const { context, page } = await newPage(DESKTOP);
    /** The same page at both widths: the layout follows the viewport, the data stays. */
    const shot = async (name: string) => {
      for (const [label, viewport] of [
        ["phone", PHONE],
        ["desktop", DESKTOP],
      ] as const) {
        await page.setViewportSize(viewport);
        // Two frames: the layout for the new width is painted.
        await page.evaluate(
          () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
        );
        await snap(page, `apps-${label}-${name}`);
        await expectAccessible(page, `apps-${label}-${name}`);
      }
    };
    await register(page, "photos@example.com");
    await createProject(page, "photos");
    await shot("01-applications-empty");

    await page.getByRole("link", { name: "Deploy app" }).click();
    await fillNewApp(page, "api", "ghcr.io/example/api:2.4.1");
    await page.getByRole("button", { name: "Add port" }).click();
    await page.getByRole("group", { name: "Port 2" }).getByLabel("Port", { exact: true }).fill("9090");
    await page.getByRole("button", { name: "Add variable" }).click();
    await page.getByLabel("Variable 1 name").fill("1NVALID");
    await page.getByLabel("Variable 1 value").fill("x");
    await page.getByLabel("Variable 1 name").blur();
    await page.getByLabel("CPU request").fill("250m");
    await page.getByLabel("Liveness check").selectOption("http");
    await page.getByLabel("Liveness path").fill("/healthz");
    // default@2.1 lists hosts: one added, with its own path and TLS.
    await page.getByRole("button", { name: "Add host" }).click();
    await page
      .getByRole("group", { name: "Host 1" })
      .getByLabel("Host", { exact: true })
      .fill("api.example.com");
    await page.getByRole("button", { name: "Deploy", exact: true }).click();
    // Refused in the browser first, then by the server's own rule about several ports.
    await page.getByText("Variable 1 name must be letters").waitFor();
    await page.getByLabel("Variable 1 name").fill("MODE");
    await page.getByRole("button", { name: "Deploy", exact: true }).click();
    await page.getByText("Port name is required when there is more than one port").first().waitFor();
    await shot("02-new-app-errors");
    await page.getByRole("group", { name: "Port 1" }).getByLabel("Port name").fill("http");
    await page.getByRole("group", { name: "Port 2" }).getByLabel("Port name").fill("metrics");
    await page.locator('.manifest-preview[aria-busy="false"]').waitFor();
    await page.getByRole("region", { name: "Manifest preview" }).getByText("kind: Ingress").waitFor();
    await shot("03-new-app-preview");
    await page.getByRole("button", { name: "Deploy", exact: true }).click();
    await page.waitForURL(/\/apps\/api$/);
    await waitForState(page, "Ready");
    await shot("04-app-overview");

    const tabs = page.getByRole("navigation", { name: "App sections" });
    await tabs.getByRole("link", { name: "Environment" }).click();
    await page.getByLabel("Variable 1 value").fill("production");
    await page.getByRole("button", { name: "Save variables" }).click();
    await toast(page, /revision 2 of api is rolling out/);
    await waitForState(page, "Ready");
    await shot("05-app-environment");
    await tabs.getByRole("link", { name: "Revisions" }).click();
    await page.getByRole("button", { name: "Show changes" }).first().click();
    await shot("06-app-revisions");
    await tabs.getByRole("link", { name: "Logs" }).click();
    await page.getByRole("log").locator(".log-line").first().waitFor();
    // Pausing freezes the view; search keeps only the lines that contain the text.
    await page.getByRole("button", { name: "Pause" }).click();
    await page.getByRole("button", { name: "Follow" }).waitFor();
    await page.getByLabel("Search").fill("INFO");
    await page.getByText(/lines? of \d+ contain “INFO”/).waitFor();
    const shown = await page.getByRole("log").locator(".log-line").allTextContents();
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((line) => line.includes("INFO"))).toBe(true);
    await shot("07-app-logs");
    await tabs.getByRole("link", { name: "Metrics" }).click();
    await page.getByRole("img", { name: /^CPU per pod over the last hour/ }).waitFor();
    await shot("08-app-metrics");
    await tabs.getByRole("link", { name: "Settings" }).click();
    await page.getByRole("button", { name: "Delete app" }).waitFor();
    await shot("09-app-settings");
    await page.goto("/projects/photos");
    await page.getByRole("list", { name: "Apps of photos" }).waitFor();
    await shot("10-applications");
    await context.close();
  });
});
