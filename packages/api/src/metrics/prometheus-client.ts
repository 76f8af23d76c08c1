// The two Prometheus HTTP API calls the charts need (query_range, query), with a deadline and errors in plain words.

export interface PrometheusSeries {
  metric: Record<string, string>;
  /** [Unix seconds, value]; Prometheus sends values as strings ("NaN", "+Inf" included). */
  values: [number, number][];
}

const TIMEOUT_MS = 10_000;

export class PrometheusError extends Error {
  override readonly name = "PrometheusError";
}

export async function queryRange(
  baseUrl: string,
  query: string,
  range: { start: number; end: number; step: number },
): Promise<PrometheusSeries[]> {
  const data = await call(baseUrl, "/api/v1/query_range", {
    query,
    start: String(range.start),
    end: String(range.end),
    step: String(range.step),
  });
  const result = (data as { result?: { metric?: Record<string, string>; values?: [number, string][] }[] })
    .result;
  return (result ?? []).map((series) => ({
    metric: series.metric ?? {},
    values: (series.values ?? []).map(([t, value]) => [t, Number(value)]),
  }));
}

/** An instant query: one value per series at `time`. */
export async function queryInstant(
  baseUrl: string,
  query: string,
  time: number,
): Promise<PrometheusSeries[]> {
  const data = await call(baseUrl, "/api/v1/query", { query, time: String(time) });
  const result = (data as { result?: { metric?: Record<string, string>; value?: [number, string] }[] })
    .result;
  return (result ?? []).map((series) => ({
    metric: series.metric ?? {},
    values: series.value === undefined ? [] : [[series.value[0], Number(series.value[1])]],
  }));
}

async function call(baseUrl: string, path: string, params: Record<string, string>): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const reason =
      error instanceof Error && error.name === "TimeoutError"
        ? `no answer within ${TIMEOUT_MS / 1000} s`
        : error instanceof Error && error.cause instanceof Error
          ? error.cause.message
          : String(error);
    throw new PrometheusError(
      `Prometheus at ${baseUrl} could not be reached (${reason}). Check PROMETHEUS_URL.`,
    );
  }
  const text = await response.text();
  let body: { status?: string; data?: unknown; error?: string; errorType?: string } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = undefined;
  }
  if (!response.ok || body?.status !== "success") {
    const said = body?.error ?? text.trim().slice(0, 200);
    throw new PrometheusError(
      `Prometheus at ${baseUrl} answered ${response.status}${said === "" ? "" : `: ${said}`}. Check PROMETHEUS_URL (it must be Prometheus's own URL, such as http://prometheus.monitoring:9090).`,
    );
  }
  return body.data;
}

/** A PromQL string literal. */
export function promString(value: string): string {
  return JSON.stringify(value);
}
