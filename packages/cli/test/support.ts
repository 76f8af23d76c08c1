// Runs the CLI in-process (fast, most tests) or as a child from sources (what a user's shell does), against a
// whole server (see @babyhelm/server/testing) and an API token of a newly registered user.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBabyhelmClient, type BabyhelmClient } from "@babyhelm/client";
import { runSourceBin, type BinResult } from "@babyhelm/manifest-sdk/test-support";
import { runBabyhelm } from "../src/index.js";

export { startTestServer, type TestServer } from "@babyhelm/server/testing";

export type Result = BinResult;

export interface RunOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
  cwd?: string;
  isTTY?: boolean;
  signal?: AbortSignal;
}

/** A working directory and config home of its own, so that no test reads the machine's credentials. */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), "babyhelm-cli-test-"));
}

export async function run(args: string[], options: RunOptions = {}): Promise<Result> {
  let stdout = "";
  let stderr = "";
  const code = await runBabyhelm(args, {
    cwd: options.cwd ?? scratchDir(),
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readStdin: () => Promise.resolve(options.stdin ?? ""),
  });
  return { code, stdout, stderr };
}

const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));

/** The bin from sources, as `tsx --conditions=development` runs it; env replaces the BabyHelm and config variables. */
export function runChild(args: string[], options: RunOptions = {}): Promise<Result> {
  const { BABYHELM_URL: _url, BABYHELM_TOKEN: _token, XDG_CONFIG_HOME: _config, ...inherited } = process.env;
  return runSourceBin(cli, args, {
    cwd: options.cwd ?? scratchDir(),
    env: { ...inherited, ...options.env },
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
  });
}

/** A newly registered user's API token (what CI is given), and a client signed in with it. */
export async function apiToken(
  url: string,
  email: string,
): Promise<{ token: string; client: BabyhelmClient }> {
  const { token: session } = await createBabyhelmClient({ url }).auth.register.mutate({
    email,
    password: "a long and unusual passphrase",
    mode: "token",
  });
  const { token } = await createBabyhelmClient({ url, token: session! }).auth.tokens.create.mutate({
    name: "ci",
  });
  return { token, client: createBabyhelmClient({ url, token }) };
}
