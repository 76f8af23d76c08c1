import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseManifests, toYaml } from "../src/index.js";
import { runSourceBin, type BinResult } from "./support/run-bin.js";

const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const testPack = fileURLToPath(new URL("./fixtures/test-pack.ts", import.meta.url));
const brokenPack = fileURLToPath(new URL("./fixtures/broken-pack.ts", import.meta.url));
const realPacks = fileURLToPath(new URL("../../template-pack-default/src/index.ts", import.meta.url));
// An empty working directory: nothing there resolves @babyhelm/template-pack-default, and files are written here.
const workdir = mkdtempSync(join(tmpdir(), "babyhelm-cli-"));
afterAll(() => {
  rmSync(workdir, { recursive: true, force: true });
});

function run(args: string[], stdin = ""): Promise<BinResult> {
  return runSourceBin(cli, args, { cwd: workdir, stdin });
}

const withTestPack = ["--packs", testPack, "--no-default-packs"];

function file(name: string, text: string): string {
  const path = join(workdir, name);
  writeFileSync(path, text);
  return path;
}

const specFile = file("spec.yaml", "name: web\nimage: nginx:1.27\nports:\n  - containerPort: 8080\n");

describe.concurrent("babyhelm CLI", () => {
  it("renders an app spec to multi-document YAML", async () => {
    const result = await run(["render", "app", "-f", specFile, "--pack", "testpack@1", ...withTestPack]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const objects = parseManifests(result.stdout);
    expect(objects.map((object) => object.kind)).toEqual([
      "Deployment",
      "Service",
      "HorizontalPodAutoscaler",
    ]);
    expect(result.stdout).toContain("\n---\n");
  });

  it("renders JSON from stdin as a JSON array with -o json", async () => {
    const result = await run(
      ["render", "project", "-f", "-", "-o", "json", "--pack", "testpack", ...withTestPack],
      '{"name":"team-a"}',
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: "team-a", labels: { "babyhelm.io/project": "team-a" } },
      },
    ]);
  });

  it("exits 1 and lists every issue of an invalid spec as path: message", async () => {
    const bad = file("bad.yaml", "name: Web\nports:\n  - containerPort: 99999\n");
    const result = await run(["render", "app", "-f", bad, "--pack", "testpack@1", ...withTestPack]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("\nname: must be a DNS-1123 label\n");
    expect(result.stderr).toContain("\nimage: expected string, received undefined\n");
    expect(result.stderr).toMatch(/\nports\[0\]\.containerPort: .*65535/);
  });

  it("exits 1 on a YAML syntax error, naming the line", async () => {
    const result = await run(
      ["render", "app", "-f", "-", "--pack", "testpack@1", ...withTestPack],
      "name: web\nimage: [oops\n",
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line \d+: /);
  });

  it("exits 1 for an unknown pack, listing the registered ones", async () => {
    const result = await run(["render", "app", "-f", specFile, "--pack", "testpack@9", ...withTestPack]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("registered: testpack@2.0.0, testpack@1.2.0, testpack@1.0.0");
  });

  it("exits 3 when a pack, not the input, is broken", async () => {
    const result = await run(
      ["render", "app", "-f", "-", "--pack", "broken", "--packs", brokenPack, "--no-default-packs"],
      "name: x\n",
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/a pack is broken, not your input: .*Secret/);
  });

  it.each([
    [[], /Usage: babyhelm-sdk <command>/],
    [["frobnicate"], /unknown command "frobnicate"[\s\S]*babyhelm-sdk --help/],
    [
      ["render", "app", "-f", "x.yaml", "--bogus"],
      /Unknown option '--bogus'[\s\S]*babyhelm-sdk render --help/,
    ],
    [["render", "app"], /missing -f FILE[\s\S]*babyhelm-sdk render --help/],
    [["render", "-f", "x.yaml"], /say what to render: app or project/],
    [["render", "app", "-f", "x.yaml", "-o", "xml"], /unknown output format "xml"/],
    [["validate"], /missing -f FILE[\s\S]*babyhelm-sdk validate --help/],
    [["diff", "-f", "x.yaml", "--pack", "a@1"], /both --pack OLD and --to NEW are required/],
  ])("exits 2 on a usage error: %j", async (args, expected) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(`${result.stdout}${result.stderr}`).toMatch(expected);
  });

  it.each(["render", "validate", "diff", "packs"])(
    "%s --help prints its usage and exits 0",
    async (command) => {
      const result = await run([command, "--help"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: babyhelm-sdk ${command}`);
    },
  );

  it("prints its version", async () => {
    const result = await run(["--version"]);
    expect(result.code).toBe(0);
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(result.stdout).toBe(`${manifest.version}\n`);
  });

  it("validates manifests: 0 when valid", async () => {
    const rendered = await run(["render", "app", "-f", specFile, "--pack", "testpack@1", ...withTestPack]);
    const result = await run(["validate", "-f", "-"], rendered.stdout);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("3 objects valid\n");
  });

  it("validates manifests: 1 with Kind/name path: message per issue", async () => {
    const manifests = toYaml([
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "web" },
        spec: { ports: [{ port: 70000 }], typo: true },
      },
    ]);
    const result = await run(["validate", "-f", file("invalid.yaml", manifests)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Service\/web spec\.ports\[0\]\.port: .*65535/m);
    expect(result.stderr).toMatch(/^Service\/web spec(\.typo)?: .*typo/m);
  });

  it("diffs an app between pack versions", async () => {
    const result = await run([
      "diff",
      "-f",
      specFile,
      "--pack",
      "testpack@~1.0",
      "--to",
      "testpack@2",
      ...withTestPack,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      '~ Deployment/web (namespace default) changed\n    ~ metadata.annotations["babyhelm.io/pack"]: "testpack@1.0.0" -> "testpack@2.0.0"\n',
    );
  });

  it("lists packs with versions, descriptions and kinds", async () => {
    const text = await run(["packs", ...withTestPack]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      "testpack@1.2.0  Test pack, later minor\n  application: Deployment, Service, HorizontalPodAutoscaler\n",
    );
    const json = await run(["packs", "-o", "json", ...withTestPack]);
    expect((JSON.parse(json.stdout) as { ref: string }[]).map((pack) => pack.ref)).toEqual([
      "testpack@2.0.0",
      "testpack@1.2.0",
      "testpack@1.0.0",
    ]);
  });

  it("exits 1 when a --packs module cannot be found", async () => {
    const result = await run(["packs", "--packs", "./nowhere.js"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot find pack module "./nowhere.js"');
  });

  it("loads a third-party pack package exported for import only, resolved from the working directory", async () => {
    const packageDir = join(workdir, "node_modules", "@acme", "pack");
    mkdirSync(packageDir, { recursive: true });
    writeFileSync(
      join(packageDir, "package.json"),
      JSON.stringify({ name: "@acme/pack", type: "module", exports: { ".": { import: "./index.js" } } }),
    );
    // A bare PackDefinition with a duck-typed schema: the CLI defines it, so a pack needs no SDK import.
    writeFileSync(
      join(packageDir, "index.js"),
      `const target = {
  schema: { safeParse: (value) => ({ success: true, data: value }) },
  kinds: ["ConfigMap"],
  templates: { main: "apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: <%= it.json(it.values.name) %>\\n" },
};
export const packs = [{ name: "acme", version: "0.3.0", description: "Acme's pack", application: target, project: target }];
`,
    );
    const listed = await run(["packs", "--packs", "@acme/pack", "--no-default-packs"]);
    expect(listed.stderr).toBe("");
    expect(listed.stdout).toContain("acme@0.3.0  Acme's pack");
    const rendered = await run(
      ["render", "app", "-f", "-", "--pack", "acme", "--packs", "@acme/pack", "--no-default-packs"],
      "name: cfg\n",
    );
    expect(rendered.code).toBe(0);
    expect(rendered.stdout).toBe("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n");
  });

  it.skipIf(!existsSync(realPacks))(
    "renders with the real packs of @babyhelm/template-pack-default",
    async () => {
      const spec = fileURLToPath(new URL("../../../examples/app.yaml", import.meta.url));
      const result = await run([
        "render",
        "app",
        "-f",
        spec,
        "--pack",
        "default@2",
        "--packs",
        realPacks,
        "--no-default-packs",
      ]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(parseManifests(result.stdout).some((object) => object.kind === "Deployment")).toBe(true);
    },
  );
});
