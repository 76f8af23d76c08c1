// What the dashboard tells people when something fails: the server's own words where it has them (they already
// say what to do next), and a next step of our own where it has none.
import { TRPCClientError } from "@trpc/client";

export interface FieldIssue {
  path: string;
  message: string;
}

/** The `data` of a BabyHelm tRPC error (see the server's error formatter in packages/api/src/trpc.ts). */
export interface ApiErrorData {
  code?: string;
  httpStatus?: number;
  issues?: FieldIssue[];
  retryAfterSeconds?: number;
}

export function errorData(error: unknown): ApiErrorData | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  return typeof data === "object" && data !== null ? data : undefined;
}

/** The tRPC code of a failed call ("UNAUTHORIZED", "CONFLICT"...), or undefined when the server never answered. */
export function errorCode(error: unknown): string | undefined {
  return errorData(error)?.code;
}

export function fieldIssues(error: unknown): FieldIssue[] {
  return errorData(error)?.issues ?? [];
}

const UNREACHABLE =
  "Could not reach the BabyHelm server. Check your connection and that the server is running, then try again.";

const CLUSTER_TROUBLE =
  "Try again in a moment. If it keeps failing, ask whoever runs BabyHelm to check its connection to the cluster (its /readyz page says what is wrong).";

/** One sentence or two for a person: what went wrong and what to do next. */
export function describeError(error: unknown): string {
  const data = errorData(error);
  if (data?.code === undefined) return UNREACHABLE;
  const message = error instanceof Error ? error.message : "";
  const issues = data.issues ?? [];
  switch (data.code) {
    case "BAD_REQUEST":
      // tRPC's own message for invalid input is the raw validation report: the issues say it better.
      if (issues.length > 0) {
        return `Please correct: ${issues.map((issue) => (issue.path === "" ? issue.message : `${issue.path} ${issue.message}`)).join("; ")}.`;
      }
      return message;
    case "TOO_MANY_REQUESTS":
      return data.retryAfterSeconds === undefined
        ? `${message} Wait a little, then try again.`
        : `Too many attempts. Try again in ${formatWait(data.retryAfterSeconds)}.`;
    case "INTERNAL_SERVER_ERROR":
      return `${message} Try again; if it keeps failing, give the request id to whoever runs this server.`;
    case "SERVICE_UNAVAILABLE":
    case "BAD_GATEWAY":
    case "GATEWAY_TIMEOUT":
      return `${message} ${CLUSTER_TROUBLE}`;
    default:
      return message === "" ? `The server refused (${data.code}). Reload the page and try again.` : message;
  }
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/**
 * Splits a refusal over a form: issues whose path names one of the form's fields go beside that field, the rest
 * (and any refusal without issues) above the form.
 */
export function formErrors<Field extends string>(
  error: unknown,
  fields: readonly Field[],
): { byField: Partial<Record<Field, string>>; general: string | undefined } {
  if (error === null || error === undefined) return { byField: {}, general: undefined };
  const byField: Partial<Record<Field, string>> = {};
  const rest: FieldIssue[] = [];
  for (const issue of fieldIssues(error)) {
    const field = fields.find((name) => name === issue.path);
    if (field === undefined) rest.push(issue);
    else
      byField[field] = byField[field] === undefined ? issue.message : `${byField[field]}; ${issue.message}`;
  }
  const placedAll = rest.length === 0 && Object.keys(byField).length > 0;
  if (placedAll) return { byField, general: undefined };
  if (rest.length > 0) {
    return {
      byField,
      general: `Please correct: ${rest.map((issue) => (issue.path === "" ? issue.message : `${issue.path} ${issue.message}`)).join("; ")}.`,
    };
  }
  return { byField, general: describeError(error) };
}
