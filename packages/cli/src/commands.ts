// The `babyhelm` command line: the platform commands here, the SDK's (render, validate, diff, packs) delegated to
// its own runCli so that there is one implementation of them.
import { readFile } from "node:fs/promises";
import { runCli } from "@babyhelm/manifest-sdk/cli";
import { appsCommand } from "./apps.command.js";
import { deployCommand } from "./deploy.command.js";
import { exportCommand } from "./export.command.js";
import { EXIT, type BabyhelmIo } from "./io.js";
import { loginCommand, logoutCommand } from "./login.command.js";
import { report } from "./report.js";
import { rollbackCommand } from "./rollback.command.js";
import { UsageError } from "./usage.js";

const HELP = `babyhelm: deploy apps to a BabyHelm server from a terminal or CI, and turn app specs into Kubernetes manifests.

Usage: babyhelm <command> [options]

Platform commands (a BabyHelm server: babyhelm login, or BABYHELM_URL and BABYHELM_TOKEN):
  login                Check an API token and store it with the server's address
  logout               Remove the stored token
  deploy               Create or update an app from its YAML document and wait for the rollout
  apps list|status|logs
                       The apps of a project, an app's status, its pods' logs
  export app           Print an app as the YAML document deploy takes
  rollback             Go back to an earlier revision and wait for the rollout

Manifest commands (offline):
  render app|project   Render the manifests of an application or project spec
  validate             Strictly validate Kubernetes manifests against the Kubernetes OpenAPI
  diff                 Show what changes when an application moves between pack versions
  packs                List the available packs

Run "babyhelm <command> --help" for a command's options. Exit codes of deploy and rollback: 0 ready, 1 failed,
2 usage error, 3 timed out.`;

const PLATFORM: Record<string, ((args: string[], io: BabyhelmIo) => Promise<number>) | undefined> = {
  login: loginCommand,
  logout: logoutCommand,
  deploy: deployCommand,
  apps: appsCommand,
  export: exportCommand,
  rollback: rollbackCommand,
};

const MANIFEST_COMMANDS: ReadonlySet<string> = new Set(["render", "validate", "diff", "packs"]);

export async function runBabyhelm(argv: readonly string[], io: BabyhelmIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    io.stdout(`${HELP}\n`);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === "--version" || command === "-v") {
    io.stdout(`${await packageVersion()}\n`);
    return EXIT.ok;
  }
  if (MANIFEST_COMMANDS.has(command)) return runCli(argv, { ...io, program: "babyhelm" });
  try {
    const run = PLATFORM[command];
    if (run === undefined) throw new UsageError(`unknown command "${command}"`, "main");
    return await run(rest, io);
  } catch (error) {
    return report(error, io);
  }
}

async function packageVersion(): Promise<string> {
  const text = await readFile(new URL("../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}
