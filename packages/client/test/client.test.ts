import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "@babyhelm/server";
import { createBabyhelmClient, errorCode, waitForRollout } from "../src/index.js";
import { registeredClient, startTestServer, type TestServer } from "./server.js";

let running: TestServer;
let server: RunningServer;

beforeAll(async () => {
  running = await startTestServer();
  ({ server } = running);
});

afterAll(async () => {
  await running?.stop();
});

describe("createBabyhelmClient", () => {
  it("logs in, creates an API token, and with a client built from it creates a project", async () => {
    const anonymous = createBabyhelmClient({ url: server.url });
    const email = "script@example.com";
    const password = "a long and unusual passphrase";
    await anonymous.auth.register.mutate({ email, password, mode: "token" });
    const login = await anonymous.auth.login.mutate({ email, password, mode: "token" });
    expect(login.token).toMatch(/^[a-z2-7]{32}$/);

    const session = createBabyhelmClient({ url: `${server.url}/`, token: login.token! });
    const { token } = await session.auth.tokens.create.mutate({ name: "ci", expiresInDays: 7 });

    const ci = createBabyhelmClient({ url: server.url, token });
    expect(await ci.auth.me.query()).toMatchObject({ email, via: "api-token" });
    const project = await ci.projects.create.mutate({ name: "from-ci" });
    expect(project).toMatchObject({ name: "from-ci", role: "creator" });
    const [listed, fetched] = await Promise.all([
      ci.projects.list.query({}),
      ci.projects.get.query({ name: "from-ci" }),
    ]);
    expect(listed.items.map((item) => item.name)).toEqual(["from-ci"]);
    expect(fetched.namespace).toBe("from-ci");
    expect(server.sandbox?.store.get("namespaces", undefined, "from-ci")).toBeDefined();
  });

  it("reports errors with their tRPC code", async () => {
    const anonymous = createBabyhelmClient({ url: server.url });
    const error = await anonymous.projects.list.query({}).catch((caught: unknown) => caught);
    expect(errorCode(error)).toBe("UNAUTHORIZED");
    expect(errorCode(new Error("plain"))).toBeUndefined();
  });

  it("waitForRollout passes on the server's refusal", async () => {
    const client = await registeredClient(server.url, "waiter@example.com");
    await client.projects.create.mutate({ name: "waiting" });
    const missing = await waitForRollout(client, { project: "waiting", name: "nothing" }).catch(
      (error: unknown) => error,
    );
    expect(errorCode(missing)).toBe("NOT_FOUND");
  });

  it("previews a spec too large for a URL: the client sends that query as POST", async () => {
    const client = await registeredClient(server.url, "previewer@example.com");
    await client.projects.create.mutate({ name: "previews" });
    const spec = {
      name: "big",
      image: "nginx:1.27",
      ports: [{ port: 80 }],
      env: [{ name: "BIG", value: "y".repeat(20_000) }],
    };
    // Over the 16 KB Node allows a request's head: as a GET, the server would refuse it before tRPC saw it.
    expect(encodeURIComponent(JSON.stringify(spec)).length).toBeGreaterThan(16 * 1024);
    const preview = await client.apps.previewManifests.query({ project: "previews", name: "big", spec });
    expect(JSON.stringify(preview.manifests)).toContain("y".repeat(20_000));
  });

  it("the server wrote the sandbox's kubeconfig into its data folder", () => {
    const kubeconfig = readFileSync(join(running.dataDir, "sandbox-kubeconfig.yaml"), "utf8");
    expect(kubeconfig).toContain(server.sandbox!.url);
  });
});
