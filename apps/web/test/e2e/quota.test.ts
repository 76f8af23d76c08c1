// Quotas in Chromium against the real server (PGlite) and the sandbox, which enforces ResourceQuota like a cluster:
// in a default@2 project (CPU requests capped at 4 cores), the deploy form warns that 20 replicas × 500m will not
// fit; deployed anyway, only 8 pods start, the app page shows the quota's refusal, and the project page's usage stays
// truthful (at most 4 cores).
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

describe.skipIf(!hasChromium)("quotas in Chromium", () => {
  const stack = useStack();

  async function createProject(page: Page, name: string): Promise<void> {
    await page.getByRole("button", { name: "New project" }).click();
    await page.getByLabel("Project name").fill(name);
    await page.getByRole("button", { name: "Create project" }).click();
    await page.waitForURL(new RegExp(`/projects/${name}$`));
  }

  async function runningPods(namespace: string): Promise<number> {
    const pods = await stack().server.services.cluster.list("v1", "Pod", { namespace });
    return pods.filter((pod) => (pod as { status?: { phase?: string } }).status?.phase === "Running").length;
  }

  it(
    "warns in the deploy form, starts only the pods that fit, and shows which quota refused the rest",
    { timeout: 120_000 },
    async () => {
      const { page } = await openPage(stack(), "quota");
      await register(page, "ada@example.com");
      await createProject(page, "budget");
      const [quota] = await stack().server.services.cluster.list("v1", "ResourceQuota", {
        namespace: "budget",
      });
      const quotaName = quota!.metadata.name;
      expect((quota as { spec?: { hard?: Record<string, string> } }).spec?.hard?.["requests.cpu"]).toBe("4");

      // The form: 20 replicas of 500m need 10 cores; the project has 4.
      await page.getByRole("link", { name: "Deploy app" }).click();
      await page.waitForURL(/\/projects\/budget\/apps\/new$/);
      await page.getByLabel("App name").fill("load");
      await page.getByLabel("Image", { exact: true }).fill("nginx:1.27");
      await page.getByLabel("Port", { exact: true }).fill("80");
      await page.getByLabel("Replicas", { exact: true }).fill("20");
      await page.getByLabel("CPU request", { exact: true }).fill("500m");
      const budget = page.getByRole("region", { name: "Quota budget" });
      const warning = budget.getByRole("status").filter({ hasText: "CPU requests" });
      await warning.waitFor();
      expect(await warning.textContent()).toBe(
        `This needs 10 cores of CPU requests; the project has 4 of 4 cores left: only 8 of 20 pods will start (quota "${quotaName}"). Lower the replicas or the requests, or raise the quota.`,
      );
      await snap(page, "quota-01-form-warning");
      await expectAccessible(page, "quota-01-form-warning");

      // Deployed anyway: the cluster admits 8 pods and refuses the rest with the quota's reason.
      await page.getByRole("button", { name: "Deploy", exact: true }).click();
      await page.waitForURL(/\/projects\/budget\/apps\/load$/);
      await expect.poll(() => runningPods("budget"), { timeout: 30_000 }).toBe(8);
      const events = page.getByRole("region", { name: "Events" });
      const refusal = events.getByText(/exceeded quota/).first();
      await refusal.waitFor({ timeout: 30_000 });
      const text = (await refusal.textContent()) ?? "";
      expect(text).toContain(
        `exceeded quota: ${quotaName}, requested: requests.cpu=500m, used: requests.cpu=4, limited: requests.cpu=4`,
      );
      await events.getByText("FailedCreate").first().waitFor();
      // The status says in plain words which quota stopped the rollout, and offers no Restart: it would ask again.
      await page
        .locator(".status-message")
        .getByText(`The project's quota "${quotaName}" stopped the rollout`)
        .waitFor({ timeout: 30_000 });
      expect(await page.getByRole("button", { name: "Restart", exact: true }).count()).toBe(0);
      await snap(page, "quota-02-app-refused");
      await expectAccessible(page, "quota-02-app-refused");
      expect(await runningPods("budget")).toBe(8);

      // The project page reads the quota's own status: 4 of 4 cores, not the 10 the spec asks for.
      await page.goto("/projects/budget");
      const meters = page.getByRole("list", { name: `Quota ${quotaName}` });
      await meters.getByText("CPU requests: 4 of 4 cores").waitFor({ timeout: 30_000 });
      await meters.getByText("Pods: 8 of 50").waitFor();
      await snap(page, "quota-03-project-usage");
      await expectAccessible(page, "quota-03-project-usage");
    },
  );
});
