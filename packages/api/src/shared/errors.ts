import { ManifestInputError, PackError, PackNotFoundError } from "@babyhelm/manifest-sdk";
import { TRPCError } from "@trpc/server";
import { ClusterError } from "../cluster/cluster-errors.js";
import { SecretKeyMismatch } from "./secret-box.js";

export interface FieldIssue {
  path: string;
  message: string;
}

/** A user-facing refusal that names fields: BAD_REQUEST (unless told) whose data carries `issues`. */
export class FieldError extends TRPCError {
  constructor(
    readonly issues: FieldIssue[],
    options: { prefix?: string; code?: TRPCError["code"]; message?: string } = {},
  ) {
    const listed = issues.map((issue) =>
      issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`,
    );
    super({
      code: options.code ?? "BAD_REQUEST",
      message: options.message ?? [options.prefix, listed.join("; ")].filter(Boolean).join(": "),
    });
  }
}

/**
 * CONFLICT about one input, such as a name already taken: `message` is the whole sentence, `issue` reads on after
 * the input's label in a form ("Project name" + "is taken: choose another name").
 */
export function conflictOn(path: string, issue: string, message: string): FieldError {
  return new FieldError([{ path, message: issue }], { code: "CONFLICT", message });
}

const clusterCodes: Record<ClusterError["kind"], TRPCError["code"]> = {
  unreachable: "SERVICE_UNAVAILABLE",
  timeout: "GATEWAY_TIMEOUT",
  unauthorized: "BAD_GATEWAY",
  forbidden: "BAD_GATEWAY",
  "not-found": "NOT_FOUND",
  conflict: "CONFLICT",
  invalid: "BAD_REQUEST",
  unavailable: "BAD_GATEWAY",
  unknown: "BAD_GATEWAY",
};

/** Turns the errors of our own libraries into tRPC errors a client can act on; others pass through. */
export function toTRPCError(error: unknown): unknown {
  if (error instanceof TRPCError) return error;
  if (error instanceof ManifestInputError) {
    return new FieldError(
      error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
      { prefix: "The spec is not valid" },
    );
  }
  if (error instanceof PackNotFoundError)
    return new TRPCError({ code: "BAD_REQUEST", message: error.message });
  if (error instanceof PackError)
    return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: error.message });
  if (error instanceof ClusterError) {
    return new TRPCError({ code: clusterCodes[error.kind], message: error.message, cause: error });
  }
  if (error instanceof SecretKeyMismatch)
    return new TRPCError({ code: "PRECONDITION_FAILED", message: error.message, cause: error });
  return error;
}
