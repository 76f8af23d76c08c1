// CPU and memory of the app over the last hour, 6 hours or day (apps.metrics): the app's total (all its pods
// together), then each pod a line with the per-pod request and limit drawn across for comparison.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { LineChart } from "../../components/line-chart.js";
import { QueryError } from "../../components/query-state.js";
import type { AppContext } from "../../lib/app-state.js";
import { useTRPC } from "../../trpc.js";

const RANGES = [
  { id: "1h", label: "1 hour", words: "the last hour" },
  { id: "6h", label: "6 hours", words: "the last 6 hours" },
  { id: "24h", label: "24 hours", words: "the last day" },
] as const;
type RangeId = (typeof RANGES)[number]["id"];
const RANGE_SECONDS: Record<RangeId, number> = { "1h": 3600, "6h": 6 * 3600, "24h": 24 * 3600 };

export function formatCpu(cores: number): string {
  if (cores === 0) return "0";
  return cores < 1 ? `${Math.round(cores * 1000)}m` : `${Number(cores.toFixed(2))} cores`;
}

const MIB = 1024 ** 2;

/** Memory is charted in MiB, so that the axis has round MiB figures. */
export function formatMebibytes(mebibytes: number): string {
  if (mebibytes >= 1024) return `${Number((mebibytes / 1024).toFixed(2))} GiB`;
  return `${Number(mebibytes.toFixed(mebibytes < 10 ? 1 : 0))} MiB`;
}

function peak(points: readonly (readonly [number, number])[]): number {
  return points.reduce((highest, [, value]) => Math.max(highest, value), 0);
}

export default function AppMetrics({ context }: { context: AppContext }) {
  const { app } = context;
  const trpc = useTRPC();
  const [range, setRange] = useState<RangeId>("1h");
  const metrics = useQuery({
    ...trpc.apps.metrics.queryOptions({ project: app.project, name: app.name, range }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  const words = RANGES.find((candidate) => candidate.id === range)!.words;

  let body;
  if (metrics.isPending) body = <p className="loading">Loading CPU and memory…</p>;
  else if (metrics.isError)
    body = <QueryError error={metrics.error} retry={metrics.refetch} what="the metrics" />;
  else {
    const data = metrics.data;
    // The range ends when the figures were read.
    const to = Math.floor(metrics.dataUpdatedAt / 1000);
    const from = to - RANGE_SECONDS[data.range];
    const empty = data.series.pods.every((pod) => pod.cpu.length === 0 && pod.memory.length === 0);
    const totals = (["cpu", "memory"] as const).map((resource) => {
      const format = resource === "cpu" ? formatCpu : formatMebibytes;
      const unit = resource === "cpu" ? 1 : MIB;
      const points = data.series.total[resource].map(([t, value]) => [t, value / unit] as const);
      const title = resource === "cpu" ? "CPU of the app" : "Memory of the app";
      const latest = points.at(-1)?.[1];
      const summary = `${title}, all pods together, over ${words}: ${
        points.length === 0 ? "no data" : `now ${format(latest ?? 0)}, peak ${format(peak(points))}`
      }.`;
      return (
        <LineChart
          key={`total-${resource}`}
          title={title}
          series={[{ label: "All pods", points }]}
          thresholds={[]}
          from={from}
          to={to}
          format={format}
          summary={summary}
        />
      );
    });
    const charts = (["cpu", "memory"] as const).map((resource) => {
      const format = resource === "cpu" ? formatCpu : formatMebibytes;
      const unit = resource === "cpu" ? 1 : MIB;
      const series = data.series.pods.map((pod) => ({
        label: pod.pod,
        points: pod[resource].map(([t, value]) => [t, value / unit] as const),
      }));
      const request = data.requests[resource];
      const limit = data.limits[resource];
      const thresholds = [
        ...(request === undefined
          ? []
          : [{ label: "Request", value: request / unit, kind: "request" as const }]),
        ...(limit === undefined ? [] : [{ label: "Limit", value: limit / unit, kind: "limit" as const }]),
      ];
      const highest = Math.max(0, ...series.map((line) => peak(line.points)));
      const title = resource === "cpu" ? "CPU per pod" : "Memory per pod";
      const summary = `${title} over ${words}: ${series.length === 0 ? "no data" : `peak ${format(highest)}`}${thresholds.map((line) => `; ${line.label.toLowerCase()} ${format(line.value)}`).join("")}.`;
      return (
        <LineChart
          key={resource}
          title={title}
          series={series}
          thresholds={thresholds}
          from={from}
          to={to}
          format={format}
          summary={summary}
        />
      );
    });
    body = (
      <>
        {data.available ? null : <p className="notice">{data.reason}</p>}
        {empty && data.available ? (
          <p className="muted">
            No samples yet for {words}: the server samples CPU and memory every little while, so the first
            points appear shortly after the pods start.
          </p>
        ) : null}
        <h3 className="charts-heading">The app in total</h3>
        <div className="charts">{totals}</div>
        <h3 className="charts-heading">Per pod</h3>
        <div className="charts">{charts}</div>
      </>
    );
  }

  return (
    <section aria-labelledby="metrics-title">
      <div className="section-header">
        <h2 id="metrics-title">CPU and memory</h2>
        <div className="range-choice" role="radiogroup" aria-label="Time range">
          {RANGES.map((candidate) => (
            <label
              key={candidate.id}
              className={`range-option${candidate.id === range ? " range-selected" : ""}`}
            >
              <input
                type="radio"
                name="metrics-range"
                value={candidate.id}
                checked={candidate.id === range}
                onChange={() => {
                  setRange(candidate.id);
                }}
              />
              {candidate.label}
            </label>
          ))}
        </div>
      </div>
      {metrics.data === undefined ? null : (
        <p className="muted">
          Source:{" "}
          {metrics.data.source === "prometheus"
            ? "Prometheus"
            : metrics.data.source === "sandbox"
              ? "the sandbox's simulated metrics"
              : "the cluster's metrics server"}
          {metrics.isFetching ? " · updating…" : ""}
        </p>
      )}
      {body}
    </section>
  );
}
