// Shared plumbing of the cluster tests: a sandbox-backed Cluster, fresh namespaces, and polling.
import { startSandbox, type Sandbox } from "@babyhelm/kube-sandbox";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { createCluster, type Cluster, type ClusterOptions } from "../../src/cluster/cluster.js";

export async function sandboxCluster(
  options: ClusterOptions = {},
): Promise<{ sandbox: Sandbox; cluster: Cluster }> {
  const sandbox = await startSandbox({ readyDelayMs: 20 });
  return {
    sandbox,
    cluster: createCluster({ mode: "sandbox", kubeconfigYaml: sandbox.kubeconfigYaml }, options),
  };
}

let counter = 0;

export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid % 1000}-${counter}`;
}

export async function newNamespace(cluster: Cluster, prefix = "t"): Promise<string> {
  const name = uniqueName(prefix);
  await cluster.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name } }]);
  return name;
}

export function deployment(
  name: string,
  namespace: string,
  extra: { replicas?: number; image?: string } = {},
): KubernetesObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas: extra.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: "web", image: extra.image ?? "nginx:1.27", ports: [{ containerPort: 80 }] }],
        },
      },
    },
  };
}

export function configMap(name: string, namespace: string, data: Record<string, string>): KubernetesObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data };
}

/** Polls until `probe` returns something other than undefined. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 10_000, intervalMs = 25, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The ClusterError (or whatever else) a promise rejects with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}
