#!/usr/bin/env node
// Publishing smoke test, run by the root test command after the suites: builds and packs @babyhelm/manifest-sdk and
// @babyhelm/template-pack-default as npm would receive them (pnpm applies publishConfig and rewrites workspace:
// ranges), installs both tarballs into an empty project with npm, then renders through the API and the installed CLI.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const packages = [
  {
    name: "@babyhelm/manifest-sdk",
    dir: "packages/manifest-sdk",
    mustContain: [
      "dist/index.js",
      "dist/index.d.ts",
      "dist/cli.js",
      "dist/names.js",
      "bin/babyhelm.js",
      "openapi/kubernetes-1.35-openapi-v2.json",
      "README.md",
    ],
  },
  {
    name: "@babyhelm/template-pack-default",
    dir: "packages/template-pack-default",
    mustContain: ["dist/index.js", "dist/index.d.ts", "packs/classic/1.0.0/application/deployment.yaml.eta"],
  },
];
const work = mkdtempSync(join(tmpdir(), "babyhelm-pack-smoke-"));
const keep = process.env.BABYHELM_KEEP_SMOKE === "1";

function fail(message) {
  console.error(`pack-smoke: FAILED: ${message}`);
  console.error(`pack-smoke: work directory kept for inspection: ${work}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", ...options, cwd: options.cwd ?? root });
  if (result.error) fail(`${command} ${args.join(" ")}: ${result.error.message}`);
  if (result.status !== 0 && !options.allowFailure) {
    fail(
      `${command} ${args.join(" ")} exited ${result.status}\n${result.stdout ?? ""}${result.stderr ?? ""}`,
    );
  }
  return result;
}

/** pnpm as the root scripts find it: on PATH, or through npx at the version the workspace pins. */
function pnpmCommand() {
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  if (probe.status === 0) return ["pnpm"];
  const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager;
  return ["npx", "--yes", pinned];
}

const [pnpm, ...pnpmArgs] = pnpmCommand();
const step = (message) => console.log(`pack-smoke: ${message}`);

step(`building ${packages.map((pkg) => pkg.name).join(" and ")}`);
run(pnpm, [...pnpmArgs, ...packages.flatMap((pkg) => ["--filter", pkg.name]), "run", "build"], {
  stdio: "inherit",
});

const tarballs = [];
for (const pkg of packages) {
  const result = run(pnpm, [...pnpmArgs, "pack", "--pack-destination", work, "--json"], {
    cwd: join(root, pkg.dir),
  });
  const report = JSON.parse(result.stdout.slice(result.stdout.indexOf("{")));
  const files = new Set(report.files.map((file) => file.path));
  const missing = pkg.mustContain.filter((file) => !files.has(file));
  if (missing.length > 0)
    fail(`${pkg.name} tarball lacks ${missing.join(", ")} (check "files" and the build)`);
  // Depending on the pnpm version, filename is the full path or relative to the destination.
  const tarball = isAbsolute(report.filename) ? report.filename : join(work, report.filename);
  const manifest = JSON.parse(run("tar", ["-xzOf", tarball, "package/package.json"]).stdout);
  const exported = JSON.stringify(manifest.exports);
  if (!exported.includes("./dist/index.js") || exported.includes("./src/"))
    fail(`${pkg.name} exports ${exported}, not dist`);
  if (JSON.stringify(manifest).includes("workspace:")) fail(`${pkg.name} still has workspace: ranges`);
  step(`packed ${basename(tarball)} (${files.size} files, exports dist)`);
  tarballs.push(tarball);
}

const project = join(work, "project");
run("mkdir", ["-p", project]);
run("npm", ["init", "-y"], { cwd: project });
run("npm", ["pkg", "set", "type=module"], { cwd: project });
step(`installing both tarballs into an empty npm project (${project})`);
run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs], { cwd: project });

const classicSpec = {
  name: "web",
  image: "nginx:1.27",
  ports: { port: 80, targetPort: 8080 },
  envs: [{ name: "MODE", value: "prod" }],
};
const defaultSpec = {
  name: "web",
  image: "nginx:1.27",
  ports: [{ name: "http", port: 80, containerPort: 8080 }],
  env: [{ name: "MODE", value: "production" }],
  autoscaling: { min: 2, max: 5, cpuPercent: 70 },
};
writeFileSync(
  join(project, "smoke.mjs"),
  `import { createRenderer, toYaml, validateManifests } from "@babyhelm/manifest-sdk";
import { packs } from "@babyhelm/template-pack-default";
const renderer = createRenderer({ packs });
for (const [pack, spec] of [["classic@1", ${JSON.stringify(classicSpec)}], ["default@2", ${JSON.stringify(defaultSpec)}]]) {
  const objects = renderer.renderApplication(spec, { pack });
  if (!objects.some((object) => object.kind === "Deployment")) throw new Error(pack + " rendered no Deployment: " + toYaml(objects));
  const issues = validateManifests(objects);
  if (issues.length > 0) throw new Error(pack + " rendered invalid manifests: " + JSON.stringify(issues));
  console.log(pack + ": " + objects.map((object) => object.kind + "/" + object.metadata.name).join(", "));
}
`,
);
step("rendering through the installed API (classic@1 and default@2)");
process.stdout.write(run("node", ["smoke.mjs"], { cwd: project }).stdout);

writeFileSync(
  join(project, "spec.yaml"),
  `name: web\nimage: nginx:1.27\nports:\n  port: 80\n  targetPort: 8080\n`,
);
step("running the installed CLI: npx babyhelm render app -f spec.yaml --pack classic@1");
const cli = run(
  "npx",
  ["--no", "--", "babyhelm", "render", "app", "-f", "spec.yaml", "--pack", "classic@1"],
  {
    cwd: project,
    allowFailure: true,
  },
);
if (cli.status !== 0) fail(`the CLI exited ${cli.status}\n${cli.stdout}${cli.stderr}`);
if (!/^kind: Deployment$/m.test(cli.stdout)) fail(`the CLI printed no Deployment:\n${cli.stdout}`);
step(`CLI exit 0, ${cli.stdout.split(/^---$/m).length} documents`);

if (!keep) rmSync(work, { recursive: true, force: true });
step("OK");
