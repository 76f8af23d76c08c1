/**
 * The semantic rules a real API server applies after decoding, per kind. The schema cannot express
 * them and `kubernetes-models` does not check them, yet they are what makes an apply fail with 422.
 *
 * Covered:
 * - every kind: metadata.name in the kind's format (DNS-1123 subdomain ≤ 253 by default, DNS-1123
 *   label ≤ 63 for Namespace, DNS-1035 label for Service, path segment for RBAC kinds), generateName
 *   in its place, metadata.namespace a DNS-1123 label, label keys/values, annotation keys and total
 *   annotation size ≤ 256 KiB;
 * - pod specs (Pod, PodTemplate, Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController,
 *   Job, CronJob): template labels/annotations, container names (DNS-1123 label, unique across init,
 *   regular and ephemeral containers, not empty), at least one container, containerPort 1–65535,
 *   hostPort 0–65535, port names IANA_SVC_NAME and unique per container, env var names (relaxed 1.34+
 *   rule), requests ≥ 0 and ≤ their limit, probes with exactly one handler and a valid port, volume
 *   mounts naming a declared volume;
 * - list-maps and sets anywhere (containers, env, ports, volumes, volumeMounts...): no repeated key,
 *   as server-side apply refuses them (checked by the schema walker, openapi-validator.ts);
 * - apps/v1 workloads: a non-empty selector that matches the template labels, replicas ≥ 0;
 *   Deployment rollingUpdate maxSurge/maxUnavailable as integer ≥ 0 or percentage;
 * - Service: ports required (unless headless or ExternalName), port 1–65535, port names DNS-1123
 *   labels required when there are several and unique, targetPort 1–65535 or IANA_SVC_NAME, nodePort
 *   in the default service-node-port-range 30000–32767 and only for NodePort/LoadBalancer, selector labels;
 * - HorizontalPodAutoscaler: minReplicas ≥ 1, maxReplicas ≥ 1, minReplicas ≤ maxReplicas;
 * - PodDisruptionBudget: not both minAvailable and maxUnavailable, each integer ≥ 0 or percentage, selector;
 * - NetworkPolicy: podSelector; ConfigMap/Secret: data keys, no key in both data and binaryData;
 * - Ingress: Exact/Prefix paths absolute, backend service port numbers 1–65535.
 *
 * Not covered (exotic or needing cluster state): probe timings, lifecycle hooks, volume sources,
 * resource names, security contexts, affinity, topology spread, ephemeral-container restrictions,
 * Job/CronJob specifics (schedule syntax, restartPolicy), immutable-field updates, quota and
 * admission, the cluster's actual node-port range. Items of `*List` kinds get the schema checks only.
 */
import {
  asArray,
  asInteger,
  asObject,
  asString,
  checkName,
  checkPortNumber,
  dig,
  type JsonObject,
} from "./access.js";
import { duplicateValue, invalidValue, type IssueSink, type PathSegment } from "./issues.js";
import {
  checkLabels,
  checkLabelsAndAnnotations,
  checkLabelSelector,
  checkObjectMeta,
  selectorMatches,
} from "./metadata-rules.js";
import {
  configMapKey,
  dns1035Label,
  dns1123Label,
  dns1123Subdomain,
  ianaServiceName,
  pathSegmentName,
  type NameRule,
} from "./name-rules.js";
import { checkPodSpec } from "./pod-rules.js";
import type { KindDefinition } from "./schema-index.js";

type KindRule = (object: JsonObject, sink: IssueSink) => void;

/** The default `--service-node-port-range` of kube-apiserver. */
const NODE_PORT_RANGE = [30000, 32767] as const;

function nameRuleOf(kind: KindDefinition): NameRule {
  if (kind.group === "" && kind.kind === "Namespace") return dns1123Label;
  if (kind.group === "" && kind.kind === "Service") return dns1035Label;
  if (kind.group === "rbac.authorization.k8s.io") return pathSegmentName;
  return dns1123Subdomain;
}

/** Runs the metadata rules and the kind's own rules on an object whose schema is known. */
export function checkKindRules(object: JsonObject, kind: KindDefinition, sink: IssueSink): void {
  if (kind.hasObjectMeta) checkObjectMeta(object, nameRuleOf(kind), sink);
  KIND_RULES[`${kind.group}|${kind.kind}`]?.(object, sink);
}

function podTemplateRule(...templatePath: string[]): KindRule {
  return (object, sink) => {
    checkPodTemplate(object, templatePath, sink);
  };
}

function checkPodTemplate(
  object: JsonObject,
  templatePath: readonly string[],
  sink: IssueSink,
  claimedVolumes: readonly unknown[] = [],
): void {
  const template = asObject(dig(object, ...templatePath));
  if (template === undefined) return;
  const meta = asObject(template.metadata);
  if (meta !== undefined) checkLabelsAndAnnotations(meta, [...templatePath, "metadata"], sink);
  const spec = asObject(template.spec);
  if (spec !== undefined) checkPodSpec(spec, [...templatePath, "spec"], sink, claimedVolumes);
}

function checkNonNegative(sink: IssueSink, path: readonly PathSegment[], value: unknown): void {
  const number = asInteger(value);
  if (number !== undefined && number < 0) {
    sink.at(path, "range", invalidValue(number, "must be greater than or equal to 0"));
  }
}

function checkIntOrPercent(sink: IssueSink, path: readonly PathSegment[], value: unknown): void {
  if (typeof value === "string" && !/^[0-9]+%$/.test(value)) {
    sink.at(path, "format", invalidValue(value, "must be an integer or percentage (e.g '5%')"));
  } else {
    checkNonNegative(sink, path, value);
  }
}

/** apps/v1 workloads: a pod template whose labels the selector must select. */
function appsWorkloadRule(kindName: string): KindRule {
  return (object, sink) => {
    // A StatefulSet's pods also mount the claims made from its volumeClaimTemplates.
    const claimTemplates = asArray(dig(object, "spec", "volumeClaimTemplates")) ?? [];
    const claimed = claimTemplates.map((claim) => dig(claim, "metadata", "name"));
    checkPodTemplate(object, ["spec", "template"], sink, claimed);
    const spec = asObject(object.spec);
    if (spec === undefined) return;
    checkNonNegative(sink, ["spec", "replicas"], spec.replicas);
    const selector = asObject(spec.selector);
    if (selector === undefined) return;
    checkLabelSelector(selector, ["spec", "selector"], sink);
    const isEmpty =
      Object.keys(asObject(selector.matchLabels) ?? {}).length === 0 &&
      (asArray(selector.matchExpressions) ?? []).length === 0;
    if (isEmpty) {
      sink.at(
        ["spec", "selector"],
        "invalid",
        invalidValue(selector, `empty selector is invalid for ${kindName}`),
      );
      return;
    }
    const labels = asObject(dig(spec, "template", "metadata", "labels")) ?? {};
    if (!selectorMatches(selector, labels)) {
      sink.at(
        ["spec", "template", "metadata", "labels"],
        "invalid",
        invalidValue(labels, "`selector` does not match template `labels`"),
      );
    }
  };
}

const checkDeploymentWorkload = appsWorkloadRule("deployment");

const checkDeployment: KindRule = (object, sink) => {
  checkDeploymentWorkload(object, sink);
  const rollingUpdate = asObject(dig(object, "spec", "strategy", "rollingUpdate"));
  if (rollingUpdate === undefined) return;
  for (const field of ["maxSurge", "maxUnavailable"]) {
    checkIntOrPercent(sink, ["spec", "strategy", "rollingUpdate", field], rollingUpdate[field]);
  }
};

const checkService: KindRule = (object, sink) => {
  const spec = asObject(object.spec);
  if (spec === undefined) return;
  const type = asString(spec.type) || "ClusterIP";
  const ports = asArray(spec.ports) ?? [];
  if (ports.length === 0 && type !== "ExternalName" && spec.clusterIP !== "None") {
    sink.at(["spec", "ports"], "required", "Required value");
  }
  const names = new Set<string>();
  ports.forEach((item, i) => {
    const port = asObject(item);
    if (port === undefined) return;
    const at = ["spec", "ports", i];
    const name = asString(port.name) ?? "";
    if (name === "" && ports.length > 1) sink.at([...at, "name"], "required", "Required value");
    if (name !== "") {
      checkName(sink, [...at, "name"], name, dns1123Label);
      if (names.has(name)) sink.at([...at, "name"], "duplicate", duplicateValue(name));
      names.add(name);
    }
    const number = asInteger(port.port);
    if (number !== undefined) checkPortNumber(sink, [...at, "port"], number);
    // targetPort 0 or "" means "same as port".
    const target = port.targetPort;
    if (typeof target === "number" && target !== 0) checkPortNumber(sink, [...at, "targetPort"], target);
    else if (typeof target === "string" && target !== "")
      checkName(sink, [...at, "targetPort"], target, ianaServiceName);
    const nodePort = asInteger(port.nodePort);
    if (nodePort === undefined || nodePort === 0) return;
    if (type !== "NodePort" && type !== "LoadBalancer") {
      sink.at([...at, "nodePort"], "invalid", `Forbidden: may not be used when \`type\` is '${type}'`);
    } else {
      checkPortNumber(sink, [...at, "nodePort"], nodePort, ...NODE_PORT_RANGE);
    }
  });
  checkLabels(spec.selector, ["spec", "selector"], sink);
};

const checkHorizontalPodAutoscaler: KindRule = (object, sink) => {
  const spec = asObject(object.spec);
  const min = asInteger(spec?.minReplicas);
  const max = asInteger(spec?.maxReplicas);
  if (min !== undefined && min < 1) {
    sink.at(["spec", "minReplicas"], "range", invalidValue(min, "must be greater than or equal to 1"));
  }
  if (max !== undefined && max < 1) {
    sink.at(["spec", "maxReplicas"], "range", invalidValue(max, "must be greater than 0"));
  }
  if (min !== undefined && max !== undefined && max < min) {
    sink.at(
      ["spec", "maxReplicas"],
      "range",
      invalidValue(max, "must be greater than or equal to `minReplicas`"),
    );
  }
};

const checkPodDisruptionBudget: KindRule = (object, sink) => {
  const spec = asObject(object.spec);
  if (spec === undefined) return;
  if (spec.minAvailable != null && spec.maxUnavailable != null) {
    sink.at(["spec"], "invalid", invalidValue(spec, "minAvailable and maxUnavailable cannot be both set"));
  }
  checkIntOrPercent(sink, ["spec", "minAvailable"], spec.minAvailable);
  checkIntOrPercent(sink, ["spec", "maxUnavailable"], spec.maxUnavailable);
  const selector = asObject(spec.selector);
  if (selector !== undefined) checkLabelSelector(selector, ["spec", "selector"], sink);
};

const checkNetworkPolicy: KindRule = (object, sink) => {
  const selector = asObject(dig(object, "spec", "podSelector"));
  if (selector !== undefined) checkLabelSelector(selector, ["spec", "podSelector"], sink);
};

/** ConfigMap keys must be unique across `data` and `binaryData`; a Secret's `stringData` overrides `data`. */
function dataKeysRule(fields: readonly string[], unique: boolean): KindRule {
  return (object, sink) => {
    const seen = new Set<string>();
    for (const field of fields) {
      for (const key of Object.keys(asObject(object[field]) ?? {})) {
        checkName(sink, [field, key], key, configMapKey);
        if (unique && seen.has(key))
          sink.at([field, key], "duplicate", invalidValue(key, `duplicate of key present in ${fields[0]}`));
        seen.add(key);
      }
    }
  };
}

const checkIngress: KindRule = (object, sink) => {
  (asArray(dig(object, "spec", "rules")) ?? []).forEach((rule, i) => {
    (asArray(dig(rule, "http", "paths")) ?? []).forEach((item, j) => {
      const path = asObject(item);
      if (path === undefined) return;
      const at = ["spec", "rules", i, "http", "paths", j];
      const pathType = asString(path.pathType);
      const value = asString(path.path);
      if ((pathType === "Exact" || pathType === "Prefix") && value !== undefined && !value.startsWith("/")) {
        sink.at([...at, "path"], "invalid", invalidValue(value, "must be an absolute path"));
      }
      const number = asInteger(dig(path, "backend", "service", "port", "number"));
      if (number !== undefined)
        checkPortNumber(sink, [...at, "backend", "service", "port", "number"], number);
    });
  });
};

/** Keyed by `group|kind`: these rules hold in every served version of the kind. */
const KIND_RULES: Readonly<Record<string, KindRule>> = {
  "|Pod": (object, sink) => {
    const spec = asObject(object.spec);
    if (spec !== undefined) checkPodSpec(spec, ["spec"], sink);
  },
  "|PodTemplate": podTemplateRule("template"),
  "|ReplicationController": (object, sink) => {
    podTemplateRule("spec", "template")(object, sink);
    checkNonNegative(sink, ["spec", "replicas"], dig(object, "spec", "replicas"));
  },
  "|Service": checkService,
  "|ConfigMap": dataKeysRule(["data", "binaryData"], true),
  "|Secret": dataKeysRule(["data", "stringData"], false),
  "apps|Deployment": checkDeployment,
  "apps|ReplicaSet": appsWorkloadRule("replicaset"),
  "apps|StatefulSet": appsWorkloadRule("statefulset"),
  "apps|DaemonSet": appsWorkloadRule("daemonset"),
  "batch|Job": podTemplateRule("spec", "template"),
  "batch|CronJob": podTemplateRule("spec", "jobTemplate", "spec", "template"),
  "autoscaling|HorizontalPodAutoscaler": checkHorizontalPodAutoscaler,
  "policy|PodDisruptionBudget": checkPodDisruptionBudget,
  "networking.k8s.io|NetworkPolicy": checkNetworkPolicy,
  "networking.k8s.io|Ingress": checkIngress,
};
