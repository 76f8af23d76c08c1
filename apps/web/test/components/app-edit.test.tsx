// Editing a deployed app against a fake server: the form filled from the app's spec, the diff preview and "Deploy
// revision N+1", someone else's deploy in between, drafts that survive leaving the page, the image fix from the
// failure message, and the env tab's rows across tab switches.
import { isDeepStrictEqual } from "node:util";
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import AppPage from "../../src/pages/app/app-page.js";
import DeployAppPage from "../../src/pages/deploy-app.js";
import { FakeError, type Handlers, type ProcedureOutput } from "../support/fake-api.js";
import { appDetails } from "../support/fake-data.js";
import { PACKS } from "../support/packs.js";
import { renderWithApi } from "../support/render.js";

type Preview = ProcedureOutput<"apps.previewManifests">;

const STORED = {
  name: "web",
  image: "nginx:1.27",
  ports: [{ port: 80 }],
  env: [{ name: "LOG_LEVEL", value: "info" }],
  probes: { liveness: { type: "http", path: "/healthz", periodSeconds: 30 } },
  imagePullSecrets: ["registry"],
};

function preview(diff: string): Preview {
  return {
    pack: "default@2.0.0",
    manifests: [],
    currentManifests: [],
    yaml: "",
    secretChanges: [],
    changes:
      diff === "" ? [] : [{ object: "Deployment/web", apiVersion: "apps/v1", change: "changed", fields: [] }],
    diff,
    serverCheck: { ok: true },
  };
}

const PROJECT = {
  name: "shop",
  namespace: "shop",
  role: "editor" as const,
  pack: "default@2.0.0",
  appCount: 1,
  createdAt: "2026-01-02T03:04:05.000Z",
};

function openEdit(procedures: Handlers = {}) {
  return renderWithApi(<DeployAppPage />, {
    path: "/projects/:name/apps/:app/edit",
    route: "/projects/shop/apps/web/edit",
    procedures: {
      "projects.get": () => PROJECT,
      "apps.packs": () => PACKS,
      "apps.get": () => appDetails("editor", "ready", { revision: 3, spec: STORED }),
      "apps.previewManifests": (input) =>
        preview(
          isDeepStrictEqual(input.spec, STORED)
            ? ""
            : "~ Deployment/web changed\n    ~ spec.replicas: 1 -> 3\n",
        ),
      ...procedures,
    },
  });
}

describe("editing an app", () => {
  it("fills the form from the spec, previews a diff against what runs, and deploys revision N+1 keeping the rest", async () => {
    const updates: unknown[] = [];
    const { user } = openEdit({
      "apps.update": (input) => {
        updates.push(input);
        return { revision: 4 };
      },
    });
    const form = await screen.findByRole("form", { name: "Edit web" });
    expect(within(form).getByLabelText("App name")).toHaveProperty("readOnly", true);
    expect(within(form).queryByLabelText("Pack")).toBeNull();
    expect(within(form).getByLabelText("Image")).toHaveProperty("value", "nginx:1.27");
    expect(within(form).getByLabelText("Liveness path")).toHaveProperty("value", "/healthz");
    await screen.findByText("No changes yet: this would apply what runs now.");

    const replicas = within(form).getByLabelText("Replicas");
    await user.clear(replicas);
    await user.type(replicas, "3");
    expect(await screen.findByLabelText("Changes against revision 3")).toBeTruthy();
    expect(screen.getByLabelText("Changes against revision 3").textContent).toContain(
      "spec.replicas: 1 -> 3",
    );
    await user.click(within(form).getByRole("button", { name: "Deploy revision 4" }));
    await waitFor(() => {
      expect(updates).toEqual([
        {
          project: "shop",
          name: "web",
          expectedRevision: 3,
          spec: { ...STORED, replicas: 3 },
        },
      ]);
    });
    expect(await screen.findByTestId("location")).toHaveProperty("textContent", "/projects/shop/apps/web");
  });

  it("says who deployed meanwhile, and reloads their version with one's own edits on top", async () => {
    let current = appDetails("editor", "ready", { revision: 3, spec: STORED });
    const updates: { expectedRevision: number; spec: unknown }[] = [];
    const { user } = openEdit({
      "apps.get": () => current,
      "apps.revisions": () => ({
        items: [
          {
            revision: 4,
            current: true,
            author: "grace@example.com",
            at: "2026-01-02T03:04:05.000Z",
            reason: "update",
            pack: "default@2.0.0",
            spec: {},
            changes: [],
            summary: ["env LOG_LEVEL changed"],
            diff: '~ Deployment/web changed\n    ~ spec.template.spec.containers[0].env[0].value: "info" -> "debug"\n',
          },
        ],
        nextCursor: null,
      }),
      "apps.update": (input) => {
        updates.push(input);
        if (input.expectedRevision !== current.revision)
          throw new FakeError("CONFLICT", 'App "web" changed since revision 3 (it is at revision 4)');
        return { revision: 5 };
      },
    });
    const form = await screen.findByRole("form", { name: "Edit web" });
    const image = within(form).getByLabelText("Image");
    await user.clear(image);
    await user.type(image, "nginx:1.28");
    // Someone else changes the variable and deploys revision 4.
    const theirs = { ...STORED, env: [{ name: "LOG_LEVEL", value: "debug" }] };
    current = appDetails("editor", "ready", { revision: 4, spec: theirs, env: theirs.env });
    await user.click(within(form).getByRole("button", { name: "Deploy revision 4" }));

    const conflict = await screen.findByText(/web changed since you started editing revision 3/);
    const block = conflict.closest(".edit-conflict") as HTMLElement;
    expect((await within(block).findByText(/Revision 4 by grace@example.com/)).textContent).toContain(
      "update",
    );
    await user.click(within(block).getByRole("button", { name: "Load their version, keep my edits" }));
    expect(within(form).getByLabelText("Image")).toHaveProperty("value", "nginx:1.28");
    expect(within(form).getByLabelText("Variable 1 value")).toHaveProperty("value", "debug");
    await user.click(within(form).getByRole("button", { name: "Deploy revision 5" }));
    await waitFor(() => {
      expect(updates.at(-1)).toEqual(
        expect.objectContaining({ expectedRevision: 4, spec: { ...theirs, image: "nginx:1.28" } }),
      );
    });
  });

  it("keeps unsaved edits as a draft of this user, restored on the next visit until discarded", async () => {
    const first = openEdit();
    const form = await screen.findByRole("form", { name: "Edit web" });
    const image = within(form).getByLabelText("Image");
    await first.user.clear(image);
    await first.user.type(image, "nginx:1.28");
    // Kept on this browser, under the signed-in user's id.
    await waitFor(() => {
      expect(Object.keys(localStorage).filter((key) => key.includes("u1"))).toHaveLength(1);
    });
    first.unmount();

    const second = openEdit();
    const again = await screen.findByRole("form", { name: "Edit web" });
    const notice = (await screen.findByText(/Draft restored/)).closest(".draft-notice") as HTMLElement;
    expect(within(again).getByLabelText("Image")).toHaveProperty("value", "nginx:1.28");
    await second.user.click(within(notice).getByRole("button", { name: "Discard" }));
    expect(within(again).getByLabelText("Image")).toHaveProperty("value", "nginx:1.27");
    expect(screen.queryByText(/Draft restored/)).toBeNull();
    await second.user.clear(within(again).getByLabelText("Image"));
    await second.user.type(within(again).getByLabelText("Image"), "nginx:1.29");
    await waitFor(() => {
      expect(Object.keys(localStorage).filter((key) => key.includes("u1"))).toHaveLength(1);
    });
    second.unmount();

    // Another person signed in on the same browser never sees it.
    const other = openEdit({ "auth.me": () => ({ id: "u2", email: "grace@example.com", via: "cookie" }) });
    const theirs = await screen.findByRole("form", { name: "Edit web" });
    await other.user.type(within(theirs).getByLabelText("Image"), "-alpine");
    await waitFor(() => {
      expect(Object.keys(localStorage).filter((key) => key.includes("u2"))).toHaveLength(1);
    });
    expect(within(theirs).getByLabelText("Image")).toHaveProperty("value", "nginx:1.27-alpine");
    expect(screen.queryByText(/Draft restored/)).toBeNull();
  });
});

describe("a new app's name", () => {
  it("says at once that the name is taken, from the preview", async () => {
    const { user } = renderWithApi(<DeployAppPage />, {
      path: "/projects/:name/apps/new",
      route: "/projects/shop/apps/new",
      procedures: {
        "projects.get": () => PROJECT,
        "apps.packs": () => PACKS,
        "apps.suggestHost": () => ({ host: null }),
        "apps.previewManifests": (input) => {
          expect(input.intent).toBe("create");
          throw new FakeError("BAD_REQUEST", "name: taken", {
            issues: [
              {
                path: "name",
                message: "An app named web already exists in this project: choose another name",
              },
            ],
          });
        },
      },
    });
    const form = await screen.findByRole("form", { name: "New app" });
    await user.type(within(form).getByLabelText("App name"), "web");
    expect(
      await within(form).findByText(
        "App name: An app named web already exists in this project: choose another name",
        {},
        { timeout: 3000 },
      ),
    ).toBeTruthy();
  });

  it("warns of an image without a tag beside the field, and still deploys", async () => {
    const { user } = renderWithApi(<DeployAppPage />, {
      path: "/projects/:name/apps/new",
      route: "/projects/shop/apps/new",
      procedures: { "projects.get": () => PROJECT, "apps.packs": () => PACKS },
    });
    const form = await screen.findByRole("form", { name: "New app" });
    const image = within(form).getByLabelText("Image");
    expect(image.getAttribute("placeholder")).toBe("nginxinc/nginx-unprivileged:1.27");
    await user.type(image, "nginx");
    expect(within(form).getByText(/Warning: No tag/)).toBeTruthy();
    await user.type(image, ":latest");
    expect(within(form).getByText(/Warning: 'latest' changes under you/)).toBeTruthy();
    expect(image.getAttribute("aria-invalid")).toBeNull();
  });
});

describe("the app page", () => {
  it("changes only the image from the failure message, as the next revision", async () => {
    const updates: unknown[] = [];
    const failed = appDetails("editor", "failed", {
      revision: 1,
      image: "invalid.example/app:1",
      spec: { ...STORED, image: "invalid.example/app:1" },
    });
    const { user } = renderWithApi(<AppPage />, {
      path: "/projects/:name/apps/:app",
      route: "/projects/shop/apps/web",
      procedures: {
        "apps.get": () => failed,
        "apps.update": (input) => {
          updates.push(input);
          return { revision: 2 };
        },
      },
    });
    const fix = await screen.findByRole("form", { name: "Change the image" });
    expect(within(fix).getByRole("link", { name: "Edit everything" }).getAttribute("href")).toBe(
      "/projects/shop/apps/web/edit",
    );
    const image = within(fix).getByLabelText("Image");
    await user.clear(image);
    await user.type(image, "nginx:1.27");
    await user.click(within(fix).getByRole("button", { name: "Change image" }));
    await waitFor(() => {
      expect(updates).toEqual([
        { project: "shop", name: "web", expectedRevision: 1, spec: { ...STORED, image: "nginx:1.27" } },
      ]);
    });
  });

  it("keeps new env rows across a tab switch, and asks before a paste overwrites values", async () => {
    const { user } = renderWithApi(<AppPage />, {
      path: "/projects/:name/apps/:app",
      route: "/projects/shop/apps/web?tab=environment",
      procedures: { "apps.get": () => appDetails("editor", "ready") },
    });
    const form = await screen.findByRole("form", { name: "Environment variables" });
    await user.click(within(form).getByRole("button", { name: "Add variable" }));
    await user.type(within(form).getByLabelText("Variable 2 name"), "FEATURE");
    const tabs = screen.getByRole("navigation", { name: "App sections" });
    await user.click(within(tabs).getByRole("link", { name: "Revisions" }));
    await user.click(within(tabs).getByRole("link", { name: "Environment" }));
    const back = await screen.findByRole("form", { name: "Environment variables" });
    expect(within(back).getByLabelText("Variable 2 name")).toHaveProperty("value", "FEATURE");
    expect(screen.getByText(/Draft restored/)).toBeTruthy();

    await user.click(within(back).getByRole("button", { name: "Paste a .env block" }));
    await user.click(within(back).getByLabelText("Paste .env lines"));
    await user.paste("LOG_LEVEL=debug\nNEW=1");
    await user.click(within(back).getByRole("button", { name: "Add variables" }));
    const question = within(back).getByText(/This paste replaces the value of/);
    expect(question.textContent).toContain("LOG_LEVEL");
    expect(within(back).getByLabelText("Variable 1 value")).toHaveProperty("value", "info");
    await user.click(within(back).getByRole("button", { name: "Replace 1 value" }));
    expect(within(back).getByLabelText("Variable 1 value")).toHaveProperty("value", "debug");
    expect(within(back).getByLabelText("Variable 3 name")).toHaveProperty("value", "NEW");
  });
});
