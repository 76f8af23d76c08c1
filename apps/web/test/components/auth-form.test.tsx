import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import LoginPage from "../../src/pages/login.js";
import RegisterPage from "../../src/pages/register.js";
import { deferred, FakeError, type ProcedureOutput } from "../support/fake-api.js";
import { describedText, renderWithApi } from "../support/render.js";

const signedOut = { "auth.me": () => null };

describe("registration form", () => {
  it("shows each field issue of a refusal beside its field, tied to the input for screen readers", async () => {
    const { user, api } = renderWithApi(<RegisterPage />, {
      path: "/register",
      route: "/register",
      procedures: {
        ...signedOut,
        "auth.register": () => {
          throw new FakeError("BAD_REQUEST", "password: must be at least 10 characters", {
            issues: [{ path: "password", message: "must be at least 10 characters" }],
          });
        },
      },
    });
    await user.type(await screen.findByLabelText("Email"), "ada@example.com");
    await user.type(screen.getByLabelText("Password"), "short");
    await user.click(screen.getByRole("button", { name: "Create account" }));

    const password = screen.getByLabelText("Password");
    await waitFor(() => {
      expect(password.getAttribute("aria-invalid")).toBe("true");
    });
    const describedBy = (password.getAttribute("aria-describedby") ?? "").split(" ");
    const descriptions = describedBy.map((id) => document.getElementById(id)?.textContent);
    expect(descriptions).toContain("Password must be at least 10 characters");
    expect(screen.getByLabelText("Email").getAttribute("aria-invalid")).toBeNull();
    // The issue is placed beside its field, so no general alert repeats it.
    expect(screen.queryByRole("alert")).toBeNull();
    expect(api.inputsOf("auth.register")).toEqual([{ email: "ada@example.com", password: "short" }]);
  });

  it("says what to do when the email is taken, with a link to sign in that keeps the way back", async () => {
    const { user } = renderWithApi(<RegisterPage />, {
      path: "/register",
      route: "/register?next=%2Fprojects%2Fshop",
      procedures: {
        ...signedOut,
        "auth.register": () => {
          throw new FakeError("CONFLICT", "An account with this email already exists: sign in instead.", {
            issues: [{ path: "email", message: "is already registered: sign in instead" }],
          });
        },
      },
    });
    await user.type(await screen.findByLabelText("Email"), "ada@example.com");
    await user.type(screen.getByLabelText("Password"), "a long and unusual passphrase");
    await user.click(screen.getByRole("button", { name: "Create account" }));

    // Beside the email, which is what it is about.
    await waitFor(() => {
      expect(describedText(screen.getByLabelText("Email"))).toContain(
        "Email is already registered: sign in instead",
      );
    });
    expect(screen.getByRole("link", { name: "Sign in with this email" }).getAttribute("href")).toBe(
      "/login?next=%2Fprojects%2Fshop",
    );
  });

  it("disables the button and says it is working while the request runs, then goes where it was sent", async () => {
    const answer = deferred<ProcedureOutput<"auth.register">>();
    const { user } = renderWithApi(<RegisterPage />, {
      path: "/register",
      route: "/register?next=%2Faccount",
      procedures: { ...signedOut, "auth.register": () => answer.promise },
    });
    await user.type(await screen.findByLabelText("Email"), "ada@example.com");
    await user.type(screen.getByLabelText("Password"), "a long and unusual passphrase");
    await user.click(screen.getByRole("button", { name: "Create account" }));

    const pending = await screen.findByRole("button", { name: "Creating account…" });
    expect(pending).toHaveProperty("disabled", true);
    answer.resolve({ user: { id: "u1", email: "ada@example.com" } });
    expect((await screen.findByTestId("location")).textContent).toBe("/account");
    expect(screen.getByRole("status").textContent).toContain(
      "Welcome! Your account ada@example.com is ready.",
    );
  });
});

describe("registration by invitation", () => {
  it("sends the invitation of the link with the account, and says the person is joining by invitation", async () => {
    const { user, api } = renderWithApi(<RegisterPage />, {
      path: "/register",
      route: "/register?invite=s3cr3t-invitation",
      procedures: {
        ...signedOut,
        "auth.register": (input) => ({ user: { id: "u2", email: input.email } }),
      },
    });
    expect((await screen.findByText(/You are joining by invitation/)).textContent).toContain(
      "the email address the invitation was sent to",
    );
    expect(describedText(screen.getByLabelText("Email"))).toContain(
      "The address the invitation was sent to.",
    );
    await user.type(screen.getByLabelText("Email"), "newcomer@example.com");
    await user.type(screen.getByLabelText("Password"), "a long and unusual passphrase");
    await user.click(screen.getByRole("button", { name: "Create account" }));

    expect((await screen.findByTestId("location")).textContent).toBe("/projects");
    expect(api.inputsOf("auth.register")).toEqual([
      {
        email: "newcomer@example.com",
        password: "a long and unusual passphrase",
        invite: "s3cr3t-invitation",
      },
    ]);
    expect(screen.getByRole("status").textContent).toContain(
      "you have joined the project you were invited to",
    );
  });

  it("says in plain words that an invitation link is used or expired, and what to do", async () => {
    const { user } = renderWithApi(<RegisterPage />, {
      path: "/register",
      route: "/register?invite=stale",
      procedures: {
        ...signedOut,
        "auth.register": () => {
          throw new FakeError("BAD_REQUEST", "invite: is unknown, used or expired", {
            issues: [
              {
                path: "invite",
                message: "is unknown, used or expired: ask the project's creator for a new link",
              },
            ],
          });
        },
      },
    });
    await user.type(await screen.findByLabelText("Email"), "newcomer@example.com");
    await user.type(screen.getByLabelText("Password"), "a long and unusual passphrase");
    await user.click(screen.getByRole("button", { name: "Create account" }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "This invitation link is unknown, used or expired: ask the project's creator for a new link.",
    );
  });

  it("passes on the server's refusal where registration needs an invitation", async () => {
    const refusal =
      "Registration on this server is by invitation: ask a project's creator to add your email, then open the link they get.";
    const { user, api } = renderWithApi(<RegisterPage />, {
      path: "/register",
      route: "/register",
      procedures: {
        ...signedOut,
        "auth.register": () => {
          throw new FakeError("FORBIDDEN", refusal);
        },
      },
    });
    expect(screen.queryByText(/joining by invitation/)).toBeNull();
    await user.type(await screen.findByLabelText("Email"), "walk-in@example.com");
    await user.type(screen.getByLabelText("Password"), "a long and unusual passphrase");
    await user.click(screen.getByRole("button", { name: "Create account" }));
    expect((await screen.findByRole("alert")).textContent).toBe(refusal);
    expect(api.inputsOf("auth.register")[0]).not.toHaveProperty("invite");
  });
});

describe("sign-in form", () => {
  it("keeps a wrong password on the form and explains a rate limit with the wait", async () => {
    let attempts = 0;
    const { user } = renderWithApi(<LoginPage />, {
      path: "/login",
      route: "/login",
      procedures: {
        ...signedOut,
        "auth.login": () => {
          attempts++;
          if (attempts === 1) throw new FakeError("UNAUTHORIZED", "Wrong email or password.");
          throw new FakeError("TOO_MANY_REQUESTS", "Too many sign-in attempts. Try again in 42 s.", {
            retryAfterSeconds: 42,
          });
        },
      },
    });
    await user.type(await screen.findByLabelText("Email"), "ada@example.com");
    await user.type(screen.getByLabelText("Password"), "not the password");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Wrong email or password.");

    await user.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => {
      expect(screen.getByRole("alert").textContent).toBe("Too many attempts. Try again in 42 seconds.");
    });
    expect(within(document.body).queryByTestId("location")).toBeNull();
  });

  it("ignores a `next` that points to another site", async () => {
    const { user } = renderWithApi(<LoginPage />, {
      path: "/login",
      route: "/login?next=%2F%2Fevil.example%2Fphish",
      procedures: {
        ...signedOut,
        "auth.login": () => ({
          user: { id: "u1", email: "ada@example.com" },
          expiresAt: new Date().toISOString(),
        }),
      },
    });
    await user.type(await screen.findByLabelText("Email"), "ada@example.com");
    await user.type(screen.getByLabelText("Password"), "a long and unusual passphrase");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByTestId("location")).textContent).toBe("/projects");
  });
});
