// RBAC, as the API server's RBAC authorizer decides (plugin/pkg/auth/authorizer/rbac), for every request that is not
// the admin's:
// - a request's attributes are read from its URL the way RequestInfoFactory reads them: verb (get/list/watch from GET,
//   watch when ?watch=true, create, update, patch, delete, deletecollection for a DELETE without a name), API group,
//   resource, subresource ("pods/log"), namespace (a namespace's own URL counts as in that namespace), name (a list or
//   watch with fieldSelector=metadata.name=x names x); anything outside /api and /apis resources is a non-resource
//   request whose verb is the lowercased HTTP method and whose path is the URL path;
// - ClusterRoleBindings grant their ClusterRole's rules everywhere; RoleBindings grant their Role's (same namespace)
//   or ClusterRole's rules in their own namespace only; subjects match by User name, Group, or ServiceAccount
//   (namespace defaulting to the RoleBinding's);
// - a rule allows when its verbs, apiGroups, resources ("*", "pods/log", "*/scale") and resourceNames (empty: any)
//   all match, or, for a non-resource request, its verbs and nonResourceURLs ("/apis/*" a prefix);
// - the default bootstrap roles are built in: system:discovery and system:public-info-viewer (GET of /api, /apis,
//   /openapi, /version, health paths) and system:basic-user, bound to system:authenticated; aggregation is not done;
// - server-side apply of an object that does not exist yet also needs `create` (the apiserver's create-on-update
//   check); a dry run needs the verb of the request;
// - a refusal is the real 403: `pods "x" is forbidden: User "system:serviceaccount:ns:sa" cannot get resource
//   "pods/log" in API group "" in the namespace "ns"` (`... at the cluster scope` for cluster-scoped requests,
//   `forbidden: User "..." cannot get path "/apis"` for non-resource ones), followed by `: RBAC: clusterrole... "x" not
//   found` when a binding of the user names a role that does not exist.
// Role changes take effect on the next request: nothing is cached. Escalation checks on writing roles are not done.
import type { ObjectStore, StoredObject } from "../contract.js";
import type { UserInfo } from "./service-account-tokens.js";
import { ApiError } from "./status.js";

export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  path: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export interface AuthorizationDecision extends AuthorizationAttributes {
  allowed: boolean;
}

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

interface Binding {
  subjects?: Subject[];
  roleRef: { kind: string; name: string };
}

/** The bootstrap ClusterRoles every authenticated user has (aggregation left out). */
const AUTHENTICATED_RULES: readonly PolicyRule[] = [
  // system:discovery
  {
    verbs: ["get"],
    nonResourceURLs: [
      "/api",
      "/api/*",
      "/apis",
      "/apis/*",
      "/healthz",
      "/livez",
      "/openapi",
      "/openapi/*",
      "/readyz",
      "/version",
      "/version/",
    ],
  },
  // system:basic-user
  {
    verbs: ["create"],
    apiGroups: ["authorization.k8s.io"],
    resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
  },
];

/** Namespace subresources, addressed as namespaces/{ns}/status rather than as resources in the namespace. */
const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

/** RequestInfoFactory: the attributes the authorizer judges, from the URL. */
export function requestAttributes(
  user: UserInfo,
  method: string,
  segments: string[],
  query: URLSearchParams,
): AuthorizationAttributes {
  const nonResource: AuthorizationAttributes = {
    user,
    verb: method.toLowerCase(),
    resourceRequest: false,
    path: `/${segments.join("/")}`,
    apiGroup: "",
    resource: "",
    subresource: "",
    namespace: "",
    name: "",
  };
  let apiGroup: string;
  let parts: string[];
  if (segments[0] === "api" && segments.length >= 3) {
    apiGroup = "";
    parts = segments.slice(2);
  } else if (segments[0] === "apis" && segments.length >= 4) {
    apiGroup = segments[1]!;
    parts = segments.slice(3);
  } else return nonResource;
  let namespace = "";
  if (parts[0] === "namespaces" && parts.length > 1) {
    namespace = parts[1]!;
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
  }
  const [resource = "", name = "", subresource = ""] = parts;
  let verb: string;
  switch (method) {
    case "POST":
      verb = "create";
      break;
    case "PUT":
      verb = "update";
      break;
    case "PATCH":
      verb = "patch";
      break;
    case "DELETE":
      verb = name === "" ? "deletecollection" : "delete";
      break;
    default: {
      const watch = query.get("watch");
      verb = name !== "" ? "get" : watch === "true" || watch === "1" ? "watch" : "list";
    }
  }
  let requestedName = name;
  if ((verb === "list" || verb === "watch") && name === "") {
    const byName = /(?:^|,)metadata\.name==?([^,]+)/.exec(query.get("fieldSelector") ?? "");
    if (byName) requestedName = byName[1]!;
  }
  return {
    ...nonResource,
    verb,
    resourceRequest: true,
    apiGroup,
    resource,
    subresource,
    namespace,
    name: requestedName,
  };
}

function matches(values: readonly string[] | undefined, value: string): boolean {
  return (values ?? []).some((candidate) => candidate === "*" || candidate === value);
}

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource === "" ? resource : `${resource}/${subresource}`;
  return (rule.resources ?? []).some(
    (candidate) =>
      candidate === "*" || candidate === combined || (subresource !== "" && candidate === `*/${subresource}`),
  );
}

function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some(
    (candidate) =>
      candidate === "*" ||
      candidate === path ||
      (candidate.endsWith("*") && path.startsWith(candidate.replace(/\*+$/, ""))),
  );
}

export function ruleAllows(attributes: AuthorizationAttributes, rule: PolicyRule): boolean {
  if (!matches(rule.verbs, attributes.verb)) return false;
  if (!attributes.resourceRequest) return nonResourceUrlMatches(rule, attributes.path);
  return (
    matches(rule.apiGroups, attributes.apiGroup) &&
    resourceMatches(rule, attributes.resource, attributes.subresource) &&
    (rule.resourceNames === undefined ||
      rule.resourceNames.length === 0 ||
      rule.resourceNames.includes(attributes.name))
  );
}

function appliesTo(user: UserInfo, subjects: readonly Subject[], bindingNamespace: string): boolean {
  return subjects.some((subject) => {
    switch (subject.kind) {
      case "User":
        return subject.name === user.name;
      case "Group":
        return user.groups.includes(subject.name);
      case "ServiceAccount": {
        const namespace = subject.namespace || bindingNamespace;
        return namespace !== "" && user.name === `system:serviceaccount:${namespace}:${subject.name}`;
      }
      default:
        return false;
    }
  });
}

function rulesOf(role: StoredObject | undefined): PolicyRule[] {
  return (role as { rules?: PolicyRule[] } | undefined)?.rules ?? [];
}

/** Allowed, or the reason RBAC adds to the refusal (empty unless a binding names a missing role). */
export function authorize(
  store: ObjectStore,
  attributes: AuthorizationAttributes,
): { allowed: true } | { allowed: false; reason: string } {
  const { user } = attributes;
  if (AUTHENTICATED_RULES.some((rule) => ruleAllows(attributes, rule))) return { allowed: true };
  const errors: string[] = [];
  const allows = (rules: readonly PolicyRule[]) => rules.some((rule) => ruleAllows(attributes, rule));
  for (const binding of store.list("clusterrolebindings") as (StoredObject & Binding)[]) {
    if (!appliesTo(user, binding.subjects ?? [], "")) continue;
    const role = store.get("clusterroles", undefined, binding.roleRef.name);
    if (!role) errors.push(`clusterrole.rbac.authorization.k8s.io "${binding.roleRef.name}" not found`);
    if (allows(rulesOf(role))) return { allowed: true };
  }
  if (attributes.namespace !== "") {
    for (const binding of store.list("rolebindings", attributes.namespace) as (StoredObject & Binding)[]) {
      if (!appliesTo(user, binding.subjects ?? [], attributes.namespace)) continue;
      const clusterWide = binding.roleRef.kind === "ClusterRole";
      const role = clusterWide
        ? store.get("clusterroles", undefined, binding.roleRef.name)
        : store.get("roles", attributes.namespace, binding.roleRef.name);
      if (!role)
        errors.push(
          `${clusterWide ? "clusterrole" : "role"}.rbac.authorization.k8s.io "${binding.roleRef.name}" not found`,
        );
      if (allows(rulesOf(role))) return { allowed: true };
    }
  }
  const reason =
    errors.length === 0 ? "" : `RBAC: ${errors.length === 1 ? errors[0]! : `[${errors.join(", ")}]`}`;
  return { allowed: false, reason };
}

/** responsewriters.forbiddenMessage */
function forbiddenMessage(attributes: AuthorizationAttributes): string {
  const user = JSON.stringify(attributes.user.name);
  if (!attributes.resourceRequest)
    return `User ${user} cannot ${attributes.verb} path ${JSON.stringify(attributes.path)}`;
  const resource =
    attributes.subresource === "" ? attributes.resource : `${attributes.resource}/${attributes.subresource}`;
  const where =
    attributes.namespace === ""
      ? "at the cluster scope"
      : `in the namespace ${JSON.stringify(attributes.namespace)}`;
  return `User ${user} cannot ${attributes.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attributes.apiGroup)} ${where}`;
}

/** apierrors.NewForbidden over the authorizer's message (ForbiddenStatusError), or over the reason alone. */
export function forbiddenError(
  attributes: AuthorizationAttributes,
  reason: string,
  options: { withMessage: boolean } = { withMessage: true },
): ApiError {
  const why = options.withMessage
    ? reason === ""
      ? forbiddenMessage(attributes)
      : `${forbiddenMessage(attributes)}: ${reason}`
    : reason;
  if (!attributes.resourceRequest) return new ApiError(403, "Forbidden", `forbidden: ${why}`, {});
  const qualified =
    attributes.apiGroup === "" ? attributes.resource : `${attributes.resource}.${attributes.apiGroup}`;
  const subject = attributes.name === "" ? qualified : `${qualified} ${JSON.stringify(attributes.name)}`;
  return new ApiError(403, "Forbidden", `${subject} is forbidden: ${why}`, {
    ...(attributes.name === "" ? {} : { name: attributes.name }),
    ...(attributes.apiGroup === "" ? {} : { group: attributes.apiGroup }),
    kind: attributes.resource,
  });
}
