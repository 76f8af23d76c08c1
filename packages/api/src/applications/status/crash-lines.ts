// The last lines a crashed container wrote, for a crash-loop problem on the status: read once per crash (a pod's
// restart count) from the API server, then remembered, so a status stream re-reading its status costs nothing.
import type { Cluster } from "../../cluster/cluster.js";
import type { AppStatus } from "./app-status.js";

/** As many lines as explain a crash without becoming the Logs tab. */
export const CRASH_LINES = 10;
const REMEMBERED_CRASHES = 200;

/** By `namespace/pod/container/restarts`: a new crash has a new restart count. */
const remembered = new Map<string, string[]>();

/** The status with the crashed container's last lines on its crash-loop problem; as it was when it has none. */
export async function withCrashLines(
  cluster: Pick<Cluster, "podLogs">,
  namespace: string,
  status: AppStatus,
  signal?: AbortSignal,
): Promise<AppStatus> {
  const crash = status.problem?.crash;
  if (status.problem === null || crash === undefined) return status;
  const key = `${namespace}/${crash.pod}/${crash.container}/${crash.restarts}`;
  let lines = remembered.get(key);
  if (lines === undefined) {
    lines = await readPrevious(cluster, namespace, crash.pod, crash.container, signal);
    if (lines === undefined) return status;
    remembered.set(key, lines);
    if (remembered.size > REMEMBERED_CRASHES) remembered.delete(remembered.keys().next().value!);
  }
  return { ...status, problem: { ...status.problem, crash: { ...crash, lastLines: lines } } };
}

/** The previous container's last lines; undefined when they cannot be read now (the status goes without them). */
async function readPrevious(
  cluster: Pick<Cluster, "podLogs">,
  namespace: string,
  pod: string,
  container: string,
  signal: AbortSignal | undefined,
): Promise<string[] | undefined> {
  const lines: string[] = [];
  try {
    for await (const line of cluster.podLogs(
      namespace,
      pod,
      { container, tailLines: CRASH_LINES, previous: true },
      signal ?? new AbortController().signal,
    )) {
      lines.push(line);
    }
  } catch {
    // The logs are a help, not the status: a pod gone or an API server away leaves them out, not the status.
    return undefined;
  }
  return lines;
}
