#!/usr/bin/env node
// Entry point of the README's two commands. It does its own setup on a machine that has only Node and npm:
// it finds or installs pnpm, installs the workspace, then runs the named root script (for `start`, on Node >= 22).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

const PNPM_VERSION = "12.21.0";
/** The Node major `start` runs the server on when the machine's is too old for it: the image's, Node 24 LTS. */
const SERVER_NODE = "24";
const root = fileURLToPath(new URL("..", import.meta.url));
const task = process.argv[2];
const tasks = { start: "start:product", test: "test:all", bench: "bench" };

if (!(task in tasks)) {
  console.error(`usage: node scripts/run.mjs ${Object.keys(tasks).join("|")}`);
  process.exit(2);
}

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`BabyHelm needs Node >= 20.19; this is ${process.versions.node}.`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options });
  return result.status ?? 1;
}

function findPnpm() {
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  if (probe.status === 0 && Number(probe.stdout.split(".")[0]) >= 10) return ["pnpm"];
  console.log(`Installing pnpm ${PNPM_VERSION} with npm…`);
  if (run("npm", ["install", "--global", `pnpm@${PNPM_VERSION}`]) === 0) return ["pnpm"];
  console.log("A global install was refused; running pnpm through npx instead.");
  return ["npx", "--yes", `pnpm@${PNPM_VERSION}`];
}

/**
 * The server's packages need Node >= 22 (kysely 0.29 asks for it; the image runs Node 24 LTS). On an older Node,
 * `start` installs, builds and runs the server on Node 24 from the npm registry's `node` package, installed once
 * under .cache/node: its bin directory goes first on the PATH.
 */
function serverNodePath() {
  if (major >= 22) return process.env.PATH;
  const prefix = join(root, ".cache/node");
  const bin = join(prefix, "node_modules/.bin");
  if (!existsSync(join(bin, "node"))) {
    console.log(
      `Node ${process.versions.node} is older than the server needs (22); installing node@${SERVER_NODE} with npm…`,
    );
    const args = [
      "install",
      "--prefix",
      prefix,
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      `node@${SERVER_NODE}`,
    ];
    if (run("npm", args) !== 0) {
      console.error(
        `Could not install node@${SERVER_NODE}: install Node ${SERVER_NODE} LTS and run the command again.`,
      );
      process.exit(1);
    }
  }
  return `${bin}${delimiter}${process.env.PATH}`;
}

process.env.TURBO_TELEMETRY_DISABLED = "1";
const [pnpm, ...pnpmArgs] = findPnpm();
const env = task === "start" ? { ...process.env, PATH: serverNodePath() } : process.env;
const installArgs = process.env.CI ? ["install", "--frozen-lockfile"] : ["install"];
if (run(pnpm, [...pnpmArgs, ...installArgs], { env }) !== 0) {
  console.error("pnpm install failed: see the output above.");
  process.exit(1);
}
process.exit(run(pnpm, [...pnpmArgs, "run", "--silent", tasks[task], ...process.argv.slice(3)], { env }));
