// How the workspace's scripts call pnpm: the one on PATH, or through npx at the version package.json pins.
// (scripts/run.mjs, which starts from a machine with only Node and npm, installs it first.)
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The command and leading arguments that run pnpm for the workspace at `root`. */
export function pnpmCommand(root) {
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  if (probe.status === 0) return ["pnpm"];
  const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager;
  return ["npx", "--yes", pinned];
}
