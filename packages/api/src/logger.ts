import { pino, type Logger } from "pino";

export type { Logger };

/** Fields of database errors that carry a failed query's values: parameters (env values, token hashes), the query
 * itself, and PostgreSQL's `detail` ("Key (email)=(…) already exists"). */
const VALUE_FIELDS = new Set(["params", "parameters", "query", "queryOptions", "detail", "internalQuery"]);
/** SQLSTATE classes whose messages quote the offending value: 22 data exception, 23 integrity constraint violation. */
const VALUE_QUOTING_SQLSTATE = /^2[23]/;

/**
 * pino's error serializer, minus the values a failed query carried: the log keeps what failed and why (SQLSTATE,
 * routine, message), never what was being written.
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return scrub(error, 0, false);
  // pino folds causes' messages and stacks into the outer error's: one value-quoting cause taints them all.
  return scrub(pino.stdSerializers.err(error), 0, quotesValues(error, 0));
}

function quotesValues(error: unknown, depth: number): boolean {
  if (error === null || typeof error !== "object" || depth > 6) return false;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  return (typeof code === "string" && VALUE_QUOTING_SQLSTATE.test(code)) || quotesValues(cause, depth + 1);
}

function scrub(value: unknown, depth: number, masked: boolean): unknown {
  if (value === null || typeof value !== "object" || depth > 6) return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1, masked));
  const fields = value as Record<string, unknown>;
  const quotes = masked || quotesValues(fields, 6);
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) {
    if (VALUE_FIELDS.has(key)) continue;
    if (quotes && (key === "message" || key === "stack") && typeof field === "string") {
      result[key] = field.replace(/"[^"\n]*"/g, '"…"');
      continue;
    }
    result[key] = scrub(field, depth + 1, quotes);
  }
  return result;
}

/** Structured JSON logs. Credentials are redacted wherever they could appear, and errors lose query values. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "babyhelm" },
      serializers: { err: serializeError, error: serializeError },
      redact: {
        paths: [
          "req.headers.authorization",
          "req.headers.cookie",
          "res.headers['set-cookie']",
          "*.password",
          "*.token",
          "input.password",
          "input.token",
          // Secret env values (apps.create/update/previewManifests): nothing logs inputs today; nothing may start to.
          "*.secretValues",
          "input.secretValues",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
