import { TRPCError } from "@trpc/server";
import { ManifestInputError, PackError, PackNotFoundError } from "@babyhelm/manifest-sdk";
import { ClusterError } from "../cluster/cluster-errors.js";
import { SecretKeyMismatch } from "./secret-box.js";

export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * A refusal in words for the caller, thrown by services without knowing about tRPC: toTRPCError gives each kind its
 * code. `issues` name the inputs at fault, for forms (clients read them as `data.issues`).
 */
export abstract class DomainError extends Error {
  abstract readonly kind: "not-found" | "conflict" | "forbidden" | "precondition" | "invalid" | "too-many";
  readonly issues: FieldIssue[] | undefined;

  constructor(message: string, issues?: FieldIssue[]) {
    super(message);
    this.name = new.target.name;
    this.issues = issues;
  }
}

export class NotFoundError extends DomainError {
  override readonly kind = "not-found";
}

/** What was there and is gone: who deleted it (when known) and when, for pages still showing it (`data.deleted`). */
export interface Deletion {
  by: string | null;
  at: string;
}

export class DeletedError extends NotFoundError {
  constructor(
    message: string,
    readonly deleted: Deletion,
  ) {
    super(message);
  }
}

export class ConflictError extends DomainError {
  override readonly kind = "conflict";
}

export class ForbiddenError extends DomainError {
  override readonly kind = "forbidden";
}

/** The request is fine but the state is not: something else has to happen first. */
export class PreconditionError extends DomainError {
  override readonly kind = "precondition";
}

/** The caller holds as many of something as one user may at once (log streams): close one first. */
export class TooManyError extends DomainError {
  override readonly kind = "too-many";
}

/** Bad input that names its fields; the message lists them, after `prefix` when given. */
export class FieldError extends DomainError {
  override readonly kind = "invalid";
  declare readonly issues: FieldIssue[];

  constructor(issues: FieldIssue[], prefix?: string) {
    const listed = issues.map((issue) =>
      issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`,
    );
    super([prefix, listed.join("; ")].filter(Boolean).join(": "), issues);
  }
}

/**
 * CONFLICT about one input, such as a name already taken: `message` is the whole sentence, `issue` reads on after
 * the input's label in a form ("Project name" + "is taken: choose another name").
 */
export function conflictOn(path: string, issue: string, message: string): ConflictError {
  return new ConflictError(message, [{ path, message: issue }]);
}

const domainCodes: Record<DomainError["kind"], TRPCError["code"]> = {
  "not-found": "NOT_FOUND",
  conflict: "CONFLICT",
  forbidden: "FORBIDDEN",
  precondition: "PRECONDITION_FAILED",
  invalid: "BAD_REQUEST",
  "too-many": "TOO_MANY_REQUESTS",
};

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

/**
 * Turns domain errors and the errors of our own libraries into tRPC errors a client can act on; others pass
 * through. A domain error stays the cause, so that the error formatter finds its issues.
 */
export function toTRPCError(error: unknown): unknown {
  if (error instanceof TRPCError) return error;
  if (error instanceof DomainError) {
    return new TRPCError({ code: domainCodes[error.kind], message: error.message, cause: error });
  }
  if (error instanceof ManifestInputError) {
    return toTRPCError(
      new FieldError(
        error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
        "The spec is not valid",
      ),
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
