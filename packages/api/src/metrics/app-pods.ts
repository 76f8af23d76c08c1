// An app's pods as logs and metrics read them: which they are (appPodSelector), where they run and what each asks
// for, from the manifests BabyHelm applied.
import { quantityValue, type KubernetesObject } from "@babyhelm/manifest-sdk";
import { appPodSelector, findDeployment, type PodSelector } from "../applications/status/pod-selector.js";

export interface AppPods extends PodSelector {
  deploymentName: string;
  namespace: string;
  /** The first container: the app's own (others are sidecars a pack may add). */
  mainContainer: string | undefined;
  desiredReplicas: number;
  /** Per pod, summed over its containers; absent where no container sets one. */
  requests: Resources;
  limits: Resources;
}

export interface Resources {
  cpu?: number;
  memory?: number;
}

/** undefined when the manifests have no Deployment (nothing runs). */
export function appPods(manifests: readonly KubernetesObject[]): AppPods | undefined {
  const deployment = findDeployment(manifests);
  if (deployment === undefined) return undefined;
  const containers = deployment.spec?.template?.spec?.containers ?? [];
  return {
    deploymentName: deployment.metadata.name,
    namespace: deployment.metadata.namespace ?? "",
    ...appPodSelector(deployment),
    mainContainer: containers[0]?.name,
    desiredReplicas: deployment.spec?.replicas ?? 1,
    requests: sumResources(containers.map((container) => container.resources?.requests)),
    limits: sumResources(containers.map((container) => container.resources?.limits)),
  };
}

function sumResources(list: readonly (Record<string, unknown> | undefined)[]): Resources {
  const total: Resources = {};
  for (const resources of list) {
    for (const key of ["cpu", "memory"] as const) {
      const value = quantityValue(resources?.[key]);
      if (value !== undefined) total[key] = (total[key] ?? 0) + value;
    }
  }
  return total;
}

/**
 * A PromQL regex for the pods of a Deployment: `<name>-<replicaset hash>-<suffix>`. Neither part contains a dash, so
 * the pods of a Deployment "web-api" never match "web"'s pattern (PromQL regexes are anchored).
 */
export function podNamePattern(deploymentName: string): string {
  return `${deploymentName.replace(/[.\\+*?()|[\]{}^$]/g, "\\$&")}-[a-z0-9]+-[a-z0-9]+`;
}
