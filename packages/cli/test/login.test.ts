// `babyhelm login` stores the server and token for the user alone; the environment, when set, wins over the file.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialsPath } from "../src/index.js";
import { apiToken, run, scratchDir, startTestServer, type TestServer } from "./support.js";

let running: TestServer;
let token: string;
let url: string;

beforeAll(async () => {
  running = await startTestServer();
  url = running.server.url;
  const signedIn = await apiToken(url, "login@example.com");
  token = signedIn.token;
  await signedIn.client.projects.create.mutate({ name: "team" });
});

afterAll(async () => {
  await running?.stop();
});

describe("credentialsPath", () => {
  it("is under XDG_CONFIG_HOME, else ~/.config, and %APPDATA% on Windows", () => {
    expect(credentialsPath({ XDG_CONFIG_HOME: "/x", HOME: "/home/u" }, "linux")).toBe(
      "/x/babyhelm/credentials.json",
    );
    expect(credentialsPath({ HOME: "/home/u" }, "darwin")).toBe("/home/u/.config/babyhelm/credentials.json");
    expect(credentialsPath({ APPDATA: "C:/Users/u/AppData/Roaming", XDG_CONFIG_HOME: "/x" }, "win32")).toBe(
      join("C:/Users/u/AppData/Roaming", "babyhelm", "credentials.json"),
    );
  });
});

describe("babyhelm login", () => {
  it("checks the token, stores it with mode 0600 in a 0700 directory, and the other commands use it", async () => {
    const config = scratchDir();
    const env = { XDG_CONFIG_HOME: config };
    const path = join(config, "babyhelm", "credentials.json");
    const login = await run(["login", "--url", `${url}/`], { env, stdin: `${token}\n` });
    expect(login.stderr).toBe("");
    expect(login.code).toBe(0);
    expect(login.stdout).toBe(`Signed in to ${url} as login@example.com (stored in ${path})\n`);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ url, token });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);

    const listed = await run(["apps", "list", "--project", "team"], { env });
    expect(listed).toEqual({ code: 0, stdout: expect.stringMatching(/^No apps in team/), stderr: "" });

    // The environment wins over the file: a wrong token there is refused, though the stored one is good.
    const overridden = await run(["apps", "list", "--project", "team"], {
      env: { ...env, BABYHELM_URL: url, BABYHELM_TOKEN: "bhp_wrong" },
    });
    expect(overridden.code).toBe(1);
    expect(overridden.stderr).toMatch(/^The server refused the token/);

    const logout = await run(["logout"], { env });
    expect(logout).toEqual({ code: 0, stdout: `Signed out (removed ${path})\n`, stderr: "" });
    expect(existsSync(path)).toBe(false);
    const signedOut = await run(["apps", "list", "--project", "team"], { env });
    expect(signedOut.code).toBe(1);
    expect(signedOut.stderr).toMatch(/^babyhelm: Not signed in: run `babyhelm login/);
  });

  it("stores nothing when the server refuses the token or cannot be reached", async () => {
    const config = scratchDir();
    const env = { XDG_CONFIG_HOME: config };
    const refused = await run(["login", "--url", url, "--token", "bhp_not-a-real-token"], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${url} does not accept this token`);
    const unreachable = await run(["login", "--url", "http://127.0.0.1:9", "--token", token], { env });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^Cannot reach the server/);
    const noToken = await run(["login", "--url", url], { env, stdin: "\n" });
    expect(noToken.code).toBe(2);
    expect(existsSync(join(config, "babyhelm"))).toBe(false);
  });
});
