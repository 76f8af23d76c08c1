// Run by sandbox-process.ts in a child process: the sandbox cluster, with its kubeconfig (and where to read the count
// of requests it received, see api-server-requests.ts) on stdout as one JSON line, until the parent closes stdin or
// sends SIGTERM.
import { startSandbox } from "@babyhelm/kube-sandbox";
import { serveRequestCounts } from "./api-server-requests.js";

const readyDelayMs = Number(process.argv[2] ?? "0");
const sandbox = await startSandbox({ readyDelayMs });
const requestsUrl = await serveRequestCounts(sandbox.faults);
process.stdout.write(`${JSON.stringify({ kubeconfigYaml: sandbox.kubeconfigYaml, requestsUrl })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void sandbox.stop().finally(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.stdin.on("end", stop).resume();
