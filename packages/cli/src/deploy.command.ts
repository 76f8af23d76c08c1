// `babyhelm deploy`: the app document in the repository becomes the app on the server, then the rollout is followed.
import { errorCode, type BabyhelmClient } from "@babyhelm/client";
import { parseAppDocument, sameAppSpec, type AppDocument } from "@babyhelm/manifest-sdk/app-document";
import { readInput } from "@babyhelm/manifest-sdk/cli";
import { connect } from "./connection.js";
import { EXIT, type BabyhelmIo } from "./io.js";
import { followRollout } from "./rollout-progress.js";
import {
  CommandError,
  parseCommand,
  PROJECT_OPTION,
  requireOption,
  rolloutWait,
  UsageError,
  WAIT_OPTIONS,
} from "./usage.js";

export const DEPLOY_HELP = `Usage: babyhelm deploy -f FILE|- --project PROJECT [--image IMAGE] [--secret NAME[=VAR]]... [--no-wait] [--timeout 10m]

Creates the app the file describes, or gives it a new revision when the file differs from what runs (the change is
printed as a diff first); nothing is done when they are the same. Then waits for the rollout, printing its progress.
The file is what "babyhelm export app" and the dashboard's "Export as YAML" write: { name, pack, spec }, or a bare
spec named by --name or its own name.

Options:
  -f, --file FILE       The app document (YAML or JSON), or - for stdin (required)
  -p, --project NAME    The project (required)
  --name NAME           The app's name, for a bare spec
  --pack REF            The pack of a new app (default: the document's, else the server's default)
  --image IMAGE         Deploy this image instead of the file's spec.image (e.g. the tag CI just pushed)
  --secret NAME[=VAR]   The value of the stored secret NAME (spec.secrets), read from the environment variable VAR
                        (default: NAME), never from the command line. Sent when the app does not have NAME yet, or
                        with --rotate-secrets; repeat for each secret
  --rotate-secrets      Send every --secret value, replacing the stored ones (a changed value rolls the pods)
  --no-wait             Do not wait for the rollout
  --timeout DURATION    How long to wait for the rollout (default 10m; 90s, 1h…)
  -h, --help            Show this help

Exit codes: 0 ready (or up to date), 1 failed (the reason is printed) or refused, 2 usage error, 3 timed out.`;

export async function deployCommand(args: string[], io: BabyhelmIo): Promise<number> {
  const { values, positionals } = parseCommand("deploy", args, {
    file: { type: "string", short: "f" },
    project: PROJECT_OPTION,
    name: { type: "string" },
    pack: { type: "string" },
    image: { type: "string" },
    secret: { type: "string", multiple: true },
    "rotate-secrets": { type: "boolean" },
    ...WAIT_OPTIONS,
  });
  if (values.help === true) {
    io.stdout(`${DEPLOY_HELP}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]!}"`, "deploy");
  const file = requireOption(values.file, "-f FILE (use - for stdin)", "deploy");
  const project = requireOption(values.project, "--project", "deploy");
  const timeoutMs = rolloutWait(values, "deploy");
  const document = parseAppDocument(
    await readInput(file, io, "the app"),
    values.name === undefined ? {} : { name: values.name },
  );
  if (values.image !== undefined)
    document.spec.image = requireOption(values.image, "--image IMAGE", "deploy");
  const pack = values.pack ?? document.pack;
  const secrets = secretValuesFrom(values.secret ?? [], io.env);

  const { client } = await connect(io);
  const outcome = await apply(
    client,
    project,
    { ...document, ...(pack === undefined ? {} : { pack }) },
    { given: secrets, rotate: values["rotate-secrets"] === true },
    io,
  );
  if (outcome === undefined || timeoutMs === undefined) return EXIT.ok;
  return followRollout(client, { project, name: document.name, revision: outcome, timeoutMs }, io);
}

type SecretValues = Record<string, string>;

/** `--secret NAME[=VAR]` → NAME's value from the environment variable VAR (or NAME); a missing one is a usage error. */
function secretValuesFrom(options: readonly string[], env: Readonly<Record<string, string | undefined>>) {
  const values: SecretValues = {};
  for (const option of options) {
    const [name = "", variable = name] = option.split("=", 2);
    if (name === "" || variable === "")
      throw new UsageError(`--secret takes NAME or NAME=VARIABLE, not "${option}"`, "deploy");
    const value = env[variable];
    if (value === undefined)
      throw new UsageError(
        `--secret ${option}: the environment variable ${variable} is not set (secret values are read from the environment, never from arguments)`,
        "deploy",
      );
    values[name] = value;
  }
  return values;
}

/** The new revision, or undefined when the app is up to date. */
async function apply(
  client: BabyhelmClient,
  project: string,
  document: AppDocument,
  secrets: { given: SecretValues; rotate: boolean },
  io: BabyhelmIo,
): Promise<number | undefined> {
  const { name, pack, spec } = document;
  const current = await client.apps.get.query({ project, name }).catch((error: unknown) => {
    if (errorCode(error) === "NOT_FOUND") return undefined;
    throw error;
  });
  if (current === undefined) {
    const created = await client.apps.create.mutate({
      project,
      name,
      spec,
      ...(pack === undefined ? {} : { pack }),
      ...withSecretValues(secrets.given),
    });
    io.stdout(`${name} created in ${project} with ${created.pack} (revision ${created.revision})\n`);
    return created.revision;
  }
  if (pack !== undefined && pack !== current.pack)
    await requireSamePack(client, project, document, current.pack);
  // Nobody reads a stored value back, so an unchanged value cannot be told from a changed one: a value is sent for a
  // secret the app lacks, or for all of them when asked to rotate.
  const stored = new Set(
    (await client.apps.secrets.query({ project, name }))
      .filter((secret) => secret.source === "stored")
      .map((secret) => secret.name),
  );
  const sent = Object.fromEntries(
    Object.entries(secrets.given).filter(([secret]) => secrets.rotate || !stored.has(secret)),
  );
  if (sameAppSpec(current.spec, spec) && Object.keys(sent).length === 0) {
    io.stdout(`${name} is up to date (revision ${current.revision})\n`);
    return undefined;
  }
  const preview = await client.apps.previewManifests.query({
    project,
    name,
    spec,
    intent: "update",
    ...withSecretValues(sent),
  });
  io.stdout(preview.diff === "" ? `${name}: the spec changes, the manifests do not\n` : preview.diff);
  const { revision } = await client.apps.update.mutate({
    project,
    name,
    spec,
    expectedRevision: current.revision,
    ...withSecretValues(sent),
  });
  io.stdout(`${name} updated to revision ${revision}\n`);
  return revision;
}

function withSecretValues(values: SecretValues): { secretValues?: SecretValues } {
  return Object.keys(values).length === 0 ? {} : { secretValues: values };
}

/**
 * A document may name its pack as a range ("default@2") while the app runs an exact version: the server resolves the
 * range. A different pack is a pack upgrade, which changes manifests beyond the spec, so it is the user's own step.
 */
async function requireSamePack(
  client: BabyhelmClient,
  project: string,
  document: AppDocument,
  running: string,
): Promise<void> {
  const { name, pack, spec } = document;
  const resolved = await client.apps.previewManifests.query({ project, name, pack, spec, intent: "update" });
  if (resolved.pack === running) return;
  throw new CommandError(
    `${name} runs ${running} and the file asks for ${pack!} (${resolved.pack}): upgrade its pack first (the app's page in the dashboard, or apps.upgradePack), then deploy.`,
  );
}
