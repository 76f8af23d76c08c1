// Real clusters speak HTTPS: the adapter trusts the kubeconfig's certificate authority and nothing else.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "@babyhelm/kube-sandbox";
import { ClusterError, createCluster } from "../../src/cluster/cluster.js";
import { configMap, rejectionOf } from "./helpers.js";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ readyDelayMs: 20, tls: true });
});

afterAll(async () => {
  await sandbox.stop();
});

describe("an HTTPS API server", () => {
  it("is used with the certificate authority of the kubeconfig", async () => {
    const cluster = createCluster({ mode: "sandbox", kubeconfigYaml: sandbox.kubeconfigYaml });
    expect(cluster.server).toMatch(/^https:\/\//);
    await cluster.ping();
    const [applied] = await cluster.apply([configMap("tls", "default", { a: "1" })]);
    expect(applied!.metadata.uid).toEqual(expect.any(String));
  });

  it("is refused, for good, when its certificate is not trusted", async () => {
    const untrusted = createCluster({
      mode: "sandbox",
      kubeconfigYaml: sandbox.kubeconfigYaml.replace(/certificate-authority-data: \S+/, ""),
    });
    const error = (await rejectionOf(untrusted.ping())) as ClusterError;
    expect(error).toBeInstanceOf(ClusterError);
    expect(error).toMatchObject({ kind: "unreachable", retryable: false });
    expect(error.message).toMatch(
      /the API server's TLS certificate at https:\/\/\S+ was not accepted \([A-Z_]+\)\. Check the certificate-authority data/,
    );
    expect(error.message).not.toContain(sandbox.token);
  });
});
