import { describe, expect, it } from "vitest";
import { describeError, errorCode, formErrors } from "../../src/lib/errors.js";
import { projectNameProblem, suggestProjectName } from "../../src/lib/project-name.js";
import { safeNext } from "../../src/lib/safe-next.js";
import { createApiClient } from "../../src/trpc.js";
import { fakeApi, FakeError } from "../support/fake-api.js";

/** The error the real client raises for a fake server's answer. */
async function refusal(error: FakeError | Error): Promise<unknown> {
  const api = fakeApi({
    "projects.create": () => {
      throw error;
    },
  });
  const client = createApiClient({
    fetch: error instanceof FakeError ? api.fetch : () => Promise.reject(new TypeError("fetch failed")),
  });
  return client.projects.create.mutate({ name: "x" }).then(
    () => expect.unreachable(),
    (caught: unknown) => caught,
  );
}

describe("describeError", () => {
  it("tells what to do when the server cannot be reached", async () => {
    const error = await refusal(new Error("offline"));
    expect(errorCode(error)).toBeUndefined();
    expect(describeError(error)).toMatch(/^Could not reach the BabyHelm server\. Check your connection/);
  });

  it("words validation issues instead of tRPC's raw report", async () => {
    const error = await refusal(
      new FakeError("BAD_REQUEST", '[{"code":"too_small"}]', {
        issues: [{ path: "name", message: "must not be empty" }],
      }),
    );
    expect(describeError(error)).toBe("Please correct: name must not be empty.");
  });

  it("turns a rate limit into the wait", async () => {
    const error = await refusal(new FakeError("TOO_MANY_REQUESTS", "Too many", { retryAfterSeconds: 600 }));
    expect(describeError(error)).toBe("Too many attempts. Try again in 10 minutes.");
  });

  it("adds a next step to an internal error", async () => {
    const internal = await refusal(new FakeError("INTERNAL_SERVER_ERROR", "Internal error (request r-1)."));
    expect(describeError(internal)).toContain("give the request id to whoever runs this server");
  });

  it("places issues on known fields and the rest above the form", async () => {
    const error = await refusal(
      new FakeError("BAD_REQUEST", "x", {
        issues: [
          { path: "email", message: "must be an email address" },
          { path: "mode", message: "must be cookie or token" },
        ],
      }),
    );
    expect(formErrors(error, ["email", "password"] as const)).toEqual({
      byField: { email: "must be an email address" },
      general: "Please correct: mode must be cookie or token.",
    });
    expect(formErrors(null, ["email"] as const)).toEqual({ byField: {}, general: undefined });
  });
});

describe("safeNext", () => {
  it("accepts paths of this site and nothing else", () => {
    expect(safeNext("/projects/shop?tab=1")).toBe("/projects/shop?tab=1");
    expect(safeNext(null)).toBe("/projects");
    for (const unsafe of [
      "//evil.example",
      "https://evil.example",
      "/\\evil.example",
      "javascript:alert(1)",
      "/login",
    ]) {
      expect(safeNext(unsafe)).toBe("/projects");
    }
  });
});

describe("suggestProjectName", () => {
  it("turns what was typed into a valid name, when it can", () => {
    expect(suggestProjectName("Team Shop!")).toBe("team-shop");
    expect(suggestProjectName("Équipe  Zürich")).toBe("equipe-zurich");
    expect(suggestProjectName("shop")).toBeUndefined();
    expect(suggestProjectName("Default")).toBeUndefined();
    expect(suggestProjectName("!!!")).toBeUndefined();
  });
});

describe("projectNameProblem", () => {
  it("follows the server's rule", () => {
    expect(projectNameProblem("shop-2")).toBeUndefined();
    expect(projectNameProblem("a".repeat(63))).toBeUndefined();
    expect(projectNameProblem("a".repeat(64))).toMatch(/at most 63/);
    expect(projectNameProblem("-shop")).toMatch(/DNS-1123/);
    expect(projectNameProblem("shop_2")).toMatch(/DNS-1123/);
    expect(projectNameProblem("kube-shop")).toMatch(/reserved/);
    expect(projectNameProblem("")).toBe("must not be empty");
  });
});
