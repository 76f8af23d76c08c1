import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { diffManifests, formatDiff } from "./diff.js";
import { formatIssue, ManifestInputError, PackError, PackNotFoundError } from "./errors.js";
import { DEFAULT_PACK_MODULE, loadPacks, PackLoadError } from "./pack-loader.js";
import { createRenderer, DEFAULT_PACK_REF, type Renderer } from "./renderer.js";
import { parseManifests, parseSpecText, toYaml } from "./yaml.js";

export interface CliIo {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
  /** The name the help and errors call the program by: "babyhelm" (default) or "babyhelm-sdk". */
  program?: string;
}

/** Exit codes: the contract scripts and CI rely on. */
export const EXIT = { ok: 0, invalid: 1, usage: 2, packBug: 3 } as const;

/** A command line that cannot be run as written: exit 2, with a pointer to the right help. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly helpFor: string,
  ) {
    super(message);
  }
}

const PACK_OPTIONS = {
  packs: { type: "string", multiple: true },
  "no-default-packs": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];
const FILE_OPTION = { type: "string", short: "f" } as const;
const OUTPUT_OPTION = { type: "string", short: "o" } as const;

const PACK_HELP = `  --packs MODULE        Also load packs from MODULE (package name or file path); repeatable
  --no-default-packs    Do not load ${DEFAULT_PACK_MODULE} automatically
  -h, --help            Show this help`;

const HELP = {
  main: `babyhelm: turn a small app spec into Kubernetes manifests through versioned template packs.

Usage: babyhelm <command> [options]

Commands:
  render app|project   Render the manifests of an application or project spec
  validate             Strictly validate Kubernetes manifests against the Kubernetes OpenAPI
  diff                 Show what changes when an application moves between pack versions
  packs                List the available packs

Run "babyhelm <command> --help" for a command's options. Exit codes: 0 ok, 1 invalid input or manifests,
2 usage error, 3 a pack is broken.`,
  render: `Usage: babyhelm render app|project -f FILE|- [--pack REF] [-o yaml|json]

Renders the manifests of a spec (YAML or JSON; "-f -" reads stdin).

Options:
  -f, --file FILE       The spec file, or - for stdin (required)
  --pack REF            Pack as name@semver-range, or a name for its newest version (default ${DEFAULT_PACK_REF})
  -o, --output FORMAT   yaml (default, documents separated by ---) or json (an array)
${PACK_HELP}`,
  validate: `Usage: babyhelm validate -f FILE|-

Validates Kubernetes manifests (multi-document YAML, JSON, or a kind: List) against the Kubernetes 1.35 OpenAPI
and the API server's naming and cross-field rules. Prints each issue as "Kind/name path: message".

Options:
  -f, --file FILE       The manifests, or - for stdin (required)
  -o, --output FORMAT   text (default) or json
  -h, --help            Show this help`,
  diff: `Usage: babyhelm diff -f SPEC --pack OLD --to NEW [project] [-o text|json]

Shows what changes in an application's manifests (or a project's, with "project") when it moves from the pack
OLD to the pack NEW.

Options:
  -f, --file FILE       The spec file, or - for stdin (required)
  --pack REF            The pack it uses now (required)
  --to REF              The pack it moves to (required)
  -o, --output FORMAT   text (default) or json
${PACK_HELP}`,
  packs: `Usage: babyhelm packs [-o text|json]

Lists the available packs: versions, descriptions and the kinds each target renders.

Options:
  -o, --output FORMAT   text (default) or json
${PACK_HELP}`,
} as const;

type Command = Exclude<keyof typeof HELP, "main">;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
      io.stdout(`${named(HELP.main, io)}\n`);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    if (command === "--version" || command === "-v") {
      io.stdout(`${await packageVersion()}\n`);
      return EXIT.ok;
    }
    if (!isCommand(command)) throw new UsageError(`unknown command "${command}"`, "main");
    return await COMMANDS[command](rest, io);
  } catch (error) {
    return report(error, io);
  }
}

function isCommand(name: string): name is Command {
  return Object.hasOwn(COMMANDS, name);
}

const COMMANDS: Record<Command, (args: string[], io: CliIo) => Promise<number>> = {
  async render(args, io) {
    const { values, positionals } = parse("render", {
      args,
      options: { file: FILE_OPTION, pack: { type: "string" }, output: OUTPUT_OPTION, ...PACK_OPTIONS },
      allowPositionals: true,
      strict: true,
    });
    if (values.help === true) return help("render", io);
    const target = targetOf(positionals, "render", true);
    const output = outputFormat(values.output, ["yaml", "json"], "render");
    const file = requireFile(values.file, "render");
    const renderer = await rendererFor(values, io);
    const spec = parseSpecText(await readInput(file, io));
    const options = values.pack === undefined ? {} : { pack: values.pack };
    const objects =
      target === "project"
        ? renderer.renderProject(spec, options)
        : renderer.renderApplication(spec, options);
    io.stdout(output === "json" ? `${JSON.stringify(objects, null, 2)}\n` : toYaml(objects));
    return EXIT.ok;
  },

  async validate(args, io) {
    const { values, positionals } = parse("validate", {
      args,
      options: { file: FILE_OPTION, output: OUTPUT_OPTION, help: PACK_OPTIONS.help },
      allowPositionals: true,
      strict: true,
    });
    if (values.help === true) return help("validate", io);
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]!}"`, "validate");
    const output = outputFormat(values.output, ["text", "json"], "validate");
    const objects = parseManifests(await readInput(requireFile(values.file, "validate"), io));
    // Loaded on demand: render, diff and packs should not pay for the OpenAPI validator's start-up.
    const { validateManifests } = await import("./validate/index.js");
    const issues = validateManifests(objects);
    if (output === "json")
      io.stdout(
        `${JSON.stringify({ valid: issues.length === 0, objects: objects.length, issues }, null, 2)}\n`,
      );
    if (issues.length > 0) {
      for (const issue of issues)
        io.stderr(`${issue.object}${issue.path === "" ? "" : ` ${issue.path}`}: ${issue.message}\n`);
      io.stderr(
        `${issues.length} issue${issues.length === 1 ? "" : "s"} in ${objects.length} object${objects.length === 1 ? "" : "s"}\n`,
      );
      return EXIT.invalid;
    }
    if (output === "text") io.stdout(`${objects.length} object${objects.length === 1 ? "" : "s"} valid\n`);
    return EXIT.ok;
  },

  async diff(args, io) {
    const { values, positionals } = parse("diff", {
      args,
      options: {
        file: FILE_OPTION,
        pack: { type: "string" },
        to: { type: "string" },
        output: OUTPUT_OPTION,
        ...PACK_OPTIONS,
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help === true) return help("diff", io);
    const target = targetOf(positionals, "diff", false);
    const output = outputFormat(values.output, ["text", "json"], "diff");
    const file = requireFile(values.file, "diff");
    if (values.pack === undefined || values.to === undefined)
      throw new UsageError("both --pack OLD and --to NEW are required", "diff");
    const renderer = await rendererFor(values, io);
    const spec = parseSpecText(await readInput(file, io));
    const render = (pack: string) =>
      target === "project"
        ? renderer.renderProject(spec, { pack })
        : renderer.renderApplication(spec, { pack });
    const changes = diffManifests(render(values.pack), render(values.to));
    io.stdout(output === "json" ? `${JSON.stringify(changes, null, 2)}\n` : formatDiff(changes));
    return EXIT.ok;
  },

  async packs(args, io) {
    const { values, positionals } = parse("packs", {
      args,
      options: { output: OUTPUT_OPTION, ...PACK_OPTIONS },
      allowPositionals: true,
      strict: true,
    });
    if (values.help === true) return help("packs", io);
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]!}"`, "packs");
    const output = outputFormat(values.output, ["text", "json"], "packs");
    const packs = (await rendererFor(values, io)).listPacks();
    if (output === "json") {
      io.stdout(`${JSON.stringify(packs, null, 2)}\n`);
      return EXIT.ok;
    }
    if (packs.length === 0)
      io.stdout("No packs found. Install @babyhelm/template-pack-default or pass --packs MODULE.\n");
    for (const pack of packs) {
      io.stdout(`${pack.ref}  ${pack.description}\n`);
      io.stdout(
        `  application: ${pack.kinds.application.join(", ")}\n  project: ${pack.kinds.project.join(", ")}\n`,
      );
    }
    return EXIT.ok;
  },
};

/** parseArgs, with its errors turned into usage errors for the command. */
export function parse<const Config extends ParseArgsConfig>(
  command: string,
  config: Config,
): ReturnType<typeof parseArgs<Config>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
}

function help(command: Command, io: CliIo): number {
  io.stdout(`${named(HELP[command], io)}\n`);
  return EXIT.ok;
}

/** The help text with the program's own name where it says "babyhelm" (not in package names). */
function named(text: string, io: CliIo): string {
  const program = io.program ?? "babyhelm";
  return program === "babyhelm" ? text : text.replace(/(?<![@\w/.-])babyhelm(?![\w/.-])/g, program);
}

function targetOf(positionals: string[], command: Command, required: boolean): "application" | "project" {
  const [kind, extra] = positionals;
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`, command);
  if (kind === undefined && !required) return "application";
  if (kind === "app" || kind === "application") return "application";
  if (kind === "project") return "project";
  throw new UsageError(
    kind === undefined ? "say what to render: app or project" : `unknown target "${kind}" (app or project)`,
    command,
  );
}

function outputFormat<Format extends string>(
  value: string | undefined,
  formats: readonly Format[],
  command: Command,
): Format {
  if (value === undefined) return formats[0]!;
  if ((formats as readonly string[]).includes(value)) return value as Format;
  throw new UsageError(`unknown output format "${value}" (${formats.join(" or ")})`, command);
}

function requireFile(file: string | undefined, command: Command): string {
  if (file === undefined || file === "") throw new UsageError("missing -f FILE (use - for stdin)", command);
  return file;
}

/** The text of `file` ("-" is stdin), relative to the working directory; `what` titles the error it cannot be read. */
export async function readInput(file: string, io: CliIo, what = "input"): Promise<string> {
  if (file === "-") return io.readStdin();
  try {
    return await readFile(resolve(io.cwd, file), "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new ManifestInputError(
      [{ path: "", message: `cannot read ${file}: ${reason}` }],
      `Cannot read ${what}`,
    );
  }
}

async function rendererFor(
  values: { packs?: string[]; "no-default-packs"?: boolean },
  io: CliIo,
): Promise<Renderer> {
  const packs = await loadPacks({
    modules: values.packs ?? [],
    includeDefault: values["no-default-packs"] !== true,
    cwd: io.cwd,
    warn: (message) => {
      io.stderr(`warning: ${message}\n`);
    },
  });
  return createRenderer({ packs });
}

function report(error: unknown, io: CliIo): number {
  const program = io.program ?? "babyhelm";
  if (error instanceof UsageError) {
    const hint = error.helpFor === "main" ? `${program} --help` : `${program} ${error.helpFor} --help`;
    io.stderr(`${program}: ${error.message}\nRun "${hint}" for usage.\n`);
    return EXIT.usage;
  }
  if (error instanceof ManifestInputError) {
    io.stderr(`${error.message.split("\n", 1)[0]!}\n`);
    for (const issue of error.issues) io.stderr(`${formatIssue(issue)}\n`);
    return EXIT.invalid;
  }
  if (error instanceof PackNotFoundError || error instanceof PackLoadError) {
    io.stderr(`${program}: ${error.message}\n`);
    return EXIT.invalid;
  }
  if (error instanceof PackError) {
    io.stderr(`${program}: a pack is broken, not your input: ${error.message}\n`);
    return EXIT.packBug;
  }
  io.stderr(
    `${program}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT.packBug;
}

async function packageVersion(): Promise<string> {
  const text = await readFile(new URL("../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}
