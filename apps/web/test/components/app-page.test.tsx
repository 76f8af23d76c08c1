// The app page against a fake server. happy-dom has no EventSource, so apps.watchStatus fails at once and the page
// falls back to what apps.get says, which is what these tests control.
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import AppPage from "../../src/pages/app/app-page.js";
import { FakeError, type Handlers, type ProcedureOutput } from "../support/fake-api.js";
import { appDetails } from "../support/fake-data.js";
import { PACKS } from "../support/packs.js";
import { renderWithApi } from "../support/render.js";

const revisions: ProcedureOutput<"apps.revisions"> = {
  items: [
    {
      revision: 2,
      current: true,
      author: "ada@example.com",
      at: "2026-01-02T03:04:05.000Z",
      reason: "update",
      pack: "default@2.0.0",
      spec: {},
      summary: ["env MODE changed"],
      changes: [],
      diff: '~ Deployment/web changed\n    ~ spec.template.spec.containers[0].env[0].value: "debug" -> "info"\n',
    },
    {
      revision: 1,
      current: false,
      author: "ada@example.com",
      at: "2026-01-02T03:00:00.000Z",
      reason: "create",
      pack: "default@2.0.0",
      spec: {},
      summary: ["image nginx:1.27", "2 replicas"],
      changes: [],
      diff: "+ Deployment/web added\n",
    },
  ],
  nextCursor: null,
};

function openApp(procedures: Handlers, route = "/projects/shop/apps/web") {
  return renderWithApi(<AppPage />, { path: "/projects/:name/apps/:app", route, procedures });
}

describe("app page", () => {
  it("shows the rollout's progress, the pods with their restarts, the events and the links", async () => {
    openApp({ "apps.get": () => appDetails("editor", "deploying") });
    const bar = await screen.findByRole("progressbar", { name: "1 of 3 replicas ready" });
    expect(bar.getAttribute("aria-valuenow")).toBe("1");
    expect(bar.getAttribute("aria-valuemax")).toBe("3");
    const status = screen.getByRole("region", { name: "Status" });
    expect(within(status).getByText("Deploying")).toBeTruthy();
    expect(within(status).getByText("Deploying: 1/3 replicas ready (ContainerCreating)")).toBeTruthy();
    expect(within(status).getByRole("link", { name: "https://shop.example.com/" })).toBeTruthy();
    const rows = within(screen.getByRole("table")).getAllByRole("row");
    expect(rows.map((row) => row.textContent)).toEqual([
      "PodStateReadyRestartsStarted",
      "web-abc-1RunningYes0—",
      "web-abc-2Pending · ContainerCreatingNo2—",
    ]);
    expect(screen.getByRole("region", { name: "Events" }).textContent).toContain("Scaled up to 3");
  });

  it("says when the status is not current because the cluster does not answer", async () => {
    const details = appDetails("editor", "ready");
    const message =
      "Not current: the Kubernetes API server has not answered for 2 min, so this is what was known at " +
      "2026-01-02T03:04:05.000Z. Is the cluster running?";
    openApp({
      "apps.get": () => ({
        ...details,
        status: { ...details.status, stale: { since: "2026-01-02T03:04:05.000Z", ageSeconds: 120, message } },
      }),
    });
    const status = await screen.findByRole("region", { name: "Status" });
    expect(within(status).getByRole("alert").textContent).toBe(message);
  });

  it("gives a viewer no control that changes the app", async () => {
    const { user } = openApp({
      "apps.get": () => appDetails("viewer", "drifted"),
      "apps.revisions": () => revisions,
    });
    await screen.findByRole("heading", { level: 1, name: "web" });
    expect(screen.getByRole("region", { name: "Status" }).textContent).toContain(
      "A creator or editor of the project can redeploy to restore it.",
    );
    for (const name of [/Restart/, /Redeploy/]) expect(screen.queryByRole("button", { name })).toBeNull();
    const tabs = screen.getByRole("navigation", { name: "App sections" });
    expect(within(tabs).queryByRole("link", { name: "Settings" })).toBeNull();

    await user.click(within(tabs).getByRole("link", { name: "Environment" }));
    expect(await screen.findByRole("cell", { name: "LOG_LEVEL" })).toBeTruthy();
    expect(screen.queryByRole("textbox")).toBeNull();
    expect(screen.queryByRole("button", { name: "Save variables" })).toBeNull();

    await user.click(within(tabs).getByRole("link", { name: "Revisions" }));
    await screen.findByText("Revision 1");
    // Each entry says what changed in plain words; the field paths only in the detailed diff.
    expect(screen.getByText("Changed: env MODE changed")).toBeTruthy();
    expect(screen.getByText("Deployed: image nginx:1.27, 2 replicas")).toBeTruthy();
    expect(screen.getByRole("list", { name: "Revisions of web" }).textContent).not.toContain("spec.template");
    expect(screen.queryByRole("button", { name: /Roll back/ })).toBeNull();
    await user.click(screen.getAllByRole("button", { name: "Show changes" })[0]!);
    expect(screen.getByLabelText("Changes of revision 2 from revision 1").textContent).toContain(
      '"debug" -> "info"',
    );
  });

  it("offers Redeploy when the app drifted, and says how it went", async () => {
    const { user, api } = openApp({
      "apps.get": () => appDetails("editor", "drifted"),
      "apps.redeploy": () => ({ revision: 2 }),
    });
    const status = await screen.findByRole("region", { name: "Status" });
    expect(within(status).getByText("Drifted")).toBeTruthy();
    await user.click(within(status).getByRole("button", { name: "Redeploy" }));
    await waitFor(() => {
      expect(api.inputsOf("apps.redeploy")).toEqual([{ project: "shop", name: "web" }]);
    });
    expect((await screen.findByText("Revision 2 of web was applied again.")).closest(".toast")).toBeTruthy();
  });

  it("saves variables as a new revision from the revision being edited", async () => {
    const { user, api } = openApp(
      {
        "apps.get": () => appDetails("editor", "ready"),
        "apps.update": () => ({ revision: 3 }),
      },
      "/projects/shop/apps/web?tab=environment",
    );
    const value = await screen.findByLabelText("Variable 1 value");
    const save = screen.getByRole("button", { name: "Save variables" });
    expect(save).toHaveProperty("disabled", true);
    await user.clear(value);
    await user.type(value, "debug");
    await user.click(screen.getByRole("button", { name: "Add variable" }));
    await user.type(screen.getByLabelText("Variable 2 name"), "9LIVES");
    await user.click(save);
    // Refused in the browser first: a name Kubernetes would refuse.
    expect(screen.getByLabelText("Variable 2 name").getAttribute("aria-invalid")).toBe("true");
    expect(api.inputsOf("apps.update")).toEqual([]);
    await user.click(screen.getByRole("button", { name: "Remove variable 2 (9LIVES)" }));
    await user.click(save);
    await screen.findByText("Variables saved: revision 3 of web is rolling out.");
    expect(api.inputsOf("apps.update")).toEqual([
      {
        project: "shop",
        name: "web",
        expectedRevision: 2,
        spec: {
          name: "web",
          image: "nginx:1.27",
          ports: [{ port: 80 }],
          env: [{ name: "LOG_LEVEL", value: "debug" }],
        },
      },
    ]);
  });

  it("edits secret variables without ever showing a value, sending only those typed", async () => {
    const spec = {
      name: "web",
      image: "nginx:1.27",
      ports: [{ port: 80 }],
      env: [{ name: "LOG_LEVEL", value: "info" }],
      secrets: [{ name: "DB_PASSWORD" }, { name: "API_KEY" }],
      secretsVersion: "v1-00aa11bb",
    };
    const saved = (name: string, fingerprint: string) => ({
      name,
      source: "stored" as const,
      reference: null,
      setBy: { email: "ada@example.com" },
      setAt: "2026-12-04T10:00:00.000Z",
      fingerprint,
    });
    const { user, api } = openApp(
      {
        "apps.packs": () => PACKS,
        "apps.get": () => appDetails("editor", "ready", { pack: "default@2.1.0", spec }),
        "apps.secrets": () => [saved("DB_PASSWORD", "1f2e3d4c"), saved("API_KEY", "99aa88bb")],
        "apps.update": () => ({ revision: 3 }),
      },
      "/projects/shop/apps/web?tab=environment",
    );
    expect(await screen.findByText(/set by ada@example\.com at .* · fingerprint 1f2e3d4c/)).toBeTruthy();
    const password = screen.getByLabelText("Variable 2 value");
    expect(password.getAttribute("type")).toBe("password");
    expect(password).toHaveProperty("value", "");
    expect(password.getAttribute("placeholder")).toBe("unchanged");
    expect(screen.getByLabelText<HTMLInputElement>("Secret (variable 2)").checked).toBe(true);
    await user.type(password, "hunter2");
    // A new secret needs a value before saving.
    await user.click(screen.getByRole("button", { name: "Add variable" }));
    await user.type(screen.getByLabelText("Variable 4 name"), "SESSION_KEY");
    await user.click(screen.getByLabelText("Secret (variable 4)"));
    await user.click(screen.getByRole("button", { name: "Save variables" }));
    expect(screen.getByLabelText("Variable 4 value").getAttribute("aria-invalid")).toBe("true");
    expect(api.inputsOf("apps.update")).toEqual([]);
    await user.type(screen.getByLabelText("Variable 4 value"), "s3ss10n");
    // The unsaved rows are kept on the browser, their secret values not.
    const kept = Array.from({ length: localStorage.length }, (_unused, index) =>
      localStorage.getItem(localStorage.key(index) ?? ""),
    );
    expect(kept.join("\n")).toContain("SESSION_KEY");
    expect(kept.join("\n")).not.toMatch(/hunter2|s3ss10n/);
    await user.click(screen.getByRole("button", { name: "Save variables" }));
    await screen.findByText("Variables saved: revision 3 of web is rolling out.");
    expect(api.inputsOf("apps.update")).toEqual([
      {
        project: "shop",
        name: "web",
        expectedRevision: 2,
        spec: {
          ...spec,
          secrets: [{ name: "DB_PASSWORD" }, { name: "API_KEY" }, { name: "SESSION_KEY" }],
        },
        secretValues: { DB_PASSWORD: "hunter2", SESSION_KEY: "s3ss10n" },
      },
    ]);
  });

  it("shows a viewer the names of secrets, never a value field", async () => {
    const spec = {
      ...(appDetails("viewer", "ready").spec as Record<string, unknown>),
      secrets: [{ name: "DB_PASSWORD" }],
    };
    openApp(
      {
        "apps.packs": () => PACKS,
        "apps.get": () => appDetails("viewer", "ready", { pack: "default@2.1.0", spec }),
        "apps.secrets": () => [
          {
            name: "DB_PASSWORD",
            source: "stored",
            reference: null,
            setBy: null,
            setAt: null,
            fingerprint: null,
          },
        ],
      },
      "/projects/shop/apps/web?tab=environment",
    );
    const row = (await screen.findByText("DB_PASSWORD")).closest("tr")!;
    expect(within(row).getByText("secret")).toBeTruthy();
    expect(screen.queryByLabelText(/value/)).toBeNull();
  });

  it("says when someone else changed the app meanwhile, and reloads it on request", async () => {
    let revision = 2;
    const { user, api } = openApp(
      {
        "apps.get": () =>
          revision === 2
            ? appDetails("editor", "ready")
            : appDetails("editor", "ready", { revision: 4, env: [{ name: "LOG_LEVEL", value: "warn" }] }),
        "apps.update": () => {
          revision = 4;
          throw new FakeError(
            "CONFLICT",
            'App "web" changed since revision 2 (it is at revision 4): reload it and make your change again.',
          );
        },
      },
      "/projects/shop/apps/web?tab=environment",
    );
    const value = await screen.findByLabelText("Variable 1 value");
    await user.clear(value);
    await user.type(value, "debug");
    await user.click(screen.getByRole("button", { name: "Save variables" }));
    const conflict = await screen.findByRole("alert");
    expect(conflict.textContent).toContain("Someone else changed web since you started editing");
    await user.click(within(conflict).getByRole("button", { name: "Reload the app" }));
    await waitFor(() => {
      expect(screen.getByLabelText("Variable 1 value")).toHaveProperty("value", "warn");
    });
    expect(screen.queryByText(/Someone else changed/)).toBeNull();
    expect(api.inputsOf("apps.update")).toHaveLength(1);
  });

  it("previews a pack upgrade's changes before upgrading, and deletes only after the name is typed", async () => {
    const newer = { ...PACKS[1]!, version: "2.1.0", ref: "default@2.1.0", default: false };
    const { user, api } = openApp(
      {
        "apps.get": () => appDetails("editor", "ready"),
        "apps.packs": () => [...PACKS, newer],
        "apps.upgradePack": (input) => ({
          from: "default@2.0.0",
          to: "default@2.1.0",
          changes: [{ object: "Deployment/web", apiVersion: "apps/v1", change: "changed" }],
          diff: "~ Deployment/web changed\n    + spec.template.spec.enableServiceLinks: false\n",
          revision: input.preview ? null : 3,
        }),
        "apps.delete": () => ({ deleted: "web", deletedObjects: 2, keptVolumes: [] }),
      },
      "/projects/shop/apps/web?tab=settings",
    );
    await user.click(await screen.findByRole("button", { name: "Preview the upgrade" }));
    expect((await screen.findByLabelText("Changes of upgrading to default@2.1.0")).textContent).toContain(
      "enableServiceLinks",
    );
    await user.click(screen.getByRole("button", { name: "Upgrade to default@2.1.0" }));
    await screen.findByText("web now uses default@2.1.0: revision 3 is rolling out.");
    expect(api.inputsOf("apps.upgradePack")).toEqual([
      { project: "shop", name: "web", to: "default@2.1.0", preview: true },
      { project: "shop", name: "web", to: "default@2.1.0", preview: false, expectedRevision: 2 },
    ]);

    const remove = screen.getByRole("button", { name: "Delete app" });
    expect(remove).toHaveProperty("disabled", true);
    await user.type(screen.getByLabelText("Type web to confirm"), "web");
    await user.click(remove);
    expect((await screen.findByTestId("location")).textContent).toBe("/projects/shop");
    expect(api.inputsOf("apps.delete")).toEqual([{ project: "shop", name: "web", keepVolumes: false }]);
    expect(screen.getByText('App "web" was deleted, with its 2 Kubernetes objects.')).toBeTruthy();
  });
});
