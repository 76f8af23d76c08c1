// The inline confirmation's keyboard path: the question takes the focus, Escape and Cancel put it back on the button.
import { render, screen } from "@testing-library/react";
import { userEvent } from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ConfirmButton } from "../../src/components/confirm-button.js";

function renderConfirm(onConfirm = vi.fn()) {
  const user = userEvent.setup();
  render(
    <div>
      <button type="button">Before</button>
      <ConfirmButton
        label="Revoke"
        ariaLabel="Revoke the token ci"
        question='Revoke "ci"?'
        confirmLabel="Revoke token"
        pendingLabel="Revoking…"
        pending={false}
        onConfirm={onConfirm}
      />
    </div>,
  );
  return { user, onConfirm };
}

describe("ConfirmButton", () => {
  it("moves the focus into the question, and Escape closes it with the focus back on its button", async () => {
    const { user, onConfirm } = renderConfirm();
    await user.tab();
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Revoke the token ci" }));
    await user.keyboard("{Enter}");

    const question = screen.getByRole("group", { name: 'Revoke "ci"?' });
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Revoke token" }));
    expect(question.contains(document.activeElement)).toBe(true);
    // Tab stays within the question's answers, in reading order.
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Cancel" }));

    await user.keyboard("{Escape}");
    expect(screen.queryByRole("group", { name: 'Revoke "ci"?' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Revoke the token ci" }));
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it("puts the focus back on its button after Cancel, and confirms with Enter", async () => {
    const { user, onConfirm } = renderConfirm();
    await user.click(screen.getByRole("button", { name: "Revoke the token ci" }));
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Revoke the token ci" }));

    await user.keyboard("{Enter}");
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Revoke token" }));
    await user.keyboard("{Enter}");
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });
});
