/**
 * How fast `validateManifests` is: the one-off cost of loading and indexing the OpenAPI document, and
 * the per-deploy cost of validating a typical application (Deployment + Service + HPA) once warm.
 * Target: well under 100 µs per 3-object app after warm-up. Run: `pnpm exec tsx --conditions=development bench/validate.bench.ts`.
 */
import { performance } from "node:perf_hooks";
import { validateManifests } from "../src/validate/index.js";
import { deployment, everyKind, horizontalPodAutoscaler, service } from "../test/validate-fixtures.js";

/**
 * Reports wall time and CPU time per call: on a busy 2-core machine wall time also counts the time the
 * process waits for a core, while CPU time is the work itself.
 */
function measure(label: string, objects: unknown[], iterations: number): void {
  for (let i = 0; i < 2_000; i++) validateManifests(objects);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    for (let i = 0; i < iterations; i++) validateManifests(objects);
    const used = process.cpuUsage(startCpu);
    wall.push(((performance.now() - start) * 1000) / iterations);
    cpu.push((used.user + used.system) / iterations);
  }
  const median = (samples: number[]) => samples.sort((a, b) => a - b)[2]!.toFixed(1);
  console.log(
    `${label}: median ${median(wall)} µs wall, ${median(cpu)} µs CPU per call (${iterations} calls x 5)`,
  );
}

const app = [deployment(), service(), horizontalPodAutoscaler()];
const coldStart = performance.now();
const coldIssues = validateManifests(app);
console.log(
  `first call (load + index 4 MB spec, compile): ${(performance.now() - coldStart).toFixed(1)} ms, ${coldIssues.length} issues`,
);

measure("3-object app (Deployment, Service, HPA)", app, 20_000);
measure("all 11 rendered kinds", everyKind(), 5_000);
const broken: Record<string, any> = deployment();
broken.spec.replicaz = 1;
broken.metadata.name = "Web_App";
measure("3-object app with 2 issues", [broken, service(), horizontalPodAutoscaler()], 20_000);
