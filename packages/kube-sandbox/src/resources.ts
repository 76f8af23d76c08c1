// The resource table: everything the sandbox serves, as discovery describes it. Handlers, discovery, the
// validator lookup and the simulation all find resources here, so adding a kind is one row.

export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "deletecollection";

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** Plural, as in URLs: "deployments". */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: Verb[];
  /** Subresources served besides the main resource ("status", "scale", "log"). */
  subresources: string[];
  categories: string[];
  /** Served from the simulation, never stored (metrics.k8s.io). */
  virtual?: boolean;
}

const ALL_VERBS: Verb[] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const READ_ONLY_VERBS: Verb[] = ["get", "list"];

function resource(
  group: string,
  version: string,
  kind: string,
  plural: string,
  options: Partial<Omit<ResourceInfo, "group" | "version" | "kind" | "plural">> = {},
): ResourceInfo {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced: true,
    shortNames: [],
    verbs: ALL_VERBS,
    subresources: [],
    categories: [],
    ...options,
  };
}

export const RESOURCES: readonly ResourceInfo[] = [
  resource("", "v1", "Namespace", "namespaces", {
    namespaced: false,
    shortNames: ["ns"],
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    subresources: ["status", "finalize"],
  }),
  resource("", "v1", "Pod", "pods", {
    shortNames: ["po"],
    subresources: ["status", "log"],
    categories: ["all"],
  }),
  resource("", "v1", "Service", "services", {
    shortNames: ["svc"],
    subresources: ["status"],
    categories: ["all"],
  }),
  resource("", "v1", "Endpoints", "endpoints", { shortNames: ["ep"] }),
  resource("", "v1", "Node", "nodes", { namespaced: false, shortNames: ["no"], subresources: ["status"] }),
  resource("", "v1", "ConfigMap", "configmaps", { shortNames: ["cm"] }),
  resource("", "v1", "Secret", "secrets"),
  // Bound at once by the simulation (no volume is provisioned); no StatefulSet controller makes pods.
  resource("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", {
    shortNames: ["pvc"],
    subresources: ["status"],
  }),
  resource("", "v1", "Event", "events", { shortNames: ["ev"] }),
  resource("", "v1", "ResourceQuota", "resourcequotas", { shortNames: ["quota"], subresources: ["status"] }),
  resource("", "v1", "LimitRange", "limitranges", { shortNames: ["limits"] }),
  resource("", "v1", "ServiceAccount", "serviceaccounts", { shortNames: ["sa"], subresources: ["token"] }),
  resource("apps", "v1", "Deployment", "deployments", {
    shortNames: ["deploy"],
    subresources: ["status", "scale"],
    categories: ["all"],
  }),
  resource("apps", "v1", "ReplicaSet", "replicasets", {
    shortNames: ["rs"],
    subresources: ["status", "scale"],
    categories: ["all"],
  }),
  resource("apps", "v1", "StatefulSet", "statefulsets", {
    shortNames: ["sts"],
    subresources: ["status", "scale"],
    categories: ["all"],
  }),
  resource("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", {
    shortNames: ["hpa"],
    subresources: ["status"],
    categories: ["all"],
  }),
  resource("batch", "v1", "CronJob", "cronjobs", {
    shortNames: ["cj"],
    subresources: ["status"],
    categories: ["all"],
  }),
  resource("batch", "v1", "Job", "jobs", { subresources: ["status"], categories: ["all"] }),
  resource("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices"),
  resource("networking.k8s.io", "v1", "Ingress", "ingresses", {
    shortNames: ["ing"],
    subresources: ["status"],
  }),
  resource("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", { shortNames: ["netpol"] }),
  resource("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", {
    shortNames: ["pdb"],
    subresources: ["status"],
  }),
  resource("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", { namespaced: false }),
  resource("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", {
    namespaced: false,
  }),
  resource("rbac.authorization.k8s.io", "v1", "Role", "roles"),
  resource("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings"),
  resource("metrics.k8s.io", "v1beta1", "PodMetrics", "pods", { verbs: READ_ONLY_VERBS, virtual: true }),
];

export function apiVersionOf(info: Pick<ResourceInfo, "group" | "version">): string {
  return info.group === "" ? info.version : `${info.group}/${info.version}`;
}

/** "deployments.apps", "pods": how error messages name a resource. */
export function qualifiedResource(info: Pick<ResourceInfo, "group" | "plural">): string {
  return info.group === "" ? info.plural : `${info.plural}.${info.group}`;
}

/** "Deployment.apps", "Pod": how Invalid errors name a kind. */
export function qualifiedKind(info: Pick<ResourceInfo, "group" | "kind">): string {
  return info.group === "" ? info.kind : `${info.kind}.${info.group}`;
}

const byPath = new Map(RESOURCES.map((info) => [`${apiVersionOf(info)}/${info.plural}`, info]));
const byKind = new Map(
  RESOURCES.filter((info) => !info.virtual).map((info) => [`${apiVersionOf(info)}/${info.kind}`, info]),
);

export function findResource(group: string, version: string, plural: string): ResourceInfo | undefined {
  return byPath.get(`${apiVersionOf({ group, version })}/${plural}`);
}

export function findResourceByKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return byKind.get(`${apiVersion}/${kind}`);
}

/** The stored (non-virtual) resources, e.g. to cascade-delete a namespace's content. */
export const STORED_RESOURCES = RESOURCES.filter((info) => !info.virtual);

export interface GroupVersion {
  group: string;
  version: string;
}

/** Served group versions in discovery order (core first). */
export const GROUP_VERSIONS: readonly GroupVersion[] = [
  ...new Map(
    RESOURCES.map((info) => [apiVersionOf(info), { group: info.group, version: info.version }]),
  ).values(),
];
