// Runs the real kubectl against a sandbox through a recording proxy, to see the request bodies kubectl sends
// (protobuf for its typed commands). kubectl talks plain HTTP to the proxy with no credentials (it never sends a
// token over plain HTTP); the proxy adds the sandbox's token.
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Sandbox } from "../src/index.js";
import { PROTOBUF_MEDIA_TYPE as PROTOBUF } from "../src/server/protobuf.js";

export const KUBECTL = process.env.KUBECTL ?? "/usr/bin/kubectl";

export function hasKubectl(): boolean {
  try {
    accessSync(KUBECTL, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * kubectl's generating commands, in an order where each finds what it needs, with the media type kubectl 1.32
 * and 1.33 send their object in (older ones send JSON only): the typed clients' protobuf, except `run` and
 * `expose`, which go through the generic JSON helper.
 */
export const GENERATING_COMMANDS: readonly { args: readonly string[]; sends: string }[] = [
  { args: ["create", "namespace", "shop"], sends: PROTOBUF },
  {
    args: ["-n", "shop", "create", "deployment", "web", "--image=nginx:1.27", "--replicas=2", "--port=80"],
    sends: PROTOBUF,
  },
  {
    args: [
      "-n",
      "shop",
      "run",
      "one",
      "--image=nginx:1.27",
      "--port=80",
      "--labels=app=one",
      "--env=GREETING=hi",
    ],
    sends: "application/json",
  },
  {
    args: ["-n", "shop", "expose", "deployment", "web", "--port=80", "--target-port=80"],
    sends: "application/json",
  },
  {
    args: [
      "-n",
      "shop",
      "create",
      "configmap",
      "settings",
      "--from-literal=color=blue",
      "--from-literal=size=large",
    ],
    sends: PROTOBUF,
  },
  {
    args: ["-n", "shop", "create", "secret", "generic", "creds", "--from-literal=password=s3cret"],
    sends: PROTOBUF,
  },
  { args: ["-n", "shop", "create", "service", "clusterip", "cache", "--tcp=6379:6379"], sends: PROTOBUF },
  {
    args: ["-n", "shop", "create", "poddisruptionbudget", "web", "--selector=app=web", "--min-available=50%"],
    sends: PROTOBUF,
  },
  { args: ["-n", "shop", "create", "ingress", "web", "--rule=shop.example/*=web:80"], sends: PROTOBUF },
];

export interface RecordedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  body: Buffer;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlRecorder {
  /** Every request kubectl made, oldest first. */
  requests: RecordedRequest[];
  kubectl(...args: string[]): Promise<KubectlResult>;
  /** The requests with a body made while running one command. */
  bodiesOf(...args: string[]): Promise<{ result: KubectlResult; writes: RecordedRequest[] }>;
  stop(): Promise<void>;
}

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function startProxy(sandbox: Sandbox, requests: RecordedRequest[]): Promise<Server> {
  const target = new URL(sandbox.url);
  const server = createServer((incoming, outgoing) => {
    void readAll(incoming).then((body) => {
      requests.push({
        method: incoming.method ?? "GET",
        path: incoming.url ?? "/",
        contentType: incoming.headers["content-type"],
        body,
      });
      const forwarded = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: target.host, authorization: `Bearer ${sandbox.token}` },
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on("error", () => outgoing.destroy());
      forwarded.end(body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      resolve(server);
    }),
  );
}

/** `sandbox` must serve plain HTTP (the default): the proxy forwards without TLS. */
export async function startKubectlRecorder(sandbox: Sandbox): Promise<KubectlRecorder> {
  const requests: RecordedRequest[] = [];
  const proxy = await startProxy(sandbox, requests);
  const dir = await mkdtemp(join(tmpdir(), "kubectl-recorder-"));
  const { port } = proxy.address() as AddressInfo;
  await writeFile(
    join(dir, "kubeconfig"),
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "proxy", cluster: { server: `http://127.0.0.1:${port}` } }],
      users: [{ name: "proxy", user: {} }],
      contexts: [{ name: "proxy", context: { cluster: "proxy", user: "proxy", namespace: "default" } }],
      "current-context": "proxy",
    }),
  );
  const kubectl = (...args: string[]): Promise<KubectlResult> =>
    new Promise((resolve) => {
      execFile(
        KUBECTL,
        ["--kubeconfig", join(dir, "kubeconfig"), "--request-timeout=10s", ...args],
        { cwd: dir, timeout: 20_000, env: { ...process.env, KUBECACHEDIR: join(dir, "cache") } },
        (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
        },
      );
    });
  return {
    requests,
    kubectl,
    async bodiesOf(...args) {
      const first = requests.length;
      const result = await kubectl(...args);
      return { result, writes: requests.slice(first).filter((request) => request.body.length > 0) };
    },
    async stop() {
      await new Promise<void>((resolve) => {
        proxy.close(() => {
          resolve();
        });
        proxy.closeAllConnections();
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
