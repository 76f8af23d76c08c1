// Child processes run from sources (tsx with the development condition), each the leader of a process group of its
// own, so that stopping one also ends whatever it started, and so that every one left is killed when the test process
// exits, however it exits. Each keeps the tail of its output for a failing test to print.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

/** apps/server: tsx is resolved from here, and the server's sources are here. */
export const SERVER_DIR = fileURLToPath(new URL("../..", import.meta.url));
const OUTPUT_TAIL_CHARS = 4 * 1024 * 1024;

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) signalGroup(child, "SIGKILL");
});

export class Child {
  private tail = "";
  private readonly listeners = new Set<(output: string) => void>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    running.add(process);
    const collect = (chunk: Buffer) => {
      this.tail = (this.tail + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
      for (const listener of this.listeners) listener(this.tail);
    };
    process.stdout?.on("data", collect);
    process.stderr?.on("data", collect);
    this.exited = new Promise((resolve) => {
      process.once("exit", (code, signal) => {
        running.delete(process);
        resolve({ code, signal });
      });
    });
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** The last 4 MB of what it wrote to stdout and stderr. */
  get output(): string {
    return this.tail;
  }

  /** Resolves with the first match of `pattern` in its output; rejects if it exits or `timeoutMs` passes first. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      const check = (output: string) => {
        const match = pattern.exec(output);
        if (match !== null) {
          done();
          resolve(match);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms:\n${this.tail}`));
      }, timeoutMs);
      this.listeners.add(check);
      void this.exited.then(({ code, signal }) => {
        done();
        reject(
          new Error(`${this.name} exited (${signal ?? code}) before printing ${pattern}:\n${this.tail}`),
        );
      });
      check(this.tail);
    });
  }

  /** Sends `signal` to its whole process group and waits for it to exit. */
  async kill(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (!this.alive) return;
    signalGroup(this.process, signal);
    await this.exited;
  }

  /** SIGTERM, then SIGKILL for a group still there after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.alive) return;
    signalGroup(this.process, "SIGTERM");
    const timer = setTimeout(() => {
      signalGroup(this.process, "SIGKILL");
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** Starts `args` with node, in its own process group; `env` replaces the environment (PATH and HOME are kept). */
export function spawnNode(
  name: string,
  args: string[],
  env: Record<string, string>,
  options: { typescript?: boolean } = {},
): Child {
  const loader = options.typescript === false ? [] : ["--conditions=development", "--import", "tsx"];
  const child = spawn(process.execPath, [...loader, ...args], {
    cwd: SERVER_DIR,
    // Nothing inherited from vitest (its NODE_OPTIONS, its variables): each child is configured by `env` alone.
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  return new Child(name, child);
}

/** Starts any program in its own process group, as spawnNode does. */
export function spawnProgram(name: string, command: string, args: string[]): Child {
  const child = spawn(command, args, {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  return new Child(name, child);
}

/** A port free on 127.0.0.1 now (for programs that cannot be told to pick one and say which). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
