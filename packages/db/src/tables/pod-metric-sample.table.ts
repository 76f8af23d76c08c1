import type { ColumnType, Selectable } from "kysely";

/** One pod's CPU and memory at one moment, as metrics.k8s.io reported it (summed over the pod's containers). */
export interface PodMetricSampleTable {
  app_id: string;
  pod: string;
  at: ColumnType<Date, Date | string, Date | string>;
  cpu_cores: number;
  memory_bytes: number;
}

export type PodMetricSample = Selectable<PodMetricSampleTable>;
