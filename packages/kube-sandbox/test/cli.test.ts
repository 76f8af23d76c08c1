// The CLI: serves HTTPS (kubectl only sends tokens over TLS), writes a kubeconfig client-node accepts, stops on SIGTERM.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, describe, expect, it } from "vitest";

const directory = await mkdtemp(join(tmpdir(), "kube-sandbox-cli-"));
const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("kube-sandbox CLI", () => {
  it("prints where it listens, writes a TLS kubeconfig and stops cleanly", { timeout: 30_000 }, async () => {
    const kubeconfigPath = join(directory, "kubeconfig");
    const child = spawn(
      process.execPath,
      [
        "--conditions=development",
        "--import",
        "tsx",
        cli,
        "--port",
        "0",
        "--kubeconfig-out",
        kubeconfigPath,
        "--ready-delay-ms",
        "10",
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const deadline = Date.now() + 20_000;
    while (!output.includes("export KUBECONFIG=") && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(output).toMatch(/listening on https:\/\/127\.0\.0\.1:\d+/);
    expect(output).toContain(`export KUBECONFIG=${kubeconfigPath}`);

    const kc = new KubeConfig();
    kc.loadFromString(await readFile(kubeconfigPath, "utf8"));
    expect(kc.getCurrentCluster()?.caData).toBeTruthy();
    const namespaces = await kc.makeApiClient(CoreV1Api).listNamespace();
    expect(namespaces.items.map((item) => item.metadata?.name)).toContain("default");

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
