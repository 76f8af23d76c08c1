// Which cluster BabyHelm talks to, and with which credentials: client-node's KubeConfig does the loading (kubeconfig
// files, exec plugins, token files, in-cluster service accounts), so every auth method kubectl knows works here.
import { existsSync, readFileSync } from "node:fs";
import { isIPv6 } from "node:net";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { ClusterError } from "./cluster-errors.js";

export type ClusterMode = "sandbox" | "kubeconfig" | "in-cluster";

export type ClusterConfig =
  | { mode: "sandbox"; kubeconfigYaml: string }
  /** Without a path: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account (loadFromDefault). */
  | { mode: "kubeconfig"; kubeconfigPath?: string; context?: string }
  /** Without a directory: the standard mount, /var/run/secrets/kubernetes.io/serviceaccount. */
  | { mode: "in-cluster"; serviceAccountDir?: string };

export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

function configError(message: string): ClusterError {
  // Not retryable: the same configuration fails the same way until an operator changes it.
  return new ClusterError("unreachable", message, { retryable: false });
}

function describeSource(config: ClusterConfig): string {
  switch (config.mode) {
    case "sandbox":
      return "the sandbox kubeconfig";
    case "kubeconfig":
      return config.kubeconfigPath === undefined
        ? "the default kubeconfig ($KUBECONFIG or ~/.kube/config)"
        : `the kubeconfig ${JSON.stringify(config.kubeconfigPath)}`;
    case "in-cluster":
      return "the in-cluster service account";
  }
}

/**
 * What client-node's loadFromCluster does, from any directory: the API server from KUBERNETES_SERVICE_HOST/PORT, the
 * CA and token files of the ServiceAccount mount, its namespace as the context's. The token is a file reference, so
 * client-node re-reads it (every minute, as client-go does): the kubelet rotates projected tokens well before they
 * expire.
 */
function loadInCluster(kc: KubeConfig, directory: string): void {
  const host = process.env.KUBERNETES_SERVICE_HOST!;
  const port = process.env.KUBERNETES_SERVICE_PORT!;
  const tokenFile = join(directory, "token");
  const caFile = join(directory, "ca.crt");
  for (const file of [tokenFile, caFile]) {
    if (!existsSync(file)) {
      throw configError(
        `Cannot use the in-cluster configuration: ${file} does not exist. Mount the pod's ServiceAccount token ` +
          "(automountServiceAccountToken: true) or set BABYHELM_SERVICE_ACCOUNT_DIR.",
      );
    }
  }
  const namespaceFile = join(directory, "namespace");
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, "utf8").trim() : undefined;
  const scheme = ["80", "8080", "8001"].includes(port) ? "http" : "https";
  kc.loadFromOptions({
    clusters: [
      {
        name: "in-cluster",
        server: `${scheme}://${isIPv6(host) ? `[${host}]` : host}:${port}`,
        caFile,
        skipTLSVerify: false,
      },
    ],
    users: [{ name: "in-cluster", authProvider: { name: "tokenFile", config: { tokenFile } } }],
    contexts: [
      { name: "in-cluster", cluster: "in-cluster", user: "in-cluster", ...(namespace ? { namespace } : {}) },
    ],
    currentContext: "in-cluster",
  });
}

/** Loads the configuration at once, so a bad one stops the server at start with a clear message. */
export function loadKubeConfig(config: ClusterConfig): KubeConfig {
  const kc = new KubeConfig();
  const source = describeSource(config);
  try {
    switch (config.mode) {
      case "sandbox":
        kc.loadFromString(config.kubeconfigYaml);
        break;
      case "kubeconfig":
        if (config.kubeconfigPath === undefined) kc.loadFromDefault();
        else kc.loadFromFile(config.kubeconfigPath);
        break;
      case "in-cluster":
        if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT) {
          throw configError(
            "Cannot use the in-cluster configuration: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not " +
              "set, so BabyHelm is not running in a Kubernetes pod. Check BABYHELM_CLUSTER / KUBECONFIG.",
          );
        }
        loadInCluster(kc, config.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
        break;
    }
  } catch (error) {
    if (error instanceof ClusterError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw configError(`Cannot load ${source}: ${reason}. Check BABYHELM_CLUSTER / KUBECONFIG.`);
  }
  if (config.mode === "kubeconfig" && config.context !== undefined) {
    if (!kc.getContextObject(config.context)) {
      const known = kc.getContexts().map((context) => context.name);
      throw configError(
        `The kubeconfig context ${JSON.stringify(config.context)} does not exist in ${source}` +
          (known.length > 0 ? `; it has ${known.map((name) => JSON.stringify(name)).join(", ")}.` : "."),
      );
    }
    kc.setCurrentContext(config.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw configError(
      `Cannot use ${source}: it names no current cluster with a server URL. Check BABYHELM_CLUSTER / KUBECONFIG.`,
    );
  }
  return kc;
}
