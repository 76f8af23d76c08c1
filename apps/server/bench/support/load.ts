// Load generation in a child process (autocannon's CLI), so that the server under test does not share its thread
// with the client that loads it, and reference servers in child processes to measure the same load against: a bare
// node:http hello-world here, the projects.list floor in floor.ts.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";

export interface LoadSettings {
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
}

export interface LoadResult {
  /** Mean of the per-second samples, as autocannon reports it. */
  requestsPerSecond: number;
  completed: number;
  latencyMs: { p50: number; p99: number; p99_9: number; max: number; mean: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

export interface RunningLoad {
  pid: number;
  result: Promise<LoadResult>;
}

const autocannonCli = createRequire(import.meta.url).resolve("autocannon");

/** Starts autocannon against `url`; `result` settles when it has run for `settings.seconds`. */
export function startLoad(url: string, settings: LoadSettings): RunningLoad {
  const args = [
    autocannonCli,
    "--json",
    "--no-progress",
    "-c",
    String(settings.connections),
    "-d",
    String(settings.seconds),
  ];
  for (const [name, value] of Object.entries(settings.headers ?? {})) args.push("-H", `${name}=${value}`);
  args.push(url);
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  return { pid: child.pid ?? -1, result: collect(child) };
}

async function collect(child: ChildProcess): Promise<LoadResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  const line = stdout.trim().split("\n").at(-1);
  if (code !== 0 || line === undefined || line === "") {
    throw new Error(`autocannon exited with ${code}: ${stderr.trim() || stdout.trim()}`);
  }
  const raw = JSON.parse(line);
  const statusCodes: Record<string, number> = {};
  for (const [status, stats] of Object.entries<{ count: number }>(raw.statusCodeStats ?? {}))
    statusCodes[status] = stats.count;
  return {
    requestsPerSecond: raw.requests.average,
    completed: raw.latency.totalCount,
    latencyMs: {
      p50: raw.latency.p50,
      p99: raw.latency.p99,
      p99_9: raw.latency.p99_9,
      max: raw.latency.max,
      mean: raw.latency.mean,
    },
    non2xx: raw.non2xx,
    errors: raw.errors,
    timeouts: raw.timeouts,
    statusCodes,
  };
}

/** Any response that is not a 2xx, any socket error or timeout makes a run invalid. */
export function problemsOf(result: LoadResult): string | undefined {
  if (result.non2xx === 0 && result.errors === 0 && result.timeouts === 0) return undefined;
  const codes = Object.entries(result.statusCodes)
    .map(([status, count]) => `${status}×${count}`)
    .join(" ");
  return `${result.non2xx} non-2xx (${codes}), ${result.errors} errors, ${result.timeouts} timeouts`;
}

/** A reference server in a child process, listening on 127.0.0.1. */
export interface ChildServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

// Plain JavaScript run by `node -e`: nothing between node:http and the socket.
const HELLO_WORLD_SOURCE = `
const http = require("node:http");
const server = http.createServer((req, res) => {
  res.writeHead(200, { "Content-Type": "text/plain" });
  res.end("hello world");
});
server.keepAliveTimeout = 65000;
server.listen(0, "127.0.0.1", () => process.stdout.write(server.address().port + "\\n"));
`;

/** The reference: a bare node:http hello-world in a process of its own. */
export function startHelloWorld(): Promise<ChildServer> {
  return startChildServer("the hello-world server", ["-e", HELLO_WORLD_SOURCE]);
}

/** Runs node with `args`, a server that prints its port on its first line of output once it listens. */
export async function startChildServer(name: string, args: string[]): Promise<ChildServer> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      reject(new Error(`${name} exited with ${code}`));
    });
    child.stdout.setEncoding("utf8").once("data", (chunk: string) => {
      resolve(chunk.trim());
    });
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    pid: child.pid ?? -1,
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners("exit");
        child.once("exit", () => {
          resolve();
        });
        child.kill();
      }),
  };
}
