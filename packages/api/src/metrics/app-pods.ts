// Which pods are an app's: those its Deployment selects (the same rule app-status.ts reads status by), and what
// each of them asks for, from the manifests BabyHelm applied.
import { type KubernetesObject, quantityValue } from "@babyhelm/manifest-sdk";

interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

interface DeploymentShape {
  metadata: { name: string; namespace?: string };
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string>; matchExpressions?: Requirement[] };
    template?: {
      spec?: {
        containers?: {
          name: string;
          resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
        }[];
      };
    };
  };
}

export interface AppPods {
  deploymentName: string;
  namespace: string;
  /** The selector as the API's labelSelector parameter: `app=web,tier in (a,b)`. */
  labelSelector: string;
  /** Whether a pod's labels fall under the selector. */
  selects(labels: Readonly<Record<string, string>> | undefined): boolean;
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
  const deployment = manifests.find((object) => object.kind === "Deployment") as DeploymentShape | undefined;
  if (deployment === undefined) return undefined;
  const selector = deployment.spec?.selector ?? {};
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  const expressions = selector.matchExpressions ?? [];
  const parts = matchLabels.map(([key, value]) => `${key}=${value}`);
  for (const { key, operator, values = [] } of expressions) {
    if (operator === "In") parts.push(`${key} in (${values.join(",")})`);
    else if (operator === "NotIn") parts.push(`${key} notin (${values.join(",")})`);
    else if (operator === "Exists") parts.push(key);
    else if (operator === "DoesNotExist") parts.push(`!${key}`);
  }
  const containers = deployment.spec?.template?.spec?.containers ?? [];
  return {
    deploymentName: deployment.metadata.name,
    namespace: deployment.metadata.namespace ?? "",
    labelSelector: parts.join(","),
    selects: (labels = {}) =>
      // An empty selector selects nothing here: a Deployment always has one, and "everything" would be a leak.
      parts.length > 0 &&
      matchLabels.every(([key, value]) => labels[key] === value) &&
      expressions.every(({ key, operator, values = [] }) => {
        const value = labels[key];
        if (operator === "In") return value !== undefined && values.includes(value);
        if (operator === "NotIn") return value === undefined || !values.includes(value);
        if (operator === "Exists") return value !== undefined;
        if (operator === "DoesNotExist") return value === undefined;
        return false;
      }),
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
