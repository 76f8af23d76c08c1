// kube-sandbox --port N --kubeconfig-out FILE [--data-dir DIR] [--ready-delay-ms N]
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startSandbox } from "./sandbox.js";

const USAGE = `Usage: kube-sandbox [--port N] [--host H] [--kubeconfig-out FILE] [--data-dir DIR] [--ready-delay-ms N]

A local Kubernetes API server for tests and trials (not a cluster). Serves until Ctrl-C.
  --port N             port to listen on (default 6443; 0 picks a free one)
  --host H             address to listen on (default 127.0.0.1)
  --kubeconfig-out F   where to write the kubeconfig (default ./kube-sandbox.kubeconfig)
  --data-dir DIR       save state there and restore it at the next start
  --ready-delay-ms N   how long simulated pods take to become Ready (default 1000)
  --plain-http         serve HTTP instead of HTTPS (kubectl then cannot authenticate: it sends tokens over TLS only)`;

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "kubeconfig-out": { type: "string" },
      "data-dir": { type: "string" },
      "ready-delay-ms": { type: "string" },
      "plain-http": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const sandbox = await startSandbox({
    port: integer("port", values.port, 6443),
    host: values.host,
    dataDir: values["data-dir"] && resolve(values["data-dir"]),
    readyDelayMs: integer("ready-delay-ms", values["ready-delay-ms"], 1000),
    // kubectl only sends the token over TLS, so the CLI (the kubectl entry point) serves HTTPS unless told not to.
    tls: !values["plain-http"],
  });
  const kubeconfigPath = resolve(values["kubeconfig-out"] ?? "kube-sandbox.kubeconfig");
  await writeFile(kubeconfigPath, sandbox.kubeconfigYaml, { mode: 0o600 });
  console.log(`kube-sandbox listening on ${sandbox.url}`);
  console.log(`kubeconfig written to ${kubeconfigPath}`);
  console.log(`  export KUBECONFIG=${kubeconfigPath}`);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`kube-sandbox: ${signal}, stopping`);
    sandbox.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      shutdown(signal);
    });
  }
}

main().catch((error: unknown) => {
  console.error(`kube-sandbox: ${(error as Error).message}`);
  process.exitCode = 1;
});
