// Role changes ask before they are made (the role select is the one way to make someone a creator), the only creator
// is told beforehand why they cannot step down or leave, roles read "an editor", and one question is open at a time.
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import CollaboratorsTab from "../../src/pages/project/collaborators.js";
import type { ProcedureOutput } from "../support/fake-api.js";
import { renderWithApi } from "../support/render.js";

const project = vi.hoisted(() => ({
  current: {
    name: "shop",
    namespace: "shop",
    role: "creator",
    pack: "default@2.0.0",
    appCount: 0,
    createdAt: "2026-01-02T03:04:05.000Z",
  },
}));
vi.mock("../../src/pages/project/project-layout.js", () => ({ useProject: () => project.current }));

type Members = ProcedureOutput<"members.list">["items"];
const since = "2026-01-02T03:04:05.000Z";

function team(): Members {
  return [
    { email: "ada@example.com", role: "creator", you: true, since, onlyCreator: true },
    { email: "bob@example.com", role: "viewer", you: false, since, onlyCreator: false },
    { email: "cy@example.com", role: "editor", you: false, since, onlyCreator: false },
  ];
}

function renderTeam(members = team()) {
  return renderWithApi(<CollaboratorsTab />, {
    procedures: {
      "members.list": () => ({ items: members, nextCursor: null }),
      "members.invitations": () => [],
      "members.updateRole": (input) => ({ email: input.email, role: input.role }),
      "members.remove": (input) => ({ removed: input.email }),
    },
  });
}

function rowOf(email: string): HTMLElement {
  return screen.getByText(email).closest("li")!;
}

describe("collaborators' roles", () => {
  it("tells the only creator up front why they cannot become editor or viewer, nor leave", async () => {
    renderTeam();
    const select = await screen.findByLabelText<HTMLSelectElement>("Role of ada@example.com");
    const options = [...select.options].map((option) => [option.value, option.disabled, option.textContent]);
    expect(options).toEqual([
      ["viewer", true, "viewer (needs another creator)"],
      ["editor", true, "editor (needs another creator)"],
      ["creator", false, "creator"],
    ]);
    const reason =
      "You are the only creator of shop: make someone else a creator first, then you can change your role or leave.";
    expect(within(rowOf("ada@example.com")).getByText(reason)).toBeTruthy();
    const leave = within(rowOf("ada@example.com")).getByRole("button", { name: "Leave project" });
    expect(leave.hasAttribute("disabled")).toBe(true);
    expect(document.getElementById(leave.getAttribute("aria-describedby")!)!.textContent).toBe(reason);
    // One route to ownership: the role select; no separate hand-over button.
    expect(screen.queryByRole("button", { name: /Transfer ownership/ })).toBeNull();
  });

  it("asks before changing a role, in words with the right article, and sends nothing on Cancel", async () => {
    const { user, api } = renderTeam();
    await user.selectOptions(await screen.findByLabelText("Role of bob@example.com"), "editor");
    const question = within(rowOf("bob@example.com")).getByRole("group");
    expect(question.textContent).toContain(
      "Make bob@example.com an editor of shop? An editor may create, update, restart, roll back and delete apps.",
    );
    await user.click(within(question).getByRole("button", { name: "Cancel" }));
    expect(screen.getByLabelText<HTMLSelectElement>("Role of bob@example.com").value).toBe("viewer");
    expect(api.inputsOf("members.updateRole")).toEqual([]);

    await user.selectOptions(screen.getByLabelText("Role of bob@example.com"), "creator");
    await user.click(within(rowOf("bob@example.com")).getByRole("button", { name: "Change role" }));
    expect(await screen.findByText("bob@example.com is now a creator of shop.")).toBeTruthy();
    expect(api.inputsOf("members.updateRole")).toEqual([
      { project: "shop", email: "bob@example.com", role: "creator" },
    ]);
  });

  it("keeps one confirmation open at a time across the page", async () => {
    const { user } = renderTeam();
    await user.click(await screen.findByRole("button", { name: "Remove bob@example.com" }));
    expect(
      within(rowOf("bob@example.com")).getByRole("group", { name: /Remove bob@example.com/ }),
    ).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Remove cy@example.com" }));
    await waitFor(() => {
      expect(within(rowOf("bob@example.com")).queryByRole("group")).toBeNull();
    });
    expect(screen.getAllByRole("group")).toHaveLength(1);
    await user.selectOptions(screen.getByLabelText("Role of bob@example.com"), "editor");
    await waitFor(() => {
      expect(within(rowOf("cy@example.com")).queryByRole("group")).toBeNull();
    });
    expect(screen.getAllByRole("group").map((group) => group.getAttribute("aria-label"))).toEqual([
      expect.stringMatching(/^Make bob@example.com an editor/),
    ]);
  });
});
