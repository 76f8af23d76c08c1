// The sandbox cluster in a process of its own, as a real API server would be: its CPU is not the server's, and its
// work does not wait for (or delay) the server's event loop.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface SandboxProcess {
  kubeconfigYaml: string;
  /** Where the child serves the count of API requests it received (api-server-requests.ts). */
  requestsUrl: string;
  pid: number;
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL("sandbox-child.ts", import.meta.url));

export async function startSandboxProcess(readyDelayMs: number): Promise<SandboxProcess> {
  const child = spawn(
    process.execPath,
    ["--conditions=development", "--import", import.meta.resolve("tsx"), CHILD, String(readyDelayMs)],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const ready = await new Promise<Omit<SandboxProcess, "pid" | "stop">>((resolve, reject) => {
    let buffered = "";
    const onExit = (code: number | null) => {
      reject(new Error(`the sandbox process exited with ${code} before it was ready`));
    };
    child.once("error", reject);
    child.once("exit", onExit);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf("\n");
      if (newline === -1) return;
      child.off("exit", onExit);
      resolve(JSON.parse(buffered.slice(0, newline)) as Omit<SandboxProcess, "pid" | "stop">);
    });
  });
  return {
    ...ready,
    pid: child.pid ?? -1,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once("exit", () => {
          resolve();
        });
        child.stdin.end();
      }),
  };
}
