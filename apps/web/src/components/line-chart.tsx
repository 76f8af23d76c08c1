// A small time-series chart drawn by hand in SVG: a few lines over a time range, with horizontal reference lines
// (a request, a limit). Screen readers get a one-sentence summary instead of the drawing.

export interface ChartSeries {
  label: string;
  /** [Unix seconds, value]. */
  points: readonly (readonly [number, number])[];
}

export interface ChartThreshold {
  label: string;
  value: number;
  kind: "request" | "limit";
}

interface LineChartProps {
  title: string;
  series: readonly ChartSeries[];
  thresholds: readonly ChartThreshold[];
  /** Unix seconds. */
  from: number;
  to: number;
  format: (value: number) => string;
  summary: string;
}

// Drawn at about a phone's width: scaled up on wider screens, its labels stay readable on narrow ones.
const WIDTH = 360;
const HEIGHT = 180;
const PAD = { left: 58, right: 8, top: 10, bottom: 26 };

export function LineChart({ title, series, thresholds, from, to, format, summary }: LineChartProps) {
  const values = [
    ...series.flatMap((line) => line.points.map(([, value]) => value)),
    ...thresholds.map((line) => line.value),
  ];
  const top = niceCeiling(Math.max(0, ...values));
  const x = (t: number) => PAD.left + ((t - from) / Math.max(to - from, 1)) * (WIDTH - PAD.left - PAD.right);
  const y = (value: number) => PAD.top + (1 - value / top) * (HEIGHT - PAD.top - PAD.bottom);
  const ticks = [0, top / 2, top];
  const times = [from, (from + to) / 2, to];
  return (
    <figure className="chart">
      <figcaption className="chart-title">{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
        {ticks.map((tick) => (
          <g key={tick} className="chart-grid">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} />
            <text x={PAD.left - 6} y={y(tick) + 4} textAnchor="end">
              {format(tick)}
            </text>
          </g>
        ))}
        {times.map((time, index) => (
          <text
            key={time}
            className="chart-time"
            x={x(time)}
            y={HEIGHT - 8}
            textAnchor={index === 0 ? "start" : index === 2 ? "end" : "middle"}
          >
            {new Date(time * 1000).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })}
          </text>
        ))}
        {thresholds.map((line) => (
          <line
            key={line.label}
            className={`chart-threshold chart-${line.kind}`}
            x1={PAD.left}
            x2={WIDTH - PAD.right}
            y1={y(line.value)}
            y2={y(line.value)}
          />
        ))}
        {series.map((line, index) =>
          line.points.length === 1 ? (
            <circle
              key={line.label}
              className={`chart-line chart-line-${index % 6}`}
              cx={x(line.points[0]![0])}
              cy={y(line.points[0]![1])}
              r={3}
            />
          ) : (
            <polyline
              key={line.label}
              className={`chart-line chart-line-${index % 6}`}
              points={line.points.map(([t, value]) => `${x(t).toFixed(1)},${y(value).toFixed(1)}`).join(" ")}
            />
          ),
        )}
      </svg>
      <ul className="chart-legend">
        {series.map((line, index) => (
          <li key={line.label}>
            <span className={`chart-swatch chart-line-${index % 6}`} aria-hidden="true" />
            {line.label}
          </li>
        ))}
        {thresholds.map((line) => (
          <li key={line.label}>
            <span className={`chart-swatch chart-${line.kind}`} aria-hidden="true" />
            {line.label} {format(line.value)}
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** A round number at or above `value` for the top of the axis (1, 1.2, 1.5, 2, 2.5, 3… times a power of ten). */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10])
    if (value <= step * power * (1 + 1e-9)) return step * power;
  return 10 * power;
}
