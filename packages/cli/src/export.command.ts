// `babyhelm export app`: the app as the document `babyhelm deploy` takes, to keep in the repository.
import { appDocumentToYaml } from "@babyhelm/manifest-sdk/app-document";
import { connect } from "./connection.js";
import { EXIT, type BabyhelmIo } from "./io.js";
import { appNameOf, parseCommand, PROJECT_OPTION, requireOption, UsageError } from "./usage.js";

export const EXPORT_HELP = `Usage: babyhelm export app NAME --project PROJECT > app.yaml

Prints the app's current spec as the YAML document "babyhelm deploy -f" takes ({ name, pack, spec }), the same
document as the dashboard's "Export as YAML". Secrets appear by name only: the spec never holds their values.`;

export async function exportCommand(args: string[], io: BabyhelmIo): Promise<number> {
  const { values, positionals } = parseCommand("export", args, { project: PROJECT_OPTION });
  if (values.help === true) {
    io.stdout(`${EXPORT_HELP}\n`);
    return EXIT.ok;
  }
  const [kind, ...rest] = positionals;
  if (kind !== "app")
    throw new UsageError(
      kind === undefined ? "say what to export: app NAME" : `cannot export "${kind}" (app NAME)`,
      "export",
    );
  const name = appNameOf(rest, "export");
  const project = requireOption(values.project, "--project", "export");
  const { client } = await connect(io);
  const app = await client.apps.get.query({ project, name });
  io.stdout(appDocumentToYaml({ name: app.name, pack: app.pack, spec: app.spec as Record<string, unknown> }));
  return EXIT.ok;
}
