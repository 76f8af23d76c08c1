// `babyhelm apps list|status|logs`: what runs in a project, as a table, a status report, or the pods' output.
import type { AppStatus, BabyhelmClient } from "@babyhelm/client";
import { connect } from "./connection.js";
import { EXIT, type BabyhelmIo } from "./io.js";
import {
  appNameOf,
  JSON_OPTION,
  parseCommand,
  parseCount,
  PROJECT_OPTION,
  requireOption,
  UsageError,
} from "./usage.js";

export const APPS_HELP = `Usage: babyhelm apps list|status|logs --project PROJECT [options]

  babyhelm apps list --project P [--json]                    The project's apps with their state
  babyhelm apps status NAME --project P [--json]             An app's rollout: state, replicas, problem, pods
  babyhelm apps logs NAME --project P [-f] [--tail N] [--pod POD]
                                                             The last N lines of each pod (default 100); -f follows
                                                             new lines, from pods that start later too, until Ctrl-C`;

type Subcommand = (args: string[], io: BabyhelmIo) => Promise<number>;

export async function appsCommand(args: string[], io: BabyhelmIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.stdout(`${APPS_HELP}\n`);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  const run = SUBCOMMANDS[sub];
  if (run === undefined) throw new UsageError(`unknown apps command "${sub}" (list, status or logs)`, "apps");
  return run(rest, io);
}

const SUBCOMMANDS: Record<string, Subcommand | undefined> = {
  async list(args, io) {
    const { values, positionals } = parseCommand("apps", args, {
      project: PROJECT_OPTION,
      json: JSON_OPTION,
    });
    if (values.help === true) return help(io);
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]!}"`, "apps");
    const project = requireOption(values.project, "--project", "apps");
    const { client } = await connect(io);
    const apps = await allApps(client, project);
    if (values.json === true) {
      io.stdout(`${JSON.stringify(apps, null, 2)}\n`);
      return EXIT.ok;
    }
    if (apps.length === 0) {
      io.stdout(`No apps in ${project}: babyhelm deploy -f app.yaml --project ${project} creates one.\n`);
      return EXIT.ok;
    }
    io.stdout(
      table([
        ["NAME", "STATE", "REVISION", "PACK", "IMAGE"],
        ...apps.map((app) => [
          app.name,
          app.status?.state ?? "unknown",
          String(app.revision),
          app.pack,
          app.image ?? "",
        ]),
      ]),
    );
    return EXIT.ok;
  },

  async status(args, io) {
    const { values, positionals } = parseCommand("apps", args, {
      project: PROJECT_OPTION,
      json: JSON_OPTION,
    });
    if (values.help === true) return help(io);
    const name = appNameOf(positionals, "apps");
    const project = requireOption(values.project, "--project", "apps");
    const { client } = await connect(io);
    const status = await client.apps.status.query({ project, name });
    io.stdout(values.json === true ? `${JSON.stringify(status, null, 2)}\n` : describeStatus(name, status));
    return status.state === "failed" ? EXIT.failed : EXIT.ok;
  },

  async logs(args, io) {
    const { values, positionals } = parseCommand("apps", args, {
      project: PROJECT_OPTION,
      follow: { type: "boolean", short: "f" },
      tail: { type: "string" },
      pod: { type: "string" },
    });
    if (values.help === true) return help(io);
    const name = appNameOf(positionals, "apps");
    const project = requireOption(values.project, "--project", "apps");
    const tail = values.tail === undefined ? 100 : parseCount(values.tail, "--tail", "apps", 0);
    const { client } = await connect(io);
    await new Promise<void>((resolve, reject) => {
      const subscription = client.apps.logs.subscribe(
        {
          project,
          name,
          tail,
          follow: values.follow === true,
          ...(values.pod === undefined ? {} : { pod: values.pod }),
        },
        {
          onData: ({ data: entry }) => {
            // BabyHelm's own notes (a pod without logs yet, a pod gone) are not the app's output.
            if (entry.notice === true) io.stderr(`${entry.pod}: ${entry.line}\n`);
            else io.stdout(`${entry.pod} | ${entry.line}\n`);
          },
          onError: reject,
          onComplete: resolve,
        },
      );
      io.signal?.addEventListener("abort", () => {
        subscription.unsubscribe();
        resolve();
      });
    });
    return EXIT.ok;
  },
};

function help(io: BabyhelmIo): number {
  io.stdout(`${APPS_HELP}\n`);
  return EXIT.ok;
}

async function allApps(client: BabyhelmClient, project: string) {
  const apps = [];
  let cursor: string | null | undefined;
  do {
    const page = await client.apps.list.query({ project, limit: 100, cursor });
    apps.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && cursor !== undefined);
  return apps;
}

function describeStatus(name: string, status: AppStatus): string {
  const { replicas } = status;
  const lines = [
    `${name}: ${status.state} - ${status.message}`,
    `replicas: ${replicas.ready}/${replicas.desired} ready, ${replicas.updated} updated, ${replicas.available} available`,
  ];
  if (status.problem !== null)
    lines.push(`problem: ${status.problem.summary}`, `next: ${status.problem.next}`);
  if (status.stale !== null) lines.push(`stale: ${status.stale.message}`);
  if (status.pods.length > 0) {
    lines.push(
      "",
      table([
        ["POD", "PHASE", "READY", "RESTARTS", "WAITING"],
        ...status.pods.map((pod) => [
          pod.name,
          pod.phase,
          pod.ready ? "yes" : "no",
          String(pod.restarts),
          pod.waitingReason ?? "",
        ]),
      ]).trimEnd(),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Columns padded to their widest cell, as kubectl prints them. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map(
      (row) =>
        `${row
          .map((cell, column) => cell.padEnd(widths[column]!))
          .join("   ")
          .trimEnd()}\n`,
    )
    .join("");
}
