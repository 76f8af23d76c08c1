// Errors as the API server reports them: a metav1.Status body whose reason/code clients switch on
// (client-node's ApiException.code, kubectl's "Error from server (NotFound): ...").
import { qualifiedKind, qualifiedResource, type ResourceInfo } from "../resources.js";

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
}

export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Success" | "Failure";
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Status {
    return failureStatus(this.code, this.reason, this.message, this.details);
  }
}

export function failureStatus(
  code: number,
  reason: string,
  message: string,
  details?: StatusDetails,
): Status {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    // An error that is not a Status on the real server has no reason at all (StatusReasonUnknown, omitted).
    ...(reason ? { reason } : {}),
    ...(details ? { details } : {}),
    code,
  };
}

export function successStatus(details: StatusDetails): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details, code: 200 };
}

type Resource = Pick<ResourceInfo, "group" | "plural">;

function resourceDetails(info: Resource, name: string): StatusDetails {
  return { name, group: info.group || undefined, kind: info.plural };
}

export function notFound(info: Resource, name: string): ApiError {
  return new ApiError(
    404,
    "NotFound",
    `${qualifiedResource(info)} "${name}" not found`,
    resourceDetails(info, name),
  );
}

export function alreadyExists(info: Resource, name: string): ApiError {
  return new ApiError(
    409,
    "AlreadyExists",
    `${qualifiedResource(info)} "${name}" already exists`,
    resourceDetails(info, name),
  );
}

export function conflict(info: Resource, name: string, why: string): ApiError {
  return new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualifiedResource(info)} "${name}": ${why}`,
    resourceDetails(info, name),
  );
}

export const STALE_OBJECT =
  "the object has been modified; please apply your changes to the latest version and try again";

export function invalid(
  info: Pick<ResourceInfo, "group" | "kind">,
  name: string,
  causes: StatusCause[],
): ApiError {
  const lines = causes.map((cause) =>
    cause.field ? `${cause.field}: ${cause.message ?? ""}` : (cause.message ?? ""),
  );
  const summary = lines.length === 1 ? lines[0]! : `[${lines.join(", ")}]`;
  return new ApiError(422, "Invalid", `${qualifiedKind(info)} "${name}" is invalid: ${summary}`, {
    name,
    group: info.group || undefined,
    kind: info.kind,
    causes,
  });
}

export function forbidden(info: Resource, name: string, why: string, causes?: StatusCause[]): ApiError {
  return new ApiError(403, "Forbidden", `${qualifiedResource(info)} "${name}" is forbidden: ${why}`, {
    ...resourceDetails(info, name),
    ...(causes ? { causes } : {}),
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, "BadRequest", message);
}

export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    "MethodNotAllowed",
    "the server does not allow this method on the requested resource",
  );
}

export function unsupportedMediaType(accepted: readonly string[]): ApiError {
  return new ApiError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
  );
}

export function pathNotFound(): ApiError {
  return new ApiError(404, "NotFound", "the server could not find the requested resource", {});
}

export function unauthorized(): ApiError {
  return new ApiError(401, "Unauthorized", "Unauthorized");
}

export function expired(requested: string, oldest: string): ApiError {
  return new ApiError(410, "Expired", `too old resource version: ${requested} (${oldest})`);
}
