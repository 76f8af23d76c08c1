import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiTokensSection } from "../../src/pages/account.js";
import { deferred, FakeError } from "../support/fake-api.js";
import { describedText, renderWithApi } from "../support/render.js";

const SECRET = "bhp_abcdef0123456789abcdef0123456789";

function tokenApi() {
  const tokens: {
    id: string;
    name: string;
    prefix: string;
    createdAt: string;
    expiresAt: string | null;
    lastUsedAt: null;
  }[] = [];
  return {
    "auth.tokens.list": () => ({ items: tokens, nextCursor: null }),
    "auth.tokens.create": (input: { name: string; expiresInDays?: number }) => {
      const expiresAt =
        input.expiresInDays === undefined
          ? null
          : new Date(Date.now() + input.expiresInDays * 86_400_000).toISOString();
      tokens.push({
        id: "t1",
        name: input.name,
        prefix: SECRET.slice(0, 10),
        createdAt: new Date().toISOString(),
        expiresAt,
        lastUsedAt: null,
      });
      return { id: "t1", name: input.name, prefix: SECRET.slice(0, 10), expiresAt, token: SECRET };
    },
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("API tokens", () => {
  it("shows a new token once, with a copy button and a warning, and never again", async () => {
    vi.stubGlobal("isSecureContext", true);
    const { user, api } = renderWithApi(<ApiTokensSection />, { procedures: tokenApi() });

    expect(await screen.findByRole("heading", { name: "No API tokens" })).toBeTruthy();
    await user.type(screen.getByLabelText("Token name"), "deploy from CI");
    await user.selectOptions(screen.getByLabelText("Expires after"), "30 days");
    await user.click(screen.getByRole("button", { name: "Create token" }));

    const panel = await screen.findByRole("region", { name: /Your new token/ });
    expect(api.inputsOf("auth.tokens.create")).toEqual([{ name: "deploy from CI", expiresInDays: 30 }]);
    expect(within(panel).getByLabelText<HTMLInputElement>("API token").value).toBe(SECRET);
    expect(panel.textContent).toContain("Copy it now: it won’t be shown again.");

    await user.click(within(panel).getByRole("button", { name: "Copy token" }));
    // user-event stands in for the system clipboard.
    expect(await navigator.clipboard.readText()).toBe(SECRET);
    expect(await within(panel).findByRole("button", { name: "Copied" })).toBeTruthy();

    // The list shows the token by name and prefix only.
    const list = await screen.findByRole("list", { name: "API tokens" });
    expect(list.textContent).toContain("deploy from CI");
    expect(list.textContent).toContain(SECRET.slice(0, 10));
    expect(list.textContent).not.toContain(SECRET);

    await user.click(within(panel).getByRole("button", { name: "I have copied it" }));
    await waitFor(() => {
      expect(screen.queryByRole("region", { name: /Your new token/ })).toBeNull();
    });
    expect(document.body.innerHTML).not.toContain(SECRET);
  });

  it("sends one create for a double click or a double Enter, and shows the server's CONFLICT beside the name", async () => {
    vi.stubGlobal("isSecureContext", true);
    const api = tokenApi();
    const answer = deferred<undefined>();
    const procedures = {
      ...api,
      "auth.tokens.create": async (input: { name: string; expiresInDays?: number }) => {
        await answer.promise;
        if (input.name === "taken") {
          throw new FakeError("CONFLICT", 'You already have an API token named "taken".', {
            issues: [{ path: "name", message: "is the name of another of your tokens" }],
          });
        }
        return api["auth.tokens.create"](input);
      },
    };
    const { user, api: fake } = renderWithApi(<ApiTokensSection />, { procedures });
    await user.type(await screen.findByLabelText("Token name"), "deploy");
    const button = screen.getByRole("button", { name: "Create token" });
    // Two clicks in one go, as fast as a mouse's double click: before any answer or re-render by a timer.
    fireEvent.click(button);
    fireEvent.click(button);
    // Enter in the name field submits the form again: ignored as well while the first create runs.
    await user.click(screen.getByLabelText("Token name"));
    await user.keyboard("{Enter}");
    expect(button.hasAttribute("disabled")).toBe(true);
    answer.resolve(undefined);
    await screen.findByRole("region", { name: /Your new token/ });
    expect(fake.inputsOf("auth.tokens.create")).toHaveLength(1);

    await user.click(screen.getByRole("button", { name: "I have copied it" }));
    await user.clear(screen.getByLabelText("Token name"));
    await user.type(screen.getByLabelText("Token name"), "taken{Enter}");
    await waitFor(() => {
      expect(describedText(screen.getByLabelText("Token name"))).toContain(
        "is the name of another of your tokens",
      );
    });
  });

  it("asks to copy by hand where the browser offers no clipboard (a plain-http server)", async () => {
    vi.stubGlobal("isSecureContext", false);
    const { user } = renderWithApi(<ApiTokensSection />, { procedures: tokenApi() });
    await user.type(await screen.findByLabelText("Token name"), "laptop");
    await user.selectOptions(screen.getByLabelText("Expires after"), "Never");
    await user.click(screen.getByRole("button", { name: "Create token" }));
    const panel = await screen.findByRole("region", { name: /Your new token/ });
    expect(panel.textContent).toContain("It never expires.");
    await user.click(within(panel).getByRole("button", { name: "Copy token" }));
    expect((await within(panel).findByRole("alert")).textContent).toContain(
      "select the text and copy it by hand",
    );
  });

  it("shows a refused name beside the field", async () => {
    const { user } = renderWithApi(<ApiTokensSection />, {
      procedures: {
        ...tokenApi(),
        "auth.tokens.create": () => {
          throw new FakeError("BAD_REQUEST", "[]", {
            issues: [{ path: "name", message: "must not be empty" }],
          });
        },
      },
    });
    await user.click(await screen.findByRole("button", { name: "Create token" }));
    const input = await screen.findByLabelText("Token name");
    await waitFor(() => {
      expect(input.getAttribute("aria-invalid")).toBe("true");
    });
    expect(screen.getByText("Token name must not be empty")).toBeTruthy();
  });
});
