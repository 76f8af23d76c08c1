import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { toYaml } from "@babyhelm/manifest-sdk";
import DeployAppPage from "../../src/pages/deploy-app.js";
import { FakeError, type Handlers, type ProcedureOutput } from "../support/fake-api.js";
import { PACKS } from "../support/packs.js";
import { describedText, renderWithApi } from "../support/render.js";

const DEPLOYMENT = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop", labels: { "app.kubernetes.io/version": "1.27" } },
  spec: { replicas: 1 },
};

type Preview = ProcedureOutput<"apps.previewManifests">;

/** A preview of DEPLOYMENT as the server sends it, with the SDK's YAML of it. */
function previewAnswer(answer: Pick<Preview, "diff" | "serverCheck">): Preview {
  return {
    pack: "default@2.0.0",
    manifests: [DEPLOYMENT],
    currentManifests: [],
    yaml: toYaml([DEPLOYMENT]),
    changes: [],
    secretChanges: [],
    ...answer,
  };
}

/** The image a spec names, if any: the server takes the spec as any value and leaves it to the pack. */
function imageOf(spec: unknown): unknown {
  return typeof spec === "object" && spec !== null && "image" in spec ? spec.image : undefined;
}

async function openForm(procedures: Handlers = {}, role: ProcedureOutput<"projects.get">["role"] = "editor") {
  const view = renderWithApi(<DeployAppPage />, {
    path: "/projects/:name/apps/new",
    route: "/projects/shop/apps/new",
    procedures: {
      "projects.get": () => ({
        name: "shop",
        namespace: "shop",
        role,
        pack: "default@2.0.0",
        appCount: 0,
        createdAt: "2026-01-02T03:04:05.000Z",
      }),
      "apps.packs": () => PACKS,
      "apps.previewManifests": () => previewAnswer({ diff: "No changes.\n", serverCheck: { ok: true } }),
      ...procedures,
    },
  });
  if (role !== "viewer") await screen.findByRole("form", { name: "New app" });
  return view;
}

describe("new app form: the env editor", () => {
  it("adds the variables of a pasted .env block and reports each bad line by its number", async () => {
    const { user } = await openForm();
    await user.click(screen.getByRole("button", { name: "Paste a .env block" }));
    await user.click(screen.getByLabelText("Paste .env lines"));
    await user.paste(
      [
        "# the shop's settings",
        "export DATABASE_URL='postgres://db/shop?sslmode=require#main'",
        "",
        "1ST=bad",
        'GREETING="hello = world # not a comment"',
        "not a variable",
      ].join("\n"),
    );
    await user.click(screen.getByRole("button", { name: "Add variables" }));

    expect(screen.getByLabelText("Variable 1 name")).toHaveProperty("value", "DATABASE_URL");
    expect(screen.getByLabelText("Variable 1 value")).toHaveProperty(
      "value",
      "postgres://db/shop?sslmode=require#main",
    );
    expect(screen.getByLabelText("Variable 2 name")).toHaveProperty("value", "GREETING");
    expect(screen.getByLabelText("Variable 2 value")).toHaveProperty(
      "value",
      "hello = world # not a comment",
    );
    expect(screen.queryByLabelText("Variable 3 name")).toBeNull();
    expect(screen.getByText("Added 2 variables.")).toBeTruthy();
    const problems = screen.getByRole("alert");
    expect(
      within(problems)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual([
      `Line 4: "1ST" is not a valid variable name: use letters, digits, '_', '.' and '-', not starting with a digit`,
      'Line 6: expected NAME=value, found "not a variable"',
    ]);
    // The lines to fix stay in the box.
    expect(screen.getByLabelText<HTMLTextAreaElement>("Paste .env lines").value).toContain("1ST=bad");
  });

  it("reads a block pasted straight into a variable's name, and removes rows", async () => {
    const { user } = await openForm();
    await user.click(screen.getByRole("button", { name: "Add variable" }));
    const name = screen.getByLabelText("Variable 1 name");
    await waitFor(() => {
      expect(document.activeElement).toBe(name);
    });
    await user.paste("A=1\nB=2\nA=3");
    expect(screen.getByLabelText("Variable 1 name")).toHaveProperty("value", "B");
    expect(screen.getByLabelText("Variable 2 name")).toHaveProperty("value", "A");
    expect(screen.getByLabelText("Variable 2 value")).toHaveProperty("value", "3");
    await user.click(screen.getByRole("button", { name: "Remove variable 1 (B)" }));
    expect(screen.getByLabelText("Variable 1 name")).toHaveProperty("value", "A");
    expect(screen.queryByLabelText("Variable 2 name")).toBeNull();

    // A single word is a name, not a block.
    await user.click(screen.getByRole("button", { name: "Add variable" }));
    await user.click(screen.getByLabelText("Variable 2 name"));
    await user.paste("LOG_LEVEL");
    expect(screen.getByLabelText("Variable 2 name")).toHaveProperty("value", "LOG_LEVEL");
  });
});

describe("new app form: validation", () => {
  it("checks the pack's schema in the browser, says why beside the input, and sends nothing", async () => {
    const { user, api } = await openForm();
    await user.type(screen.getByLabelText("App name"), "Web");
    await user.type(screen.getByLabelText("Image"), "nginx 1.27");
    const port = screen.getByLabelText("Port");
    await user.clear(port);
    await user.type(port, "70000");
    await user.tab();
    expect(describedText(port)).toContain("Port must be at most 65535");

    await user.click(screen.getByRole("button", { name: "Deploy" }));
    const name = screen.getByLabelText("App name");
    expect(name.getAttribute("aria-invalid")).toBe("true");
    expect(describedText(name)).toContain("App name must be lowercase letters, digits and '-'");
    expect(describedText(screen.getByLabelText("Image"))).toContain(
      "Image must be an image reference such as nginxinc/nginx-unprivileged:1.27",
    );
    // The first refused input takes the focus, so its error is read out.
    await waitFor(() => {
      expect(document.activeElement).toBe(name);
    });
    expect(api.inputsOf("apps.create")).toEqual([]);
  });

  it("puts the server's data.issues on the inputs they name, and the rest above the form", async () => {
    const { user, api } = await openForm({
      "apps.create": () => {
        throw new FakeError("BAD_REQUEST", "The spec is not valid for default@2.0.0", {
          issues: [
            // The server's own words (the pack starts them with the path).
            { path: "spec.ports[1].port", message: "ports[1].port repeats ports[0].port (80/TCP)" },
            { path: "spec.env[1].name", message: "env[1].name must not be empty" },
            { path: "spec.resources.limits", message: "requests may not exceed limits" },
            { path: "spec.security", message: "something the form has no input for" },
          ],
        });
      },
    });
    await user.type(screen.getByLabelText("App name"), "web");
    await user.type(screen.getByLabelText("Image"), "nginx:1.27");
    await user.click(screen.getByRole("button", { name: "Add port" }));
    await user.type(within(screen.getByRole("group", { name: "Port 2" })).getByLabelText("Port"), "80");
    // An empty row in between is not sent, but the server's env[1] is still the second row on screen.
    for (const [index, variable] of ["A", "", "B"].entries()) {
      await user.click(screen.getByRole("button", { name: "Add variable" }));
      if (variable !== "") await user.type(screen.getByLabelText(`Variable ${index + 1} name`), variable);
    }
    await user.click(screen.getByRole("button", { name: "Deploy" }));

    const secondPort = within(screen.getByRole("group", { name: "Port 2" })).getByLabelText("Port");
    await waitFor(() => {
      expect(secondPort.getAttribute("aria-invalid")).toBe("true");
    });
    expect(describedText(secondPort)).toContain("Port repeats Port 1 (80/TCP)");
    const firstPort = within(screen.getByRole("group", { name: "Port 1" })).getByLabelText("Port");
    expect(firstPort.getAttribute("aria-invalid")).toBeNull();
    const third = screen.getByLabelText("Variable 3 name");
    expect(third.getAttribute("aria-invalid")).toBe("true");
    expect(describedText(third)).toBe("Variable 3 name must not be empty");
    expect(screen.getByLabelText("Variable 1 name").getAttribute("aria-invalid")).toBeNull();
    const resources = screen.getByRole("group", { name: "Resources" });
    expect(within(resources).getByText("requests may not exceed limits")).toBeTruthy();
    expect(screen.getAllByRole("alert")[0]!.textContent).toBe(
      "Please correct: security something the form has no input for.",
    );
    await waitFor(() => {
      expect(document.activeElement).toBe(secondPort);
    });

    const [sent] = api.inputsOf("apps.create");
    expect(sent).toEqual({
      project: "shop",
      name: "web",
      pack: "default@2.1.0",
      spec: {
        image: "nginx:1.27",
        ports: [{ port: 80 }, { port: 80 }],
        env: [
          { name: "A", value: "" },
          { name: "B", value: "" },
        ],
        replicas: 1,
      },
    });

    // Editing the input the issue was about takes the issue away; the others stay.
    await user.clear(secondPort);
    await user.type(secondPort, "81");
    expect(secondPort.getAttribute("aria-invalid")).toBeNull();
    expect(third.getAttribute("aria-invalid")).toBe("true");
  });

  it("shows the server's verdict in the live preview: YAML when valid, its issues when not", async () => {
    const { user, api } = await openForm({
      "apps.previewManifests": (input) => {
        if (imageOf(input.spec) === "bad") {
          throw new FakeError("BAD_REQUEST", "The spec is not valid", {
            issues: [{ path: "spec.image", message: "must be a pullable image reference" }],
          });
        }
        return previewAnswer({
          diff: "",
          serverCheck: { ok: false, message: 'namespaces "shop" not found' },
        });
      },
    });
    const preview = screen.getByRole("region", { name: "Manifest preview" });
    expect(preview.textContent).toContain("Name the app to see");
    await user.type(screen.getByLabelText("App name"), "web");
    await user.type(screen.getByLabelText("Image"), "nginx:1.27");
    await waitFor(() => {
      expect(within(preview).getByLabelText("Manifests as YAML").textContent).toContain("kind: Deployment");
    });
    expect(preview.textContent).toContain('app.kubernetes.io/version: "1.27"');
    expect(preview.textContent).toContain(
      'The cluster would refuse these objects: namespaces "shop" not found',
    );
    // Asked once typing paused, not at every key.
    expect(api.inputsOf("apps.previewManifests").length).toBeLessThan(4);

    const image = screen.getByLabelText("Image");
    await user.clear(image);
    await user.type(image, "bad");
    await user.tab();
    await waitFor(() => {
      expect(preview.textContent).toContain("must be a pullable image reference");
    });
    // The server's issue shows on the input too, once the person has left it.
    await waitFor(() => {
      expect(describedText(image)).toContain("Image must be a pullable image reference");
    });
  });
});

describe("new app form: deploying", () => {
  it("deploys with the chosen pack and opens the app's page", async () => {
    const { user, api } = await openForm({
      "apps.create": (input) => ({ name: input.name, pack: "classic@1.0.0", revision: 1 }),
    });
    await user.selectOptions(screen.getByLabelText("Pack"), "classic");
    // classic@1 has no scaling, probes or Ingress: the form shows only what the pack takes.
    expect(screen.queryByRole("group", { name: "Scaling" })).toBeNull();
    expect(screen.queryByLabelText("Ingress host")).toBeNull();
    await user.type(screen.getByLabelText("App name"), "legacy");
    await user.type(screen.getByLabelText("Image"), "nginx:1.27");
    await user.type(screen.getByLabelText("Container port"), "8080");
    await user.click(screen.getByRole("button", { name: "Deploy" }));

    expect((await screen.findByTestId("location")).textContent).toBe("/projects/shop/apps/legacy");
    expect(api.inputsOf("apps.create")).toEqual([
      {
        project: "shop",
        name: "legacy",
        pack: "classic@1.0.0",
        spec: { image: "nginx:1.27", ports: { port: 80, targetPort: 8080 } },
      },
    ]);
    expect(screen.getByRole("status").textContent).toContain('App "legacy" is deploying');
  });

  it("tells a viewer they cannot deploy, without a form", async () => {
    await openForm({}, "viewer");
    expect(await screen.findByText(/viewers can look at apps but not deploy them/)).toBeTruthy();
    expect(screen.queryByRole("form", { name: "New app" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Deploy" })).toBeNull();
  });
});

describe("new app form: the Ingress host", () => {
  it("offers the free host the server suggests, and fills it in with one click", async () => {
    const { user, api } = await openForm({
      "apps.suggestHost": ({ name }) => ({ host: `${name}-shop.apps.example.test` }),
    });
    await user.type(screen.getByLabelText("App name"), "api");
    await user.click(await screen.findByRole("button", { name: "Use api-shop.apps.example.test" }));
    // default@2.1 (the default pack) lists hosts: the suggestion becomes the first.
    expect(screen.getByLabelText("Host")).toHaveProperty("value", "api-shop.apps.example.test");
    expect(screen.queryByRole("button", { name: /^Use / })).toBeNull();
    expect(api.inputsOf("apps.suggestHost").at(-1)).toEqual({ project: "shop", name: "api" });
  });

  it("offers nothing when the platform has no domain", async () => {
    const { user, api } = await openForm({ "apps.suggestHost": () => ({ host: null }) });
    await user.type(screen.getByLabelText("App name"), "api");
    await waitFor(() => {
      expect(api.inputsOf("apps.suggestHost").length).toBeGreaterThan(0);
    });
    expect(screen.queryByRole("button", { name: /^Use / })).toBeNull();
  });
});
