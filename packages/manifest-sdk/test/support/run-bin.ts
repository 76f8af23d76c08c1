// Test support shared with @babyhelm/cli (the "./test-support" export, development only: never published).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

export interface BinResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface BinOptions {
  cwd: string;
  /** The child's whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  stdin?: string;
}

// Resolved here because "--import tsx" would be looked up from the child's working directory.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** The bin `script` from its sources, as `tsx --conditions=development` runs it, in a child process. */
export function runSourceBin(script: string, args: string[], options: BinOptions): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=development", "--import", tsx, script, ...args], {
      cwd: options.cwd,
      ...(options.env === undefined ? {} : { env: options.env }),
      stdio: "pipe",
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? "");
  });
}
