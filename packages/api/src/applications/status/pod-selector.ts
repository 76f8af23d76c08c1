// Which pods are an app's: those its Deployment's selector selects, by Kubernetes' rule (every matchLabels pair and
// every matchExpressions requirement must hold). Status, the status stream, logs and metrics all ask this.
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";

export interface PodSelector {
  /** The selector as the API's labelSelector parameter: `app=web,tier in (a,b)`. */
  labelSelector: string;
  /** Whether a pod's labels fall under the selector. */
  selects(labels: Readonly<Record<string, string>> | undefined): boolean;
}

/** The app's Deployment among the manifests BabyHelm applied for it; undefined when there is none (nothing runs). */
export function findDeployment(
  manifests: readonly KubernetesObject[],
): (KubernetesObject & Deployment) | undefined {
  return manifests.find((object) => object.kind === "Deployment") as
    (KubernetesObject & Deployment) | undefined;
}

export function appPodSelector(deployment: Deployment): PodSelector {
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
  return {
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
  };
}
