// The fake server of the component tests, through the dashboard's real tRPC client: its handlers are typed from the
// server's router (the @ts-expect-error lines fail `pnpm typecheck` the day they compile), and it answers as the
// real server does on the wire.
import { describe, expect, it } from "vitest";
import { createApiClient } from "../../src/trpc.js";
import { fakeApi, FakeError, type Handlers } from "../support/fake-api.js";
import { appDetails } from "../support/fake-data.js";

describe("fakeApi", () => {
  it("answers a procedure with its handler's value, and records the inputs the client sent", async () => {
    const api = fakeApi({ "apps.get": (input) => appDetails("editor", "ready", { name: input.name }) });
    const client = createApiClient({ url: "/trpc", fetch: api.fetch });
    const app = await client.apps.get.query({ project: "shop", name: "api" });
    expect(app.name).toBe("api");
    expect(app.status.state).toBe("ready");
    expect(api.inputsOf("apps.get")).toEqual([{ project: "shop", name: "api" }]);
  });

  it("answers a FakeError, and a procedure it was given no handler for, as tRPC errors", async () => {
    const api = fakeApi({
      "apps.delete": () => {
        throw new FakeError("FORBIDDEN", "Viewers cannot delete apps.");
      },
    });
    const client = createApiClient({ url: "/trpc", fetch: api.fetch });
    await expect(client.apps.delete.mutate({ project: "shop", name: "web" })).rejects.toMatchObject({
      message: "Viewers cannot delete apps.",
      data: { code: "FORBIDDEN", httpStatus: 403, path: "apps.delete" },
    });
    await expect(client.apps.get.query({ project: "shop", name: "web" })).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
  });

  it("takes only handlers the router allows", () => {
    const unknownPath: Handlers = {
      // @ts-expect-error: the router has no such procedure.
      "apps.launchRockets": () => null,
    };
    const wrongAnswer: Handlers = {
      // @ts-expect-error: apps.redeploy answers { revision: number }, not a string.
      "apps.redeploy": () => "done",
    };
    const wrongInput: Handlers = {
      // @ts-expect-error: apps.get's input has no `id`.
      "apps.get": (input) => appDetails("editor", "ready", { name: input.id }),
    };
    // At run time they are handlers like any other: the types are what this test is about.
    expect([unknownPath, wrongAnswer, wrongInput].map((handlers) => Object.keys(handlers))).toEqual([
      ["apps.launchRockets"],
      ["apps.redeploy"],
      ["apps.get"],
    ]);
  });
});
