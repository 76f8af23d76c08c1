#!/usr/bin/env node
// Entry point of the README's two commands. It does its own setup on a machine that has only Node and npm:
// it finds or installs pnpm, installs the workspace, then runs the named root script.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const PNPM_VERSION = "12.21.0";
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

process.env.TURBO_TELEMETRY_DISABLED = "1";
const [pnpm, ...pnpmArgs] = findPnpm();
const installArgs = process.env.CI ? ["install", "--frozen-lockfile"] : ["install"];
if (run(pnpm, [...pnpmArgs, ...installArgs]) !== 0) {
  console.error("pnpm install failed: see the output above.");
  process.exit(1);
}
process.exit(run(pnpm, [...pnpmArgs, "run", "--silent", tasks[task], ...process.argv.slice(3)]));
