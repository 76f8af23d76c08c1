import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { formatDateTime } from "../../src/lib/format.js";
import CollaboratorsTab from "../../src/pages/project/collaborators.js";
import { FakeError, type ProcedureOutput } from "../support/fake-api.js";
import { renderWithApi } from "../support/render.js";

const project = vi.hoisted(() => ({
  current: {
    name: "shop",
    namespace: "shop",
    role: "creator",
    pack: "default@2.0.0",
    appCount: 1,
    createdAt: "2026-01-02T03:04:05.000Z",
  },
}));
vi.mock("../../src/pages/project/project-layout.js", () => ({ useProject: () => project.current }));

const LINK = "https://babyhelm.example.com/register?invite=s3cr3t-invitation-token";
const EXPIRES = "2026-01-09T03:04:05.000Z";

type Invitations = ProcedureOutput<"members.invitations">;

/** A project with one member (the caller) on a server where registration is by invitation. */
function inviteOnlyServer(pending: Invitations = []) {
  const invitations = [...pending];
  return {
    invitations,
    procedures: {
      "members.list": () => ({
        items: [
          {
            email: "ada@example.com",
            role: "creator" as const,
            you: true,
            since: "2026-01-02T03:04:05.000Z",
            onlyCreator: true,
          },
        ],
        nextCursor: null,
      }),
      "members.invitations": () => invitations,
      "members.add": (input: { email: string; role?: "creator" | "editor" | "viewer" }) => {
        const role = input.role ?? "viewer";
        invitations.push({
          email: input.email,
          role,
          createdAt: "2026-01-02T03:04:05.000Z",
          expiresAt: EXPIRES,
        });
        return { email: input.email, role, invitation: { link: LINK, expiresAt: EXPIRES } };
      },
      "members.revokeInvitation": (input: { email: string }) => {
        const index = invitations.findIndex((invitation) => invitation.email === input.email);
        if (index === -1)
          throw new FakeError("NOT_FOUND", `No invitation of ${input.email} to "shop" is pending.`);
        invitations.splice(index, 1);
        return { revoked: input.email };
      },
    },
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("collaborators tab", () => {
  it("gives the link to send when the added email has no account yet, with its expiry and a copy button", async () => {
    vi.stubGlobal("isSecureContext", true);
    const server = inviteOnlyServer();
    const { user, api } = renderWithApi(<CollaboratorsTab />, { procedures: server.procedures });

    await user.type(await screen.findByLabelText("Email"), "newcomer@example.com");
    await user.selectOptions(screen.getByLabelText("Role"), "editor");
    await user.click(screen.getByRole("button", { name: "Add collaborator" }));

    const panel = await screen.findByRole("region", { name: "Invitation for newcomer@example.com" });
    expect(api.inputsOf("members.add")).toEqual([
      { project: "shop", email: "newcomer@example.com", role: "editor" },
    ]);
    expect(
      within(panel).getByLabelText<HTMLInputElement>("Invitation link for newcomer@example.com").value,
    ).toBe(LINK);
    expect(panel.textContent).toContain(`until ${formatDateTime(EXPIRES)}`);
    expect(panel.textContent).toContain("join shop as an editor");
    expect(document.activeElement).toBe(panel);

    await user.click(within(panel).getByRole("button", { name: "Copy link" }));
    expect(await navigator.clipboard.readText()).toBe(LINK);

    // The invitation is now pending, listed without its secret.
    const pending = await screen.findByRole("list", { name: "Pending invitations to shop" });
    expect(pending.textContent).toContain("newcomer@example.com");
    expect(pending.textContent).not.toContain("s3cr3t");

    await user.click(within(panel).getByRole("button", { name: "I have sent it" }));
    await waitFor(() => {
      expect(screen.queryByRole("region", { name: /Invitation for/ })).toBeNull();
    });
    expect(document.body.innerHTML).not.toContain("s3cr3t");
  });

  it("still says to register first where registration is open (no invitation, NOT_FOUND)", async () => {
    const { user } = renderWithApi(<CollaboratorsTab />, {
      procedures: {
        ...inviteOnlyServer().procedures,
        "members.add": (input) => {
          throw new FakeError(
            "NOT_FOUND",
            `Nobody has registered with ${input.email}: ask them to create an account first.`,
            {
              issues: [{ path: "email", message: "has no account yet: ask them to register first" }],
            },
          );
        },
      },
    });
    await user.type(await screen.findByLabelText("Email"), "stranger@example.com");
    await user.click(screen.getByRole("button", { name: "Add collaborator" }));
    await waitFor(() => {
      expect(screen.getByLabelText("Email").getAttribute("aria-invalid")).toBe("true");
    });
    expect(document.body.textContent).toContain("has no account yet: ask them to register first");
    expect(screen.queryByRole("region", { name: /Invitation for/ })).toBeNull();
    expect(screen.queryByRole("heading", { name: "Pending invitations" })).toBeNull();
  });

  it("lists pending invitations with role and expiry, and revokes one after asking", async () => {
    const server = inviteOnlyServer([
      { email: "bob@example.com", role: "viewer", createdAt: "2026-01-02T03:04:05.000Z", expiresAt: EXPIRES },
      { email: "cy@example.com", role: "editor", createdAt: "2026-01-02T03:04:05.000Z", expiresAt: EXPIRES },
    ]);
    const { user, api } = renderWithApi(<CollaboratorsTab />, { procedures: server.procedures });

    const list = await screen.findByRole("list", { name: "Pending invitations to shop" });
    const [bob, cy] = within(list).getAllByRole("listitem");
    expect(bob!.textContent).toContain("bob@example.com");
    expect(bob!.textContent).toContain("viewer");
    expect(bob!.textContent).toContain(`expires ${formatDateTime(EXPIRES)}`);
    expect(cy!.textContent).toContain("editor");

    await user.click(within(bob!).getByRole("button", { name: "Revoke the invitation of bob@example.com" }));
    // Nothing is revoked until the question is answered.
    const question = within(bob!).getByRole("group", { name: /Revoke the invitation of bob@example.com\?/ });
    expect(api.inputsOf("members.revokeInvitation")).toEqual([]);
    await user.click(within(question).getByRole("button", { name: "Revoke" }));

    await waitFor(() => {
      expect(within(list).getAllByRole("listitem")).toHaveLength(1);
    });
    expect(api.inputsOf("members.revokeInvitation")).toEqual([{ project: "shop", email: "bob@example.com" }]);
    expect(list.textContent).not.toContain("bob@example.com");
    expect(screen.getByRole("status").textContent).toContain("The invitation of bob@example.com was revoked");
  });

  it("says why a revocation failed", async () => {
    const server = inviteOnlyServer([
      { email: "bob@example.com", role: "viewer", createdAt: "2026-01-02T03:04:05.000Z", expiresAt: EXPIRES },
    ]);
    const { user } = renderWithApi(<CollaboratorsTab />, {
      procedures: {
        ...server.procedures,
        "members.revokeInvitation": () => {
          throw new FakeError("NOT_FOUND", 'No invitation of bob@example.com to "shop" is pending.');
        },
      },
    });
    const list = await screen.findByRole("list", { name: "Pending invitations to shop" });
    await user.click(within(list).getByRole("button", { name: "Revoke the invitation of bob@example.com" }));
    await user.click(within(list).getByRole("button", { name: "Revoke" }));
    await waitFor(() => {
      expect(screen.getByRole("status").textContent).toContain(
        'No invitation of bob@example.com to "shop" is pending.',
      );
    });
    expect(list.textContent).toContain("bob@example.com");
  });
});
