// Summarises a V8 CPU profile (.cpuprofile, from `--cpu-prof` or a bench's BENCH_CPU_PROFILE): where the sampled
// time went, by function (self time), by file or package (self time), and the project's own functions with the time
// spent in them and what they call (total time), so that a bench's report can name its top costs without DevTools.
//
// Run: cd apps/server && pnpm exec tsx --conditions=development bench/support/profile-summary.ts <file.cpuprofile> [top (25)]
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArgument] = process.argv.slice(2);
if (file === undefined) {
  console.error("usage: profile-summary.ts <file.cpuprofile> [top]");
  process.exit(1);
}
const top = Number(topArgument ?? "25");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

/** "function (file:line)", with the file shortened to its package or the repository's path. */
function functionKey(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName === "" ? "(anonymous)" : functionName;
  return url === "" ? name : `${name} (${shortFile(url)}:${lineNumber + 1})`;
}

function shortFile(url: string): string {
  const path = url.replace(/^file:\/\//, "");
  const modules = path.lastIndexOf("/node_modules/");
  if (modules !== -1) return path.slice(modules + "/node_modules/".length);
  const repository = /\/(packages|apps)\/.*$/.exec(path);
  return repository === null ? path : repository[0].slice(1);
}

/** A package ("pg", "@trpc/server"), a project folder ("packages/api"), "node:" internals or V8's own entries. */
function owner(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (url === "") return `(${functionName || "native"})`;
  if (url.startsWith("node:")) return "node: internals";
  const short = shortFile(url);
  if (url.includes("/node_modules/")) {
    const parts = short.split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  return short.split("/").slice(0, 2).join("/");
}

const selfByFunction = new Map<string, number>();
const selfByOwner = new Map<string, number>();
const totalByProjectFunction = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const node = byId.get(id)!;
  const time = profile.timeDeltas[index] ?? 0;
  total += time;
  const key = functionKey(node);
  selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + time);
  const who = owner(node);
  selfByOwner.set(who, (selfByOwner.get(who) ?? 0) + time);
  // Each of the project's functions on the stack, once per sample however deep it recurses.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const frame = byId.get(at)!;
    const where = owner(frame);
    if (!where.startsWith("packages/") && !where.startsWith("apps/")) continue;
    const frameKey = functionKey(frame);
    if (seen.has(frameKey)) continue;
    seen.add(frameKey);
    totalByProjectFunction.set(frameKey, (totalByProjectFunction.get(frameKey) ?? 0) + time);
  }
});

const idle = selfByFunction.get("(idle)") ?? 0;
const busy = total - idle;
const percent = (time: number) => `${((100 * time) / busy).toFixed(1).padStart(5)} %`;
const print = (title: string, entries: Map<string, number>, count: number) => {
  console.log(title);
  for (const [key, time] of [...entries].sort(([, a], [, b]) => b - a).slice(0, count)) {
    if (key === "(idle)") continue;
    console.log(`  ${percent(time)}  ${key}`);
  }
};
console.log(
  `${file}: ${(total / 1e6).toFixed(1)} s sampled, ${((100 * idle) / total).toFixed(0)} % idle; ` +
    `percentages are of the ${(busy / 1e6).toFixed(1)} s not idle`,
);
print("self time by function:", selfByFunction, top);
print("self time by package or folder:", selfByOwner, 15);
print("total time (with callees) of the project's own functions:", totalByProjectFunction, top);
