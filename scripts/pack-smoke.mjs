#!/usr/bin/env node
// Publishing smoke test, run by the root test command after the suites: builds and packs @babyhelm/manifest-sdk,
// @babyhelm/template-pack-default, @babyhelm/client and @babyhelm/cli as npm would receive them (pnpm applies publishConfig and
// rewrites workspace: ranges), installs the tarballs into an empty project with npm, then renders through the API and
// the installed CLI, starts every installed bin, and type-checks scripts using the client with tsc: a valid one must
// compile, mistaken ones must not. Before packing, every bin of every workspace package is started with plain node.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pnpmCommand } from "./pnpm-command.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const packages = [
  {
    name: "@babyhelm/manifest-sdk",
    dir: "packages/manifest-sdk",
    mustContain: [
      "dist/index.js",
      "dist/index.d.ts",
      "dist/cli.js",
      "dist/cli-commands.js",
      "dist/app-document.js",
      "dist/names.js",
      "bin/babyhelm-sdk.js",
      "openapi/kubernetes-1.35-openapi-v2.json",
      "README.md",
    ],
  },
  {
    name: "@babyhelm/template-pack-default",
    dir: "packages/template-pack-default",
    mustContain: ["dist/index.js", "dist/index.d.ts", "packs/classic/1.0.0/application/deployment.yaml.eta"],
  },
  {
    name: "@babyhelm/client",
    dir: "packages/client",
    mustContain: ["dist/index.js", "dist/index.d.ts", "README.md"],
  },
  {
    name: "@babyhelm/cli",
    dir: "packages/cli",
    mustContain: ["dist/index.js", "dist/index.d.ts", "dist/cli.js", "bin/babyhelm.js", "README.md"],
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

const [pnpm, ...pnpmArgs] = pnpmCommand(root);
const step = (message) => console.log(`pack-smoke: ${message}`);

const workspaceBins = findWorkspaceBins();
const built = [...new Set([...packages.map((pkg) => pkg.name), ...workspaceBins.map((bin) => bin.pkg)])];
step(`building ${built.join(", ")} (and the workspace packages they use)`);
run(pnpm, [...pnpmArgs, "exec", "turbo", "run", "build", ...built.map((name) => `--filter=${name}`)], {
  stdio: "inherit",
});

// Every bin a workspace package declares, started with plain node from the workspace: its whole module graph
// (other workspace packages included) loads from built JavaScript, without tsx.
for (const { pkg, name, file } of workspaceBins) {
  const help = run("node", [file, "--help"], { allowFailure: true });
  if (help.status !== 0)
    fail(`${pkg}'s bin ${name} (node ${file} --help) exited ${help.status}\n${help.stderr}`);
  step(`workspace bin ${name} (${pkg}): node ${file} --help exits 0`);
}

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
  if (pkg.name === "@babyhelm/client") checkClientDeclarations(tarball, manifest);
}

// Loads the installed client and makes a call to a closed port: the error must be the client's TRPCClientError.
const CLIENT_RUNTIME_CHECK = `
import { TRPCClientError, createBabyhelmClient, errorCode, waitForRollout } from "@babyhelm/client";
if (typeof waitForRollout !== "function") throw new Error("waitForRollout is not exported");
const client = createBabyhelmClient({ url: "http://127.0.0.1:9", token: "bhp_smoke" });
const error = await client.projects.list.query({}).then(() => undefined, (caught) => caught);
if (!(error instanceof TRPCClientError)) throw new Error("expected a TRPCClientError, got " + error);
console.log("client call to a closed port: TRPCClientError (" + error.message + "), code " + errorCode(error));
`;

const project = join(work, "project");
run("mkdir", ["-p", project]);
run("npm", ["init", "-y"], { cwd: project });
run("npm", ["pkg", "set", "type=module"], { cwd: project });
// The TypeScript and Node types a user of the client has, at the workspace's versions.
const typescriptVersion = installedVersion("typescript");
const nodeTypesVersion = installedVersion("@types/node");
step(
  `installing the tarballs, typescript@${typescriptVersion} and @types/node into an empty npm project (${project})`,
);
run(
  "npm",
  [
    "install",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    ...tarballs,
    `typescript@${typescriptVersion}`,
    `@types/node@${nodeTypesVersion}`,
  ],
  { cwd: project },
);

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
step("running the installed CLI (@babyhelm/cli): npx babyhelm render app -f spec.yaml --pack classic@1");
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
// The SDK's own bin runs the same commands; its output must be the same.
const sdkCli = run(
  "npx",
  ["--no", "--", "babyhelm-sdk", "render", "app", "-f", "spec.yaml", "--pack", "classic@1"],
  { cwd: project, allowFailure: true },
);
if (sdkCli.status !== 0 || sdkCli.stdout !== cli.stdout)
  fail(
    `babyhelm-sdk render exited ${sdkCli.status} or printed other manifests\n${sdkCli.stdout}${sdkCli.stderr}`,
  );
step("babyhelm-sdk render prints the same manifests");

// Each bin the installed packages declare starts with plain node from the install, and knows its version.
for (const pkg of packages) {
  const installed = JSON.parse(readFileSync(join(project, "node_modules", pkg.name, "package.json"), "utf8"));
  for (const [name, file] of Object.entries(installed.bin ?? {})) {
    const path = join(project, "node_modules", pkg.name, file);
    const help = run("node", [path, "--help"], { cwd: project, allowFailure: true });
    if (help.status !== 0) fail(`installed bin ${name} --help exited ${help.status}\n${help.stderr}`);
    const version = run("node", [path, "--version"], { cwd: project, allowFailure: true });
    if (version.status !== 0 || version.stdout.trim() !== installed.version)
      fail(`installed bin ${name} --version printed "${version.stdout.trim()}", not ${installed.version}`);
    step(`installed bin ${name} (${pkg.name}): --help exits 0, --version prints ${installed.version}`);
  }
}

step("type-checking scripts that use the installed client (tsc --strict, NodeNext)");
checkClientScripts();

step("calling the installed client at run time");
const runtime = run("node", ["--input-type=module", "-e", CLIENT_RUNTIME_CHECK], { cwd: project });
process.stdout.write(runtime.stdout);

if (!keep) rmSync(work, { recursive: true, force: true });
step("OK");

/** The bins every workspace package declares, as { pkg, name, file } with file relative to the repository. */
function findWorkspaceBins() {
  const bins = [];
  for (const group of ["apps", "packages", "tooling"]) {
    for (const dir of readdirSync(join(root, group))) {
      const manifestPath = join(root, group, dir, "package.json");
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
      const declared = typeof manifest.bin === "string" ? { [manifest.name]: manifest.bin } : manifest.bin;
      for (const [name, file] of Object.entries(declared ?? {}))
        bins.push({ pkg: manifest.name, name, file: join(group, dir, file) });
    }
  }
  if (bins.length === 0) fail("found no bin in the workspace's packages");
  return bins;
}

function installedVersion(name) {
  const manifest = join(root, "packages/client/node_modules", name, "package.json");
  return JSON.parse(readFileSync(manifest, "utf8")).version;
}

/**
 * The client's declarations must stand alone for its users: the router's types inlined, no import of an unpublished
 * workspace package or of a server-only library, and nothing imported but the client's declared dependencies.
 */
function checkClientDeclarations(tarball, manifest) {
  const declarations = run("tar", ["-xzOf", tarball, "package/dist/index.d.ts"]).stdout;
  const dependencies = Object.keys(manifest.dependencies ?? {});
  const specifiers = [
    ...declarations.matchAll(/\bfrom\s+["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)/g),
  ].map((match) => match[1] ?? match[2]);
  const undeclared = specifiers.filter(
    (specifier) => !dependencies.some((name) => specifier === name || specifier.startsWith(`${name}/`)),
  );
  if (undeclared.length > 0)
    fail(
      `@babyhelm/client's dist/index.d.ts imports ${[...new Set(undeclared)].join(", ")}, not its dependencies`,
    );
  const serverOnly =
    /@babyhelm\/(?!client\b)|kysely|pino|@electric-sql|prom-client|@kubernetes\/|argon2/.exec(declarations);
  if (serverOnly)
    fail(`@babyhelm/client's dist/index.d.ts names ${serverOnly[0]}, which its users do not install`);
  if (!/\bprojects: \{/.test(declarations))
    fail("@babyhelm/client's dist/index.d.ts lacks the router's procedures");
  step(
    `client declarations: ${declarations.length} characters, imports only ${[...new Set(specifiers)].join(", ")}`,
  );
}

/**
 * Type-checks, in one tsc run with a user's settings, a valid script and variants with one mistake each: the valid
 * one must have no error, each variant exactly the errors its mistake causes (so the client's types are precise).
 */
function checkClientScripts() {
  const scripts = [
    { file: "valid.ts", script: clientScript({}), error: undefined },
    {
      file: "wrong-procedure.ts",
      script: clientScript({ procedure: "projects.lits" }),
      error: /^error TS2339: Property 'lits' does not exist/,
    },
    {
      file: "wrong-input.ts",
      script: clientScript({ input: `{ limit: "20" }` }),
      error: /^error TS2322: Type 'string' is not assignable to type 'number'/,
    },
    {
      file: "wrong-output.ts",
      script: clientScript({ countType: "string" }),
      error: /^error TS2322: Type 'number' is not assignable to type 'string'/,
    },
  ];
  for (const { file, script } of scripts) writeFileSync(join(project, file), script);
  // skipLibCheck off, so that the client's declarations are checked too.
  const compilerOptions = {
    strict: true,
    target: "ES2023",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    types: ["node"],
    skipLibCheck: false,
    noEmit: true,
  };
  const files = scripts.map(({ file }) => file);
  writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions, files }, null, 2));
  const result = run("npx", ["--no", "--", "tsc", "-p", "."], { cwd: project, allowFailure: true });
  const output = `${result.stdout}${result.stderr}`;
  const errors = [...output.matchAll(/^(\S+?)\(\d+,\d+\): (error TS\d+: .*)$/gm)].map(([, file, error]) => ({
    file,
    error,
  }));
  if (result.status === 0 || errors.length === 0)
    fail(`tsc found no error in the mistaken scripts:\n${output}`);
  const unexpected = errors.filter(
    ({ file, error }) => !scripts.find((s) => s.file === file)?.error?.test(error),
  );
  if (unexpected.length > 0) fail(`unexpected type errors:\n${output}`);
  for (const { file, error } of scripts) {
    const found = errors.find((e) => e.file === file);
    if (error === undefined) step(`${file} compiles`);
    else if (found === undefined) fail(`${file} compiles, but its mistake should not:\n${output}`);
    else step(`${file} does not compile: ${found.error.slice(0, 80)}`);
  }
}

/** A CI script of the kind the client is for; the options each put one mistake into it. */
function clientScript({ procedure = "projects.list", input = "{}", countType = "number" }) {
  return `import { type AppStatus, RolloutError, createBabyhelmClient, errorCode, waitForRollout } from "@babyhelm/client";

const client = createBabyhelmClient({ url: "https://babyhelm.example.com", token: process.env.BABYHELM_TOKEN });

export async function deploy(image: string): Promise<AppStatus> {
  const page = await client.${procedure}.query(${input});
  const names: string[] = [];
  for (const project of page.items) names.push(project.name);
  const appCount: ${countType} = page.items[0]!.appCount;
  console.log(names, appCount, page.nextCursor);
  const app = await client.apps.get.query({ project: "shop", name: "web" });
  await client.apps.update.mutate({
    project: "shop",
    name: "web",
    expectedRevision: app.revision,
    spec: { ...(app.spec as object), image },
  });
  try {
    return await waitForRollout(client, {
      project: "shop",
      name: "web",
      onProgress: (status) => console.log(status.state, status.progress.done, status.progress.total),
    });
  } catch (error) {
    if (error instanceof RolloutError) console.error(error.status.message);
    if (errorCode(error) === "CONFLICT") console.error("changed meanwhile");
    throw error;
  }
}
`;
}
