// The production folder the Dockerfile copies into the image, built by the same script (scripts/build-production.mjs)
// and started the same way, with plain `node` on PGlite and the built-in sandbox: no TypeScript source, tsx or dev
// tool in it, and a new user gets from registering to a ready application over HTTP.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar, makeClient, TEST_PASSWORD } from "./support/harness.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "babyhelm-production-folder-"));
const folder = join(work, "app");
/** Where the folder is built: it is then moved, as the image's COPY does, so nothing in it may name this path. */
const buildDir = join(work, "build");

/** Packages only development needs: none may be in the folder. */
const DEV_ONLY =
  /^(tsx|vitest|vite|@vitejs\+.*|esbuild|rolldown|eslint|turbo|prettier|autocannon|testcontainers)@/;

/** The environment of a machine that has only the folder: no loader or export condition inherited from vitest. */
function productionEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: work, NODE_ENV: "production", ...extra };
}

let server: ChildProcess | undefined;
let url: string;

beforeAll(async () => {
  const { NODE_OPTIONS: _loader, ...env } = process.env;
  await promisify(execFile)(process.execPath, [join(root, "scripts/build-production.mjs"), buildDir], {
    cwd: root,
    env: { ...env, NODE_ENV: "production" },
    maxBuffer: 64 * 1024 * 1024,
  });
  renameSync(buildDir, folder);

  server = spawn(process.execPath, [join(folder, "server/dist/main.js")], {
    cwd: work,
    env: productionEnv({ PORT: "0", HOST: "127.0.0.1", BABYHELM_DATA_DIR: join(work, "data") }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  url = await new Promise<string>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const started = /BabyHelm is running: open (http:\/\/\S+)/.exec(output);
      if (started?.[1] !== undefined) resolve(started[1]);
    };
    server!.stdout!.on("data", collect);
    server!.stderr!.on("data", collect);
    server!.once("exit", (code) => {
      reject(new Error(`the server exited ${code}:\n${output}`));
    });
  });
}, 240_000);

afterAll(async () => {
  if (server !== undefined && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
});

describe("the production folder", () => {
  it("holds the built server, the dashboard's assets and production dependencies only", () => {
    expect(existsSync(join(folder, "server/dist/main.js"))).toBe(true);
    expect(existsSync(join(folder, "web/dist/index.html"))).toBe(true);
    expect(existsSync(join(folder, "server/src"))).toBe(false);
    for (const name of ["api", "db", "kube-sandbox", "manifest-sdk", "template-pack-default"]) {
      const installed = join(folder, "server/node_modules/@babyhelm", name);
      expect(existsSync(join(installed, "dist/index.js")), name).toBe(true);
      expect(existsSync(join(installed, "src")), name).toBe(false);
    }
    const installed = readdirSync(join(folder, "server/node_modules/.pnpm"));
    expect(installed.filter((entry) => DEV_ONLY.test(entry))).toEqual([]);
  });

  it("starts with plain node on PGlite and the sandbox, and serves the dashboard", async () => {
    await expect
      .poll(async () => (await fetch(`${url}/readyz`)).json(), { timeout: 60_000, interval: 200 })
      .toMatchObject({
        ready: true,
        checks: { database: { backend: "PGlite" }, cluster: { mode: "sandbox" } },
      });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
  });

  it("takes a new user from registering to a ready application", async () => {
    const client = makeClient(url, { cookies: new CookieJar() });
    await client.auth.register.mutate({ email: "first@example.com", password: TEST_PASSWORD });
    await client.projects.create.mutate({ name: "shop" });
    const created = await client.apps.create.mutate({
      project: "shop",
      name: "web",
      spec: { image: "nginx:1.27", ports: [{ port: 80 }] },
    });
    expect(created).toMatchObject({ name: "web", revision: 1 });
    await expect
      .poll(async () => (await client.apps.status.query({ project: "shop", name: "web" })).state, {
        timeout: 60_000,
        interval: 200,
      })
      .toBe("ready");
  });
});
