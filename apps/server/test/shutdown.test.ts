// SIGTERM to a server process (src/main.ts from sources, as `npm start` runs it) in the middle of a deploy and an
// open log stream: the stream ends without tRPC's "return" event (so its client reconnects elsewhere), the deploy
// finishes and answers, and the process exits 0 within SHUTDOWN_GRACE_SECONDS.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { waitFor } from "@babyhelm/api/testing";
import { startSandbox, type Sandbox } from "@babyhelm/kube-sandbox";
import { CookieJar, makeClient, TEST_PASSWORD, type ApiClient } from "./support/harness.js";

const serverPackage = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "babyhelm-shutdown-"));
const nginx = { image: "nginx:1.27", ports: [{ port: 80 }], replicas: 1 };

let sandbox: Sandbox;
/** Between the server and the sandbox: holds applies (not dry runs) while `holding`, as a slow API server would. */
let proxy: Server;
let holding = false;
const held: (() => void)[] = [];
let child: ChildProcess | undefined;
let output = "";

beforeAll(async () => {
  sandbox = await startSandbox({ readyDelayMs: 20 });
  const target = new URL(sandbox.url);
  proxy = createServer((req, res) => {
    const forward = () => {
      const upstream = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    };
    if (holding && req.method === "PATCH" && !(req.url ?? "").includes("dryRun")) held.push(forward);
    else forward();
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const kubeconfig = join(work, "kubeconfig");
  writeFileSync(
    kubeconfig,
    sandbox.kubeconfigYaml.replace(sandbox.url, `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`),
  );
  // From the package's folder, where `tsx` resolves.
  child = spawn(process.execPath, ["--conditions=development", "--import", "tsx", "src/main.ts"], {
    cwd: serverPackage,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      BABYHELM_CLUSTER: "kubeconfig",
      KUBECONFIG: kubeconfig,
      BABYHELM_DATA_DIR: join(work, "data"),
      SHUTDOWN_GRACE_SECONDS: "20",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
}, 240_000);

afterAll(async () => {
  for (const forward of held.splice(0)) forward();
  if (child?.exitCode === null) child.kill("SIGKILL");
  await new Promise((resolve) => proxy?.close(resolve));
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Reads an SSE response to its end: what it sent. */
async function readToEnd(response: Response): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of response.body!) text += decoder.decode(chunk as Uint8Array, { stream: true });
  return text;
}

it("SIGTERM: the stream ends for a reconnect, the deploy in flight answers, the process exits 0", async () => {
  const url = await waitFor(() => /BabyHelm is running: open (http:\/\/\S+)/.exec(output)?.[1], {
    what: "the server to start",
    timeoutMs: 180_000,
  });
  const cookies = new CookieJar();
  const client: ApiClient = makeClient(url, { cookies });
  await client.auth.register.mutate({ email: "stopping@example.com", password: TEST_PASSWORD });
  await client.projects.create.mutate({ name: "stopping" });
  await client.apps.create.mutate({ project: "stopping", name: "web", spec: nginx });

  const input = encodeURIComponent(JSON.stringify({ project: "stopping", name: "web", tail: 1 }));
  const stream = await fetch(`${url}/trpc/apps.logs?input=${input}`, {
    headers: { cookie: cookies.header()!, accept: "text/event-stream" },
  });
  expect(stream.headers.get("x-accel-buffering")).toBe("no");
  const streamed = readToEnd(stream);

  holding = true;
  const deploy = client.apps.create.mutate({ project: "stopping", name: "slow", spec: nginx });
  await waitFor(() => (held.length > 0 ? true : undefined), {
    what: "the deploy's apply to reach the cluster",
  });
  const exited = new Promise<number | null>((resolve) => child!.once("exit", resolve));
  child!.kill("SIGTERM");

  const events = await streamed;
  expect(events).toContain("event: connected");
  expect(events).not.toContain("event: return");
  // The deploy goes on after the stream ended: the server waits for it.
  expect(child!.exitCode).toBeNull();
  holding = false;
  for (const forward of held.splice(0)) forward();
  await expect(deploy).resolves.toMatchObject({ name: "slow", revision: 1 });
  expect(await exited).toBe(0);
  expect(output).toContain('"msg":"stopped"');
  expect(sandbox.store.get("deployments", "stopping", "slow")).toBeDefined();
}, 300_000);
