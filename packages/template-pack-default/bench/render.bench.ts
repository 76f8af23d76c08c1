// Render throughput of the packs through @babyhelm/manifest-sdk, input validation included, on one core.
// Target: >= 20,000 renderApplication calls/s for classic@1 on the parent-compat vectors.
// Run: pnpm bench (in packages/template-pack-default). Prints apps/s and per-call p50/p99 in microseconds.
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { createRenderer } from "@babyhelm/manifest-sdk";
import { packs } from "../src/index.js";

interface Vector {
  kind: "application" | "project";
  input: unknown;
  expect: "render" | "reject";
}

const THROUGHPUT_ITERATIONS = 100_000;
const LATENCY_ITERATIONS = 20_000;
const WARMUP_ITERATIONS = 10_000;
/** Each phase stops early past this, so the whole run stays well under 15 s even on a slow machine. */
const PHASE_BUDGET_MS = 2_500;

const renderer = createRenderer({ packs });

const vectors = readFileSync(new URL("../test/fixtures/babyhelm-v1-vectors.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as Vector);
const classicInputs = vectors
  .filter((vector) => vector.kind === "application" && vector.expect === "render")
  .map((vector) => vector.input);

// A representative default@2 app: what examples/app.yaml describes.
const defaultInputs: unknown[] = [
  {
    name: "web",
    image: "nginx:1.27",
    ports: [{ name: "http", port: 80, containerPort: 8080 }],
    env: [{ name: "MODE", value: "production" }],
    autoscaling: { min: 2, max: 5, cpuPercent: 70 },
  },
];

// The same app on default@2.1 with what 2.1 adds: a secret, a volume, a config file and two TLS hosts.
const default21Inputs: unknown[] = [
  {
    ...(defaultInputs[0] as Record<string, unknown>),
    secrets: [{ name: "DB_PASSWORD" }],
    secretsVersion: "v1-0a1b2c",
    volumes: [{ name: "tmp", mountPath: "/tmp", scratch: { sizeLimit: "64Mi" } }],
    files: [{ path: "/etc/nginx/conf.d/default.conf", content: "server { listen 8080; }\n" }],
    ingress: {
      clusterIssuer: "letsencrypt",
      hosts: [
        { host: "web.example.com", tls: true },
        { host: "www.example.com", tls: true },
      ],
    },
  },
];

function bench(pack: string, inputs: readonly unknown[]): void {
  if (inputs.length === 0) throw new Error(`no inputs for ${pack}`);
  // Every input must render before it is timed: a benchmark of errors would measure the wrong thing.
  for (const input of inputs) renderer.renderApplication(input, { pack });
  const options = { pack };
  let sink = 0;

  for (let index = 0; index < WARMUP_ITERATIONS; index++) {
    sink += renderer.renderApplication(inputs[index % inputs.length], options).length;
  }

  let calls = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let deadline = started + PHASE_BUDGET_MS;
  while (calls < THROUGHPUT_ITERATIONS && (calls % 1024 !== 0 || performance.now() < deadline)) {
    sink += renderer.renderApplication(inputs[calls % inputs.length], options).length;
    calls++;
  }
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;

  const durations = new Float64Array(LATENCY_ITERATIONS);
  let samples = 0;
  deadline = performance.now() + PHASE_BUDGET_MS;
  while (samples < LATENCY_ITERATIONS && performance.now() < deadline) {
    const before = performance.now();
    sink += renderer.renderApplication(inputs[samples % inputs.length], options).length;
    durations[samples] = performance.now() - before;
    samples++;
  }
  const sorted = durations.subarray(0, samples).sort();
  const percentile = (p: number) =>
    ((sorted[Math.min(samples - 1, Math.floor(samples * p))] ?? 0) * 1000).toFixed(1);

  const perSecond = (ms: number) =>
    Math.round((calls / ms) * 1000)
      .toLocaleString("en-US")
      .padStart(8);
  // Wall-clock rate is what a caller sees; the CPU-time rate is the same work measured on the core actually used,
  // which stays meaningful when other processes share the machine.
  console.log(
    `${pack.padEnd(12)} ${String(inputs.length).padStart(4)} inputs  ${perSecond(elapsed)} apps/s (wall)  ` +
      `${perSecond(cpuMs)} apps/s (cpu)  p50 ${percentile(0.5)} µs  p99 ${percentile(0.99)} µs  ` +
      `(${calls} calls${sink > 0 ? "" : ", NO OUTPUT"})`,
  );
}

// The load average says how far wall-clock figures can be trusted: other processes on the cores slow them down.
console.log(
  `node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}; ` +
    `${classicInputs.length} classic@1 compat vectors`,
);
bench("classic@1", classicInputs);
bench("default@2.0", defaultInputs);
bench("default@2.1", defaultInputs);
bench("default@2.1", default21Inputs);
