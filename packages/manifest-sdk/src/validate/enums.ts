/**
 * Closed value sets the API server enforces on string fields.
 *
 * The 1.35 OpenAPI **v2** document carries no `enum` keyword at all (checked: the only "enum" in it
 * is the CRD JSONSchemaProps field of that name; enums are published in the v3 document and enforced
 * by the server's validation code). So the sets the server enforces for the kinds BabyHelm renders,
 * and for the pod spec they embed, are listed here by definition and property. An `enum` keyword
 * in the schema, should a later document carry one, is honoured too (see openapi-validator.ts).
 *
 * An empty string is accepted everywhere: the server treats it as unset and applies the default.
 * For array properties the set applies to each item.
 */
/** ResourceQuota scopes: what a quota's `scopes` and its scope selector's `scopeName` may name. */
const QUOTA_SCOPES = [
  "Terminating",
  "NotTerminating",
  "BestEffort",
  "NotBestEffort",
  "PriorityClass",
  "CrossNamespacePodAffinity",
  "VolumeAttributesClass",
];

export const FIELD_ENUMS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  "io.k8s.api.core.v1.Container": {
    imagePullPolicy: ["Always", "IfNotPresent", "Never"],
    terminationMessagePolicy: ["File", "FallbackToLogsOnError"],
  },
  "io.k8s.api.core.v1.ContainerPort": { protocol: ["TCP", "UDP", "SCTP"] },
  "io.k8s.api.core.v1.ServicePort": { protocol: ["TCP", "UDP", "SCTP"] },
  "io.k8s.api.core.v1.ServiceSpec": {
    type: ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"],
    sessionAffinity: ["ClientIP", "None"],
    externalTrafficPolicy: ["Cluster", "Local"],
    internalTrafficPolicy: ["Cluster", "Local"],
    ipFamilyPolicy: ["SingleStack", "PreferDualStack", "RequireDualStack"],
    ipFamilies: ["IPv4", "IPv6"],
  },
  "io.k8s.api.core.v1.PodSpec": {
    restartPolicy: ["Always", "OnFailure", "Never"],
    dnsPolicy: ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
    preemptionPolicy: ["PreemptLowerPriority", "Never"],
  },
  "io.k8s.api.core.v1.HTTPGetAction": { scheme: ["HTTP", "HTTPS"] },
  "io.k8s.api.core.v1.Toleration": {
    operator: ["Exists", "Equal"],
    effect: ["NoSchedule", "PreferNoSchedule", "NoExecute"],
  },
  "io.k8s.api.core.v1.NodeSelectorRequirement": {
    operator: ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"],
  },
  "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement": {
    operator: ["In", "NotIn", "Exists", "DoesNotExist"],
  },
  "io.k8s.api.core.v1.TopologySpreadConstraint": {
    whenUnsatisfiable: ["DoNotSchedule", "ScheduleAnyway"],
    nodeAffinityPolicy: ["Honor", "Ignore"],
    nodeTaintsPolicy: ["Honor", "Ignore"],
  },
  "io.k8s.api.core.v1.SeccompProfile": { type: ["RuntimeDefault", "Unconfined", "Localhost"] },
  "io.k8s.api.core.v1.AppArmorProfile": { type: ["RuntimeDefault", "Unconfined", "Localhost"] },
  "io.k8s.api.core.v1.PodSecurityContext": { fsGroupChangePolicy: ["OnRootMismatch", "Always"] },
  "io.k8s.api.core.v1.SecurityContext": { procMount: ["Default", "Unmasked"] },
  "io.k8s.api.core.v1.ContainerResizePolicy": { restartPolicy: ["NotRequired", "RestartContainer"] },
  "io.k8s.api.core.v1.PersistentVolumeClaimSpec": {
    accessModes: ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"],
    volumeMode: ["Block", "Filesystem"],
  },
  "io.k8s.api.core.v1.LimitRangeItem": { type: ["Pod", "Container", "PersistentVolumeClaim"] },
  "io.k8s.api.core.v1.ResourceQuotaSpec": {
    scopes: QUOTA_SCOPES,
  },
  "io.k8s.api.core.v1.ScopedResourceSelectorRequirement": {
    operator: ["In", "NotIn", "Exists", "DoesNotExist"],
    scopeName: QUOTA_SCOPES,
  },
  "io.k8s.api.apps.v1.DeploymentStrategy": { type: ["Recreate", "RollingUpdate"] },
  "io.k8s.api.apps.v1.StatefulSetSpec": { podManagementPolicy: ["OrderedReady", "Parallel"] },
  "io.k8s.api.apps.v1.StatefulSetUpdateStrategy": { type: ["RollingUpdate", "OnDelete"] },
  "io.k8s.api.apps.v1.DaemonSetUpdateStrategy": { type: ["RollingUpdate", "OnDelete"] },
  "io.k8s.api.batch.v1.CronJobSpec": { concurrencyPolicy: ["Allow", "Forbid", "Replace"] },
  "io.k8s.api.batch.v1.JobSpec": {
    completionMode: ["NonIndexed", "Indexed"],
    podReplacementPolicy: ["TerminatingOrFailed", "Failed"],
  },
  "io.k8s.api.autoscaling.v2.MetricSpec": {
    type: ["ContainerResource", "External", "Object", "Pods", "Resource"],
  },
  "io.k8s.api.autoscaling.v2.MetricTarget": { type: ["AverageValue", "Utilization", "Value"] },
  "io.k8s.api.autoscaling.v2.HPAScalingPolicy": { type: ["Pods", "Percent"] },
  "io.k8s.api.autoscaling.v2.HPAScalingRules": { selectPolicy: ["Max", "Min", "Disabled"] },
  "io.k8s.api.networking.v1.HTTPIngressPath": { pathType: ["Exact", "Prefix", "ImplementationSpecific"] },
  "io.k8s.api.networking.v1.NetworkPolicySpec": { policyTypes: ["Ingress", "Egress"] },
  "io.k8s.api.networking.v1.NetworkPolicyPort": { protocol: ["TCP", "UDP", "SCTP"] },
  "io.k8s.api.policy.v1.PodDisruptionBudgetSpec": {
    unhealthyPodEvictionPolicy: ["IfHealthyBudget", "AlwaysAllow"],
  },
};
