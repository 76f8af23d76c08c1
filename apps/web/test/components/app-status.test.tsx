// The app page's status against a fake server: problems in plain words with the cluster's words behind a toggle,
// no Restart or Redeploy where they cannot help, a live region that speaks on changes of state only, an app deleted
// while its page is open, the configuration on the overview, and the logs' file name.
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { logFileName } from "../../src/pages/app/app-logs.js";
import AppPage from "../../src/pages/app/app-page.js";
import { FakeError, type Handlers } from "../support/fake-api.js";
import { appDetails, type AppDetails } from "../support/fake-data.js";
import { renderWithApi } from "../support/render.js";

function openApp(procedures: Handlers) {
  return renderWithApi(<AppPage />, {
    path: "/projects/:name/apps/:app",
    route: "/projects/shop/apps/web",
    procedures,
  });
}

function withStatus(details: AppDetails, status: Partial<AppDetails["status"]>): AppDetails {
  return { ...details, status: { ...details.status, ...status } };
}

const pullFailure = withStatus(appDetails("editor", "failed"), {
  message: 'Image "invalid.example/app:1" cannot be pulled: rpc error: code = NotFound (ImagePullBackOff)',
  problem: {
    kind: "image-pull",
    summary:
      "The cluster cannot pull image invalid.example/app:1: check its name and tag; a private registry needs a pull secret.",
    next: "Change the image to one the cluster can pull. Restarting or redeploying pulls the same image again.",
    details: "rpc error: code = NotFound desc = failed to pull (ImagePullBackOff)",
    helps: { restart: false, redeploy: false },
  },
});

describe("app status", () => {
  it("says a failure in plain words first, the cluster's words behind a details toggle, and offers no useless action", async () => {
    const { user } = openApp({ "apps.get": () => pullFailure });
    const status = await screen.findByRole("region", { name: "Status" });
    expect(within(status).getByText(pullFailure.status.problem!.summary)).toBeTruthy();
    expect(within(status).getByText(/Change the image to one the cluster can pull/)).toBeTruthy();
    const details = status.querySelector("details")!;
    expect(details.open).toBe(false);
    await user.click(within(status).getByText("Details from the cluster"));
    expect(details.open).toBe(true);
    expect(within(details).getByText(/failed to pull/)).toBeTruthy();
    for (const name of [/^Restart/, /^Redeploy/]) expect(screen.queryByRole("button", { name })).toBeNull();
  });

  it("offers no image change for a quota, and does not say nothing serves while some pods do", async () => {
    const base = appDetails("editor", "failed");
    const quota = withStatus(base, {
      replicas: { ...base.status.replicas, serving: 8 },
      problem: {
        kind: "quota",
        summary:
          'The project\'s quota "compute" stopped the rollout: each pod asks for 500m CPU, and 4 of 4 cores are in use. 8 of 20 pods run.',
        next: "Lower the replicas or what each pod asks for (Edit), or ask whoever runs BabyHelm to raise the quota.",
        details: 'pods "web-x" is forbidden: exceeded quota: compute',
        helps: { restart: false, redeploy: false },
      },
    });
    openApp({ "apps.get": () => quota });
    const status = await screen.findByRole("region", { name: "Status" });
    await within(status).findByText(quota.status.problem!.summary);
    expect(within(status).queryByRole("form", { name: "Change the image" })).toBeNull();
    expect(within(status).queryByText(/Nothing serves yet/)).toBeNull();
    expect(screen.getByRole("link", { name: "Edit" })).toBeTruthy();
  });

  it("offers Restart and Redeploy where they may help, and shows a crashed container's last lines", async () => {
    const crashing = withStatus(appDetails("editor", "failed"), {
      problem: {
        kind: "crash-loop",
        summary:
          'Container "web" keeps crashing: it exited with code 1 (Error), and the cluster restarted it 3 times.',
        next: "Its last lines say why it stops.",
        details: "CrashLoopBackOff: back-off 40s",
        helps: { restart: false, redeploy: false },
        crash: {
          pod: "web-abc-1",
          container: "web",
          restarts: 3,
          exitCode: 1,
          lastLines: ["INFO starting", "FATAL cannot start without a database"],
        },
      },
    });
    openApp({ "apps.get": () => crashing });
    const lines = await screen.findByLabelText("Last lines before the crash");
    expect(lines.textContent).toBe("INFO starting\nFATAL cannot start without a database");
    expect(screen.queryByRole("button", { name: /^Restart/ })).toBeNull();

    const stalled = withStatus(appDetails("editor", "failed"), {
      problem: {
        kind: "progress-deadline",
        summary: "The rollout made no progress within its deadline.",
        next: "Look at the pods.",
        details: 'ReplicaSet "web-abc" has timed out progressing.',
        helps: { restart: true, redeploy: true },
      },
    });
    const second = openApp({ "apps.get": () => stalled });
    await within(second.container).findByRole("button", { name: /^Restart/ });
    expect(within(second.container).getByRole("button", { name: /^Redeploy/ })).toBeTruthy();
  });

  it("announces changes of state, not the progress of a rollout", async () => {
    let details = withStatus(appDetails("editor", "deploying"), {
      message: "Updating: 2 serving, 0/2 new replicas ready",
    });
    const { queryClient } = openApp({ "apps.get": () => details });
    const status = await screen.findByRole("region", { name: "Status" });
    const live = within(status).getByRole("status");
    expect(live.textContent).toBe("Status: Deploying");
    // The ticking line is outside the live region.
    expect(live.contains(within(status).getByText("Updating: 2 serving, 0/2 new replicas ready"))).toBe(
      false,
    );

    details = withStatus(details, {
      message: "Updating: 2 serving, 1/2 new replicas ready",
      progress: { done: 1, total: 2 },
    });
    await queryClient.invalidateQueries();
    await within(status).findByText("Updating: 2 serving, 1/2 new replicas ready");
    expect(live.textContent).toBe("Status: Deploying");

    details = withStatus(details, {
      state: "ready",
      message: "2/2 replicas ready",
      progress: { done: 2, total: 2 },
    });
    await queryClient.invalidateQueries();
    await waitFor(() => {
      expect(live.textContent).toBe("Status: Ready");
    });
  });

  it("says the app was deleted, by whom and when, when a read after loading finds it gone", async () => {
    let deleted = false;
    const { queryClient } = openApp({
      "apps.get": () => {
        if (deleted) {
          throw new FakeError("NOT_FOUND", 'App "web" of project "shop" was deleted by bo@example.com.', {
            deleted: { by: "bo@example.com", at: new Date(Date.now() - 60_000).toISOString() },
          });
        }
        return appDetails("viewer", "ready");
      },
    });
    await screen.findByRole("heading", { level: 1, name: "web" });
    deleted = true;
    // What the slow poll does.
    await queryClient.refetchQueries();
    await screen.findByRole("heading", { level: 1, name: "This app was deleted" });
    expect(screen.getByRole("alert").textContent).toMatch(
      /^The app web was deleted by bo@example\.com 1 min/,
    );
    expect(screen.getByRole("link", { name: "See the apps of shop" }).getAttribute("href")).toBe(
      "/projects/shop",
    );
    expect(screen.queryByText("Ready")).toBeNull();
  });

  it("shows how the app is configured, with its in-cluster address, and which pods are of an older revision", async () => {
    const details = appDetails("editor", "deploying");
    openApp({
      "apps.get": () =>
        withStatus(details, {
          replicas: { ...details.status.replicas, serving: 2 },
          progress: { done: 0, total: 3 },
          pods: [
            { name: "web-new-1", phase: "Pending", ready: false, restarts: 0, current: true },
            { name: "web-old-1", phase: "Running", ready: true, restarts: 0, current: false },
            { name: "web-old-2", phase: "Running", ready: true, restarts: 0, current: false },
          ],
        }),
    });
    const configuration = await screen.findByRole("region", { name: "Configuration" });
    expect(configuration.textContent).toContain("nginx:1.27");
    expect(configuration.textContent).toContain("web.shop.svc.cluster.local");
    expect(configuration.textContent).toContain("Readiness: HTTP GET :80/, every 10 s");
    expect(configuration.textContent).toContain("80/TCP (http) ← Service port 80");
    expect(within(configuration).getByRole("button", { name: "Copy address" })).toBeTruthy();
    const pods = screen.getByRole("region", { name: "Pods" });
    expect(pods.textContent).toContain("2 serving · 0 of 3 new replicas ready");
    expect(within(pods).getAllByText("previous revision")).toHaveLength(2);
    expect(screen.getByRole("progressbar", { name: "0 of 3 new replicas ready, 2 serving" })).toBeTruthy();
  });

  it("lists a scheduled app's last runs in the status card, with why a run failed", async () => {
    const details = appDetails("editor", "degraded");
    const reason =
      'Container "web" keeps crashing. The cluster gave up: Job has reached the specified backoff limit.';
    openApp({
      "apps.get": () =>
        withStatus(details, {
          message: `The last run, web-29000001, failed: ${reason}`,
          runs: [
            {
              name: "web-29000001",
              outcome: "failed",
              startedAt: "2026-01-02T10:00:00Z",
              finishedAt: "2026-01-02T10:01:00Z",
              reason,
            },
            {
              name: "web-29000000",
              outcome: "succeeded",
              startedAt: "2026-01-01T10:00:00Z",
              finishedAt: "2026-01-01T10:00:30Z",
            },
          ],
        }),
    });
    const status = await screen.findByRole("region", { name: "Status" });
    const table = within(status).getByRole("table", { name: "Last runs of web, newest first" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((row) => within(row).getAllByRole("cell")[0]!.textContent)).toEqual([
      "web-29000001",
      "web-29000000",
    ]);
    expect(within(rows[0]!).getByText("Failed")).toBeTruthy();
    expect(within(rows[0]!).getByText(reason)).toBeTruthy();
    expect(within(rows[1]!).getByText("Succeeded")).toBeTruthy();
    expect(rows[1]!.querySelector("time")?.getAttribute("dateTime")).toBe("2026-01-01T10:00:00Z");
  });

  it("shows no runs table for an app that is not scheduled", async () => {
    openApp({ "apps.get": () => appDetails("editor", "ready") });
    const status = await screen.findByRole("region", { name: "Status" });
    expect(within(status).queryByRole("table")).toBeNull();
  });

  it("names downloaded logs after the app, the pod and the day", () => {
    const day = new Date("2026-01-02T10:00:00Z");
    expect(logFileName("web", "web-abc-1", false, day)).toBe("web-web-abc-1-2026-01-02.log");
    expect(logFileName("web", "", true, day)).toBe("web-all-pods-previous-2026-01-02.log");
  });
});
