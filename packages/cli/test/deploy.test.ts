// The platform commands against a whole server on PGlite and the sandbox, signed in with an API token as CI is.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitForRollout, type BabyhelmClient } from "@babyhelm/client";
import { parseAppDocument } from "@babyhelm/manifest-sdk/app-document";
import { runBabyhelm } from "../src/index.js";
import { apiToken, run, runChild, scratchDir, startTestServer, type TestServer } from "./support.js";

let running: TestServer;
let client: BabyhelmClient;
let env: Record<string, string>;
const project = "shop";
const workdir = scratchDir();

beforeAll(async () => {
  running = await startTestServer();
  const signedIn = await apiToken(running.server.url, "ci@example.com");
  client = signedIn.client;
  env = { BABYHELM_URL: running.server.url, BABYHELM_TOKEN: signedIn.token, XDG_CONFIG_HOME: workdir };
  await client.projects.create.mutate({ name: project });
});

afterAll(async () => {
  await running?.stop();
});

function file(name: string, text: string): string {
  writeFileSync(join(workdir, name), text);
  return name;
}

function appYaml(image: string, mode: string): string {
  return `name: web
pack: default@2
spec:
  image: ${image}
  ports:
    - port: 80
  env:
    - name: MODE
      value: ${mode}
`;
}

async function revisionsOf(name: string): Promise<number[]> {
  return (await client.apps.revisions.query({ project, name })).items.map((item) => item.revision);
}

describe("babyhelm deploy", { concurrent: false }, () => {
  it("creates a new app and waits until it is ready (the bin, as a child process)", async () => {
    const result = await runChild(
      ["deploy", "-f", file("web.yaml", appYaml("nginx:1.27", "one")), "--project", project],
      {
        cwd: workdir,
        env,
      },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`web created in ${project} with default@2.1.0 (revision 1)\n`);
    // Not a terminal: each change of the progress line is a line of its own, the last one ready.
    expect(result.stdout).toMatch(/^web: ready (\d+)\/\1 - .+$/m);
    expect(result.stdout).not.toContain("\r");
    expect(result.stdout.endsWith("web is ready (revision 1)\n")).toBe(true);
    expect(await revisionsOf("web")).toEqual([1]);
  });

  it("does nothing when the file is what runs: no new revision", async () => {
    const result = await run(["deploy", "-f", "web.yaml", "-p", project], { cwd: workdir, env });
    expect(result).toEqual({ code: 0, stdout: "web is up to date (revision 1)\n", stderr: "" });
    expect(await revisionsOf("web")).toEqual([1]);
  });

  it("prints the diff of a changed file, makes a new revision and follows it, in place on a terminal", async () => {
    file("web.yaml", appYaml("nginx:1.27", "two"));
    const result = await run(["deploy", "-f", "web.yaml", "-p", project], { cwd: workdir, env, isTTY: true });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^~ Deployment\/web .*changed$/m);
    expect(result.stdout).toContain('"one" -> "two"');
    expect(result.stdout).toContain("web updated to revision 2\n");
    expect(result.stdout).toContain("\r\x1b[2Kweb: ready ");
    expect(result.stdout.endsWith("\nweb is ready (revision 2)\n")).toBe(true);
    expect(await revisionsOf("web")).toEqual([2, 1]);
    expect((await client.apps.get.query({ project, name: "web" })).env).toEqual([
      { name: "MODE", value: "two" },
    ]);
  });

  it("exports the app as the document deploy takes: deploying the export changes nothing", async () => {
    const exported = await run(["export", "app", "web", "--project", project], { env });
    expect(exported.code).toBe(0);
    expect(parseAppDocument(exported.stdout)).toEqual({
      name: "web",
      pack: "default@2.1.0",
      spec: { image: "nginx:1.27", ports: [{ port: 80 }], env: [{ name: "MODE", value: "two" }] },
    });
    file("exported.yaml", exported.stdout);
    const again = await run(["deploy", "-f", "exported.yaml", "-p", project], { cwd: workdir, env });
    expect(again).toEqual({ code: 0, stdout: "web is up to date (revision 2)\n", stderr: "" });
    expect(await revisionsOf("web")).toEqual([2, 1]);
  });

  it("deploys another image with --image, the file left as it is", async () => {
    const result = await run(["deploy", "-f", "exported.yaml", "-p", project, "--image", "nginx:1.28"], {
      cwd: workdir,
      env,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"nginx:1.27" -> "nginx:1.28"');
    expect(result.stdout).toContain("web is ready (revision 3)\n");
    expect((await client.apps.get.query({ project, name: "web" })).image).toBe("nginx:1.28");
  });

  it("rolls back to the previous revision by default, and to --to N", async () => {
    const previous = await run(["rollback", "web", "-p", project], { env });
    expect(previous.stderr).toBe("");
    expect(previous.code).toBe(0);
    expect(previous.stdout).toContain("web rolled back to revision 2's spec (now revision 4)\n");
    expect(previous.stdout).toContain("web is ready (revision 4)\n");
    expect((await client.apps.get.query({ project, name: "web" })).image).toBe("nginx:1.27");
    const first = await run(["rollback", "web", "-p", project, "--to", "1", "--no-wait"], { env });
    expect(first).toEqual({
      code: 0,
      stdout: "web rolled back to revision 1's spec (now revision 5)\n",
      stderr: "",
    });
    expect((await client.apps.get.query({ project, name: "web" })).env).toEqual([
      { name: "MODE", value: "one" },
    ]);
  });

  it("sends stored secrets from the environment, never prints them, and sends them again only to rotate", async () => {
    const secretApp = file(
      "payments.yaml",
      "name: payments\npack: default@2\nspec:\n  image: nginx:1.27\n  ports:\n    - port: 80\n  secrets:\n    - name: DB_PASSWORD\n",
    );
    const secretEnv = { ...env, CI_DB_PASSWORD: "first-Value-91" };
    const missing = await run(["deploy", "-f", secretApp, "-p", project, "--secret", "DB_PASSWORD=NOPE"], {
      cwd: workdir,
      env: secretEnv,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("the environment variable NOPE is not set");
    const created = await run(
      ["deploy", "-f", secretApp, "-p", project, "--secret", "DB_PASSWORD=CI_DB_PASSWORD", "--no-wait"],
      { cwd: workdir, env: secretEnv },
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("payments created in shop with default@2.1.0 (revision 1)\n");
    const first = await client.apps.secrets.query({ project, name: "payments" });
    expect(first).toMatchObject([{ name: "DB_PASSWORD", source: "stored" }]);

    // The same file and value again: nothing to send (the app has DB_PASSWORD), nothing to change.
    const again = await run(
      ["deploy", "-f", secretApp, "-p", project, "--secret", "DB_PASSWORD=CI_DB_PASSWORD", "--no-wait"],
      { cwd: workdir, env: secretEnv },
    );
    expect(again).toEqual({ code: 0, stdout: "payments is up to date (revision 1)\n", stderr: "" });

    // The export carries the secret's name only (not the server-filled version label) and deploys back unchanged.
    const exported = await run(["export", "app", "payments", "--project", project], { env });
    expect(exported.stdout).toContain("- name: DB_PASSWORD");
    expect(exported.stdout).not.toContain("secretsVersion");
    file("payments-exported.yaml", exported.stdout);
    expect(
      (await run(["deploy", "-f", "payments-exported.yaml", "-p", project], { cwd: workdir, env })).stdout,
    ).toBe("payments is up to date (revision 1)\n");

    const rotated = await run(
      [
        "deploy",
        "-f",
        secretApp,
        "-p",
        project,
        "--secret",
        "DB_PASSWORD=CI_DB_PASSWORD",
        "--rotate-secrets",
      ],
      { cwd: workdir, env: { ...secretEnv, CI_DB_PASSWORD: "second-Value-92" } },
    );
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain("secret DB_PASSWORD changed");
    expect(rotated.stdout).toContain("payments is ready (revision 2)\n");
    const second = await client.apps.secrets.query({ project, name: "payments" });
    expect(second[0]!.fingerprint).not.toBe(first[0]!.fingerprint);
    for (const output of [created, again, exported, rotated])
      expect(output.stdout + output.stderr).not.toMatch(/first-Value-91|second-Value-92/);
  });

  it("exits 1 with the status's reason when the image cannot be pulled", async () => {
    const broken = file(
      "broken.yaml",
      "name: broken\nspec:\n  image: invalid.example/app:1\n  ports:\n    - port: 8080\n",
    );
    const result = await run(["deploy", "-f", broken, "-p", project], { cwd: workdir, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("broken created in");
    expect(result.stderr).toMatch(/^broken is failed: .*invalid\.example\/app:1/);
    const status = await client.apps.status.query({ project, name: "broken" });
    expect(result.stderr).toContain(status.problem!.summary);
    expect(result.stderr).toContain(status.problem!.next);
    const reported = await run(["apps", "status", "broken", "-p", project], { env });
    expect(reported.code).toBe(1);
    expect(reported.stdout).toMatch(/^broken: failed - /);
    expect(reported.stdout).toMatch(/ErrImagePull|ImagePullBackOff/);
  });

  it("prints the server's field errors as path: message, and creates nothing", async () => {
    const bad = file("bad.yaml", "name: bad\nspec:\n  image: nginx:1.27\n  ports:\n    - port: 70000\n");
    const result = await run(["deploy", "-f", bad, "-p", project], { cwd: workdir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^spec\.ports\[0\]\.port: .+$/m);
    expect(result.stdout).toBe("");
    const names = (await client.apps.list.query({ project })).items.map((app) => app.name);
    expect(names).not.toContain("bad");
  });

  it("deploys a bare spec named by --name, without waiting with --no-wait", async () => {
    const bare = file("api.yaml", "image: nginx:1.27\nports:\n  - port: 80\n");
    const result = await run(["deploy", "-f", bare, "-p", project, "--name", "api", "--no-wait"], {
      cwd: workdir,
      env,
    });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(/^api created in shop with .+ \(revision 1\)\n$/);
  });

  it("exits 3 when the rollout outlasts --timeout", async () => {
    file("web.yaml", appYaml("nginx:1.29", "one"));
    const result = await run(["deploy", "-f", "web.yaml", "-p", project, "--timeout", "1ms"], {
      cwd: workdir,
      env,
    });
    expect(result.stderr).toMatch(
      /did not settle within 0\.001 s.*babyhelm apps status web --project shop$/m,
    );
    expect(result.code).toBe(3);
  });

  it("refuses command lines it cannot run with exit 2 and the command's help", async () => {
    for (const args of [
      ["deploy", "-f", "web.yaml"],
      ["deploy", "-p", project],
      ["deploy", "-f", "web.yaml", "-p", project, "--timeout", "soon"],
      ["deploy", "-f", "web.yaml", "-p", project, "--bogus"],
      ["apps", "frobnicate"],
      ["rollback", "-p", project],
      ["frobnicate"],
    ]) {
      const result = await run(args, { cwd: workdir, env });
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toMatch(/Run "babyhelm( \w+)? --help" for usage/);
    }
  });
});

describe("babyhelm apps", () => {
  it("lists the project's apps, as a table and as JSON", async () => {
    const table = await run(["apps", "list", "-p", project], { env });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAME +STATE +REVISION +PACK +IMAGE\n/);
    expect(table.stdout).toMatch(/^web +\w+ +\d+ +default@2\.1\.0 +nginx:/m);
    const json = await run(["apps", "list", "-p", project, "--json"], { env });
    const apps = JSON.parse(json.stdout) as { name: string }[];
    expect(apps.map((app) => app.name)).toEqual(
      (await client.apps.list.query({ project, limit: 100 })).items.map((app) => app.name),
    );
  });

  it("prints the last lines of each pod's log", async () => {
    await waitForRollout(client, { project, name: "web", timeoutMs: 60_000 });
    const result = await run(["apps", "logs", "web", "-p", project, "--tail", "2"], { env });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatch(/^web-[a-z0-9-]+ \| .+$/);
    }
    // --tail 2 per pod.
    for (const pod of new Set(lines.map((line) => line.split(" | ")[0]))) {
      expect(lines.filter((line) => line.startsWith(`${pod!} | `))).toHaveLength(2);
    }
  });

  it("follows the logs with -f: lines written after the tail keep coming until stopped", async () => {
    const stop = new AbortController();
    let stdout = "";
    const tailed = (await client.apps.status.query({ project, name: "web" })).pods.length;
    const code = await runBabyhelm(["apps", "logs", "web", "-p", project, "-f", "--tail", "1"], {
      cwd: workdir,
      env,
      isTTY: false,
      signal: stop.signal,
      stdout: (text) => {
        stdout += text;
        // One line of history per pod, then at least two more that were written while following.
        if (stdout.split("\n").length > tailed + 3) stop.abort();
      },
      stderr: () => undefined,
      readStdin: () => Promise.resolve(""),
    });
    expect(code).toBe(0);
    expect(stdout.split("\n").length).toBeGreaterThan(tailed + 3);
  });
});
