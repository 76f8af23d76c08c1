// Which cluster BabyHelm talks to, and with which credentials: client-node's KubeConfig does the loading (kubeconfig
// files, exec plugins, token files, in-cluster service accounts), so every auth method kubectl knows works here.
import { KubeConfig } from "@kubernetes/client-node";
import { ClusterError } from "./cluster-errors.js";

export type ClusterMode = "sandbox" | "kubeconfig" | "in-cluster";

export type ClusterConfig =
  | { mode: "sandbox"; kubeconfigYaml: string }
  /** Without a path: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account (loadFromDefault). */
  | { mode: "kubeconfig"; kubeconfigPath?: string; context?: string }
  | { mode: "in-cluster" };

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
        kc.loadFromCluster();
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
