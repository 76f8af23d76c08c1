// Server-side applies per second on loopback: a 3-object app (Deployment + Service + HPA) applied by a few concurrent
// workers over keep-alive HTTP, each worker in its own namespace (BabyHelm deploys one namespace per project). Three
// runs, each on a fresh sandbox:
//   - new apps, simulation on: every app name is new, so each apply creates its objects and the simulated
//     controllers create a ReplicaSet, pods (Ready after readyDelayMs), Endpoints, EndpointSlices and Events;
//   - re-applies, simulation on: the same app applied again and again with a changed annotation, so every apply is
//     a real write (ownership, validation, store, watch history and the controllers all run);
//   - re-applies, API server alone (simulate: false), for comparison.
// The clients run in a child process so that the server's thread is measured rather than the clients'; they use
// node:http with a keep-alive agent, which costs the (shared) CPU less per request than fetch.
// Run: pnpm bench [new|update|alone]   (target: >= 1,000 object applies/s)
import { fork } from "node:child_process";
import { Agent, request } from "node:http";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { startSandbox } from "../src/index.js";

const WORKERS = 8;
const WARMUP_MS = 700;
const MEASURE_MS = 4_000;
/** As the bench's sandboxes set it: pods take 1 s to become Ready, the sandbox's default. */
const READY_DELAY_MS = 1_000;
const CLIENT_FLAG = "--client";

type Workload = "new" | "update";

interface Run {
  name: "new" | "update" | "alone";
  workload: Workload;
  simulate: boolean;
  label: string;
}

const RUNS: Run[] = [
  { name: "new", workload: "new", simulate: true, label: "new apps, simulation on" },
  { name: "update", workload: "update", simulate: true, label: "re-applies, simulation on" },
  { name: "alone", workload: "update", simulate: false, label: "re-applies, API server alone" },
];

interface ClientData {
  url: string;
  token: string;
  workload: Workload;
}

interface ClientResult {
  applies: number;
  seconds: number;
  latencies: number[];
}

function appObjects(namespace: string, app: string, revision: number) {
  const labels = { "app.kubernetes.io/name": app };
  const metadata = { name: app, labels, annotations: { "babyhelm.dev/revision": String(revision) } };
  return [
    {
      path: `/apis/apps/v1/namespaces/${namespace}/deployments/${app}`,
      body: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata,
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: "app",
                  image: "nginx:1.27",
                  ports: [{ containerPort: 80, protocol: "TCP" }],
                  env: [{ name: "MODE", value: "bench" }],
                  resources: {
                    requests: { cpu: "100m", memory: "128Mi" },
                    limits: { cpu: "500m", memory: "256Mi" },
                  },
                },
              ],
            },
          },
        },
      },
    },
    {
      path: `/api/v1/namespaces/${namespace}/services/${app}`,
      body: {
        apiVersion: "v1",
        kind: "Service",
        metadata,
        spec: { selector: labels, ports: [{ port: 80, targetPort: 80, protocol: "TCP" }] },
      },
    },
    {
      path: `/apis/autoscaling/v2/namespaces/${namespace}/horizontalpodautoscalers/${app}`,
      body: {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata,
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: app },
          minReplicas: 2,
          maxReplicas: 5,
          metrics: [
            {
              type: "Resource",
              resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
            },
          ],
        },
      },
    },
  ];
}

const agent = new Agent({ keepAlive: true, maxSockets: WORKERS });

function send(client: ClientData, method: string, path: string, contentType: string, body: unknown) {
  return new Promise<void>((resolve, reject) => {
    const outgoing = request(
      `${client.url}${path}`,
      {
        method,
        agent,
        headers: { Authorization: `Bearer ${client.token}`, "Content-Type": contentType },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const code = response.statusCode ?? 0;
          if (code < 300 || (method === "POST" && code === 409)) resolve();
          else reject(new Error(`${method} ${path}: ${code} ${Buffer.concat(chunks).toString()}`));
        });
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(JSON.stringify(body));
  });
}

function applyOnce(client: ClientData, path: string, body: unknown): Promise<void> {
  return send(client, "PATCH", `${path}?fieldManager=bench&force=true`, "application/apply-patch+yaml", body);
}

/** Per worker, across warm-up and measurement, so that "new" apps stay new. */
const revisions = new Map<number, number>();

async function worker(
  client: ClientData,
  index: number,
  until: number,
  latencies: number[] | undefined,
): Promise<number> {
  const namespace = `bench-${index}`;
  // The warm-up created it already: a 409 is fine.
  await send(client, "POST", "/api/v1/namespaces", "application/json", { metadata: { name: namespace } });
  let applies = 0;
  let revision = revisions.get(index) ?? 0;
  while (Date.now() < until) {
    revision += 1;
    const app = client.workload === "new" ? `web-${revision}` : "web";
    for (const { path, body } of appObjects(namespace, app, revision)) {
      const started = performance.now();
      await applyOnce(client, path, body);
      latencies?.push(performance.now() - started);
      applies += 1;
    }
    revisions.set(index, revision);
  }
  return applies;
}

async function run(client: ClientData, durationMs: number, latencies?: number[]): Promise<number> {
  const until = Date.now() + durationMs;
  const counts = await Promise.all(
    Array.from({ length: WORKERS }, (_, index) => worker(client, index, until, latencies)),
  );
  return counts.reduce((total, count) => total + count, 0);
}

async function clients(client: ClientData): Promise<ClientResult> {
  await run(client, WARMUP_MS);
  process.send!("measuring");
  const latencies: number[] = [];
  const started = performance.now();
  const applies = await run(client, MEASURE_MS, latencies);
  return { applies, seconds: (performance.now() - started) / 1000, latencies };
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

async function measure(run: Run): Promise<void> {
  const sandbox = await startSandbox({ readyDelayMs: READY_DELAY_MS, simulate: run.simulate });
  try {
    // The bench runs under tsx; the client process needs its loader (and the sources' export condition) too.
    const child = fork(fileURLToPath(import.meta.url), [CLIENT_FLAG], {
      execArgv: ["--conditions=development", "--import", "tsx"],
    });
    child.send({ url: sandbox.url, token: sandbox.token, workload: run.workload } satisfies ClientData);
    let cpuBefore = process.cpuUsage();
    const result = await new Promise<ClientResult>((resolve, reject) => {
      child.on("message", (message) => {
        // The server's CPU is counted from the end of the warm-up.
        if (message === "measuring") cpuBefore = process.cpuUsage();
        else resolve(message as ClientResult);
      });
      child.once("error", reject);
      child.once("exit", (code) => {
        reject(new Error(`the client process exited with ${String(code)}`));
      });
    });
    const cpu = process.cpuUsage(cpuBefore);
    child.kill();
    const { applies, seconds, latencies } = result;
    latencies.sort((a, b) => a - b);
    const serverMs = (cpu.user + cpu.system) / 1000;
    console.log(
      [
        run.label.padEnd(30),
        `${(applies / seconds).toFixed(0).padStart(5)} applies/s`,
        `p50 ${percentile(latencies, 0.5).toFixed(1).padStart(5)} ms`,
        `p99 ${percentile(latencies, 0.99).toFixed(1).padStart(5)} ms`,
        `server CPU ${(serverMs / applies).toFixed(2)} ms/apply (${((applies / serverMs) * 1000).toFixed(0)}/s on a free core)`,
        `${applies} applies in ${seconds.toFixed(1)} s`,
      ].join("  "),
    );
  } finally {
    await sandbox.stop();
  }
}

if (process.argv.includes(CLIENT_FLAG)) {
  process.once("message", (client) => {
    void clients(client as ClientData).then((result) => {
      process.send!(result);
    });
  });
} else {
  const only = process.argv.slice(2);
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
  console.log(
    `kube-sandbox server-side apply of a Deployment + Service + HPA on loopback: ${WORKERS} concurrent clients, ` +
      `readyDelayMs ${READY_DELAY_MS}, ${MEASURE_MS / 1000} s per run after ${WARMUP_MS} ms of warm-up; ` +
      `load average ${load}; target >= 1000 applies/s`,
  );
  for (const run of RUNS) if (only.length === 0 || only.includes(run.name)) await measure(run);
}
