// Several BabyHelm servers on one PostgreSQL database, as a deployment runs them: each replica its own process started
// from sources by `src/main.ts`, the kube-sandbox as a process of its own (its CLI, reached through the kubeconfig it
// writes, as a real cluster would be), and Debian's nginx balancing them round-robin with deploy/'s example. What the
// replicas test and the replicas bench share.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, spawnNode, spawnProgram, type Child } from "./processes.js";

export const NGINX = "/usr/sbin/nginx";
const NGINX_EXAMPLE = fileURLToPath(new URL("../../../../deploy/nginx/babyhelm.conf", import.meta.url));
const SANDBOX_CLI = fileURLToPath(new URL("../../../../packages/kube-sandbox/src/cli.ts", import.meta.url));
const START_TIMEOUT_MS = 120_000;

export interface Replica {
  index: number;
  url: string;
  port: number;
  child: Child;
}

export interface ReplicaStackOptions {
  databaseUrl: string;
  replicas: number;
  /** Settings every replica gets on top of the stack's own. */
  env?: Record<string, string>;
  /** How long the sandbox's simulated pods take to become Ready. */
  readyDelayMs?: number;
}

export class ReplicaStack {
  readonly directory = mkdtempSync(join(tmpdir(), "babyhelm-replicas-"));
  readonly kubeconfigPath = join(this.directory, "kubeconfig");
  readonly replicas: Replica[] = [];
  sandbox: Child | undefined;
  nginx: Child | undefined;
  nginxUrl = "";
  private readonly replicaEnv: Record<string, string>;

  constructor(private readonly options: ReplicaStackOptions) {
    this.replicaEnv = {
      HOST: "127.0.0.1",
      DATABASE_URL: options.databaseUrl,
      BABYHELM_CLUSTER: "kubeconfig",
      KUBECONFIG: this.kubeconfigPath,
      // One key for all: what one replica seals (alert targets) the others must open.
      BABYHELM_SECRET_KEY: "replicas-test-secret-key-of-at-least-32-characters",
      BABYHELM_WEB_DIR: "/nonexistent/babyhelm-web",
      LOG_LEVEL: "info",
      ...options.env,
    };
  }

  /** Every child process, for a failing test to print what they said. */
  get children(): Child[] {
    return [this.sandbox, ...this.replicas.map((replica) => replica.child), this.nginx].filter(
      (child): child is Child => child !== undefined,
    );
  }

  /** The sandbox, then every replica at once, then nginx in front of them. */
  async start(): Promise<void> {
    this.sandbox = spawnNode(
      "kube-sandbox",
      [
        SANDBOX_CLI,
        "--port",
        "0",
        "--kubeconfig-out",
        this.kubeconfigPath,
        "--ready-delay-ms",
        String(this.options.readyDelayMs ?? 1000),
      ],
      {},
    );
    await this.sandbox.waitForOutput(/export KUBECONFIG=/, START_TIMEOUT_MS);
    await Promise.all(
      Array.from({ length: this.options.replicas }, (_, index) => this.startReplica(index, 0)),
    );
    await this.startNginx();
  }

  /** Starts replica `index` (again, after it died) on `port` (0: any free one), and waits until it is ready. */
  async startReplica(index: number, port: number): Promise<Replica> {
    const dataDir = join(this.directory, `replica-${index}`);
    mkdirSync(dataDir, { recursive: true });
    const child = spawnNode(`replica ${index}`, ["src/main.ts"], {
      ...this.replicaEnv,
      PORT: String(port),
      BABYHELM_DATA_DIR: dataDir,
    });
    const [, url] = await child.waitForOutput(/BabyHelm is running: open (http:\/\/\S+)/, START_TIMEOUT_MS);
    const replica: Replica = { index, url: url!, port: Number(new URL(url!).port), child };
    await waitUntilReady(replica);
    this.replicas[index] = replica;
    return replica;
  }

  /** The replicas still alive. */
  get live(): Replica[] {
    return this.replicas.filter((replica) => replica.child.alive);
  }

  private async startNginx(): Promise<void> {
    const nginx = await startNginx(
      this.directory,
      this.replicas.map((replica) => replica.port),
    );
    this.nginx = nginx.child;
    this.nginxUrl = nginx.url;
  }

  nginxLog(): string {
    return nginxLog(join(this.directory, "nginx"));
  }

  /** Every process ended (SIGTERM, then SIGKILL), the directory removed. */
  async stop(): Promise<void> {
    await Promise.all(this.children.map((child) => child.stop()));
    rmSync(this.directory, { recursive: true, force: true });
  }
}

export interface RunningNginx {
  child: Child;
  url: string;
}

/**
 * Debian's nginx in front of the replicas listening on `upstreams`, its files in `directory` under `name` (several
 * may run side by side); resolves once it answers /healthz.
 */
export async function startNginx(
  directory: string,
  upstreams: number[],
  name = "nginx",
): Promise<RunningNginx> {
  const port = await freePort();
  const prefix = join(directory, name);
  mkdirSync(prefix, { recursive: true });
  const configPath = join(prefix, "nginx.conf");
  writeFileSync(configPath, nginxConfig(prefix, port, upstreams));
  const errorLog = join(prefix, "error.log");
  const child = spawnProgram(name, NGINX, [
    "-p",
    prefix,
    "-e",
    errorLog,
    "-c",
    configPath,
    "-g",
    "daemon off;",
  ]);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (!child.alive) throw new Error(`nginx exited:\n${nginxLog(prefix)}`);
    const answered = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return { child, url };
    if (Date.now() > deadline) throw new Error(`nginx did not answer:\n${nginxLog(prefix)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function nginxLog(prefix: string): string {
  const log = join(prefix, "error.log");
  return existsSync(log) ? readFileSync(log, "utf8") : "";
}

async function waitUntilReady(replica: Replica): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const ready = await fetch(`${replica.url}/readyz`).then(
      async (response) => ((await response.json()) as { ready?: boolean }).ready === true,
      () => false,
    );
    if (ready) return;
    if (!replica.child.alive || Date.now() > deadline) {
      throw new Error(`replica ${replica.index} did not become ready:\n${replica.child.output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * deploy/nginx/babyhelm.conf, the example operators install, run by a non-root-safe nginx: every file it writes is in
 * `directory`, it listens on `port` of 127.0.0.1 and balances round-robin over `upstreams`.
 */
export function nginxConfig(directory: string, port: number, upstreams: number[]): string {
  const example = readFileSync(NGINX_EXAMPLE, "utf8");
  const servers = upstreams.map((upstream) => `    server 127.0.0.1:${upstream};`).join("\n");
  const site = replaceOnce(
    replaceOnce(example, /^ *server 127\.0\.0\.1:8080;$/m, servers),
    /^ *listen 80;$/m,
    `    listen 127.0.0.1:${port};`,
  );
  const temp = (name: string) => `  ${name}_temp_path ${join(directory, `${name}_temp`)};`;
  return `worker_processes 1;
pid ${join(directory, "nginx.pid")};
error_log ${join(directory, "error.log")} warn;
events { worker_connections 1024; }
http {
  access_log off;
${["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(temp).join("\n")}
${site}
}
`;
}

function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(text)) throw new Error(`${NGINX_EXAMPLE} no longer has a line matching ${pattern}`);
  return text.replace(pattern, replacement);
}
