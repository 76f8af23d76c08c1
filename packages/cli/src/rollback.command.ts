// `babyhelm rollback`: back to an earlier revision (the previous one by default), then the rollout is followed.
import { connect } from "./connection.js";
import { EXIT, type BabyhelmIo } from "./io.js";
import { followRollout } from "./rollout-progress.js";
import {
  appNameOf,
  CommandError,
  parseCommand,
  parseCount,
  PROJECT_OPTION,
  requireOption,
  rolloutWait,
  WAIT_OPTIONS,
} from "./usage.js";

export const ROLLBACK_HELP = `Usage: babyhelm rollback NAME --project PROJECT [--to REVISION] [--no-wait] [--timeout 10m]

Applies an earlier revision's spec and manifests again, as a new revision, then waits for the rollout.

Options:
  -p, --project NAME    The project (required)
  --to REVISION         The revision to go back to (default: the one before the current)
  --no-wait             Do not wait for the rollout
  --timeout DURATION    How long to wait for the rollout (default 10m)
  -h, --help            Show this help

Exit codes: 0 ready, 1 failed or refused, 2 usage error, 3 timed out.`;

export async function rollbackCommand(args: string[], io: BabyhelmIo): Promise<number> {
  const { values, positionals } = parseCommand("rollback", args, {
    project: PROJECT_OPTION,
    to: { type: "string" },
    ...WAIT_OPTIONS,
  });
  if (values.help === true) {
    io.stdout(`${ROLLBACK_HELP}\n`);
    return EXIT.ok;
  }
  const name = appNameOf(positionals, "rollback");
  const project = requireOption(values.project, "--project", "rollback");
  const timeoutMs = rolloutWait(values, "rollback");
  const wanted = values.to === undefined ? undefined : parseCount(values.to, "--to", "rollback", 1);
  const { client } = await connect(io);
  const app = await client.apps.get.query({ project, name });
  const target = wanted ?? app.revision - 1;
  if (target < 1) throw new CommandError(`${name} has only revision 1: there is nothing to roll back to.`);
  const { revision } = await client.apps.rollback.mutate({
    project,
    name,
    revision: target,
    expectedRevision: app.revision,
  });
  io.stdout(`${name} rolled back to revision ${target}'s spec (now revision ${revision})\n`);
  if (timeoutMs === undefined) return EXIT.ok;
  return followRollout(client, { project, name, revision, timeoutMs }, io);
}
