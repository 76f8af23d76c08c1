// `pnpm bench`: every bench of the server, one after another, each in a process of its own so that none inherits
// another's heap, JIT state or open handles. A bench exits 0 when it measured (met targets or not); a non-zero
// exit means it could not measure, and makes this script fail after running the others.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const BENCHES = [
  "projects-list.bench.ts",
  "apps-scale.bench.ts",
  "apps-create.bench.ts",
  "apps-memory.bench.ts",
  "apps-watch.bench.ts",
  "web-assets.bench.ts",
  "replicas-throughput.bench.ts",
];

const tsx = import.meta.resolve("tsx");
const failed: string[] = [];
for (const bench of BENCHES) {
  console.log(`\n=== ${bench} ===`);
  const file = fileURLToPath(new URL(bench, import.meta.url));
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=development", "--import", tsx, file], {
      stdio: "inherit",
    });
    child.once("error", reject);
    child.once("exit", (exitCode, signal) => {
      resolve(signal === null ? exitCode : 1);
    });
  });
  if (code !== 0) failed.push(`${bench} (exit ${code})`);
}
if (failed.length > 0) {
  console.error(`\nbenches that could not measure: ${failed.join(", ")}`);
  process.exit(1);
}
