#!/usr/bin/env node
// The production build, shared by `npm start`, the Dockerfile and the production-folder test so that all three make
// the same thing. Without an argument it builds the workspace in place: the server and the packages it uses to
// JavaScript (tsc, into each package's dist/, through turbo's dependency order) and the dashboard (vite, apps/web/dist).
// With a directory it then assembles a self-contained production folder there:
//   <dir>/server    `pnpm deploy --prod` of @babyhelm/server: its dist/ and production dependencies only, the
//                   workspace packages copied in as built (their "files"), no TypeScript, tsx or dev tool
//   <dir>/web/dist  the dashboard's built assets, where the server looks for them by default (../../web/dist)
// Start it with `node <dir>/server/dist/main.js`.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { pnpmCommand } from "./pnpm-command.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = process.argv[2] === undefined ? undefined : resolve(process.argv[2]);

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`build-production: ${command} ${args.join(" ")} exited ${result.status ?? result.signal}`);
    process.exit(1);
  }
}

const [pnpm, ...pnpmArgs] = pnpmCommand(root);
process.env.TURBO_TELEMETRY_DISABLED = "1";

// The web package's `build` script also runs `tsc --noEmit`, the typecheck task's job: here only vite runs.
run(pnpm, [
  ...pnpmArgs,
  "exec",
  "turbo",
  "run",
  "build",
  "--filter=@babyhelm/server",
  "--output-logs=errors-only",
]);
run(pnpm, [...pnpmArgs, "--filter", "@babyhelm/web", "exec", "vite", "build", "--logLevel", "warn"]);

if (outDir !== undefined) {
  if (existsSync(outDir)) rmSync(outDir, { recursive: true });
  run(pnpm, [...pnpmArgs, "--filter", "@babyhelm/server", "deploy", "--prod", join(outDir, "server")]);
  cpSync(join(root, "apps/web/dist"), join(outDir, "web/dist"), { recursive: true });
  console.log(`build-production: start it with: node ${join(outDir, "server/dist/main.js")}`);
}
