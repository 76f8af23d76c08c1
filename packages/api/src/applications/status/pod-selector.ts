// Which pods are an app's: those its Deployment's selector selects, by Kubernetes' rule (every matchLabels pair and
// every matchExpressions requirement must hold). Status, the status stream, logs and metrics all ask this.
import type { Deployment } from "kubernetes-types/apps/v1.js";
import { formatLabelSelector, parseLabelSelector, type KubernetesObject } from "@babyhelm/manifest-sdk";

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
  const labelSelector = formatLabelSelector(deployment.spec?.selector ?? {});
  const matches = parseLabelSelector(labelSelector);
  return {
    labelSelector,
    // An empty selector selects nothing here: a Deployment always has one, and "everything" would be a leak.
    selects: (labels) => labelSelector !== "" && matches(labels),
  };
}
