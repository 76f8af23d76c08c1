// The few object shapes the simulated controllers read and write. Only the fields they use are typed; everything
// else passes through untouched as part of StoredObject.
import type { StoredObject } from "../contract.js";

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface PodTemplate {
  metadata?: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  spec: PodSpec;
}

export interface ContainerSpec {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  [field: string]: unknown;
}

export interface PodSpec {
  containers: ContainerSpec[];
  nodeName?: string;
  restartPolicy?: "Always" | "OnFailure" | "Never";
  [field: string]: unknown;
}

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
}

export type IntOrPercent = number | string;

export interface DeploymentObject extends StoredObject {
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplate;
    strategy?: {
      type?: "RollingUpdate" | "Recreate";
      rollingUpdate?: { maxSurge?: IntOrPercent; maxUnavailable?: IntOrPercent };
    };
    revisionHistoryLimit?: number;
    progressDeadlineSeconds?: number;
    minReadySeconds?: number;
    paused?: boolean;
  };
  status?: { collisionCount?: number; conditions?: Condition[]; [field: string]: unknown };
}

export interface ReplicaSetObject extends StoredObject {
  spec: { replicas?: number; selector: LabelSelector; template: PodTemplate; minReadySeconds?: number };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: Condition[];
    [field: string]: unknown;
  };
}

export interface TerminatedState {
  reason?: string;
  exitCode: number;
  startedAt?: string;
  finishedAt?: string;
  containerID?: string;
}

export interface ContainerStatus {
  name: string;
  state: {
    waiting?: { reason: string; message?: string };
    running?: { startedAt: string };
    terminated?: TerminatedState;
  };
  lastState: { terminated?: TerminatedState };
  ready: boolean;
  started: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
}

export interface PodStatus {
  phase?: string;
  conditions?: Condition[];
  containerStatuses?: ContainerStatus[];
  podIP?: string;
  [field: string]: unknown;
}

export interface PodObject extends StoredObject {
  spec: PodSpec;
  status?: PodStatus;
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: IntOrPercent;
  protocol?: string;
}

export interface ServiceObject extends StoredObject {
  spec: { selector?: Record<string, string>; ports?: ServicePort[]; type?: string };
  status?: { loadBalancer?: { ingress?: { ip: string; ipMode?: string }[] } };
}

export interface MetricTarget {
  type: "Utilization" | "AverageValue" | "Value";
  averageUtilization?: number;
  averageValue?: string;
}

export interface HpaObject extends StoredObject {
  spec: {
    scaleTargetRef: { apiVersion?: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: { type: string; resource?: { name: string; target: MetricTarget } }[];
  };
  status?: { lastScaleTime?: string; conditions?: Condition[]; [field: string]: unknown };
}

export interface JobObject extends StoredObject {
  spec: {
    template: PodTemplate;
    completions?: number;
    parallelism?: number;
    backoffLimit?: number;
    suspend?: boolean;
  };
  status?: {
    startTime?: string;
    completionTime?: string;
    active?: number;
    ready?: number;
    succeeded?: number;
    failed?: number;
    conditions?: Condition[];
    [field: string]: unknown;
  };
}

export interface ObjectReference {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid: string;
  resourceVersion: string;
}

export interface CronJobObject extends StoredObject {
  spec: {
    schedule: string;
    timeZone?: string;
    suspend?: boolean;
    concurrencyPolicy?: "Allow" | "Forbid" | "Replace";
    startingDeadlineSeconds?: number;
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
    jobTemplate: { metadata?: PodTemplate["metadata"]; spec: JobObject["spec"] };
  };
  status?: {
    active?: ObjectReference[];
    lastScheduleTime?: string;
    lastSuccessfulTime?: string;
  };
}
