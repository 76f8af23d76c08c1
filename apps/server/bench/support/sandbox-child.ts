// Run by sandbox-process.ts in a child process: the sandbox cluster, with its kubeconfig on stdout as one JSON line,
// until the parent closes stdin or sends SIGTERM.
import { startSandbox } from "@babyhelm/kube-sandbox";

const readyDelayMs = Number(process.argv[2] ?? "0");
const sandbox = await startSandbox({ readyDelayMs });
process.stdout.write(`${JSON.stringify({ kubeconfigYaml: sandbox.kubeconfigYaml })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void sandbox.stop().finally(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.stdin.on("end", stop).resume();
