// Follows a rollout with one progress line: rewritten in place on a terminal, one line per change in a CI log.
import { waitForRollout, type AppStatus, type BabyhelmClient } from "@babyhelm/client";
import { EXIT, type BabyhelmIo } from "./io.js";

export interface RolloutTarget {
  project: string;
  name: string;
  revision: number;
  timeoutMs: number;
}

/** Waits for the rollout; a failure or time-out is thrown as RolloutError / RolloutTimeoutError (report.ts). */
export async function followRollout(
  client: BabyhelmClient,
  target: RolloutTarget,
  io: BabyhelmIo,
): Promise<number> {
  const { project, name, revision } = target;
  let last = "";
  const show = (status: AppStatus) => {
    const line = progressLine(name, status);
    if (line === last) return;
    last = line;
    // \r and "erase line": the line is rewritten where it is; a log gets each change on its own line.
    io.stdout(io.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
  };
  try {
    await waitForRollout(client, { project, name, timeoutMs: target.timeoutMs, onProgress: show });
  } finally {
    if (io.isTTY && last !== "") io.stdout("\n");
  }
  io.stdout(`${name} is ready (revision ${revision})\n`);
  return EXIT.ok;
}

export function progressLine(name: string, status: AppStatus): string {
  const { done, total } = status.progress;
  return `${name}: ${status.state} ${done}/${total} - ${status.message}`;
}
