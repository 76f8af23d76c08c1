// Every failure as a message a person can act on, and the exit code CI reads.
import {
  errorCode,
  RolloutError,
  RolloutTimeoutError,
  TRPCClientError,
  type AppRouter,
} from "@babyhelm/client";
import { formatIssue, ManifestInputError } from "@babyhelm/manifest-sdk";
import { EXIT, type BabyhelmIo } from "./io.js";
import { CommandError, UsageError } from "./usage.js";

export function report(error: unknown, io: BabyhelmIo): number {
  if (error instanceof UsageError) {
    const hint = error.helpFor === "main" ? "babyhelm --help" : `babyhelm ${error.helpFor} --help`;
    io.stderr(`babyhelm: ${error.message}\nRun "${hint}" for usage.\n`);
    return EXIT.usage;
  }
  if (error instanceof ManifestInputError) {
    io.stderr(`${error.message.split("\n", 1)[0]!}\n`);
    for (const issue of error.issues) io.stderr(`${formatIssue(issue)}\n`);
    return EXIT.failed;
  }
  if (error instanceof CommandError) {
    io.stderr(`babyhelm: ${error.message}\n`);
    return EXIT.failed;
  }
  if (error instanceof RolloutTimeoutError) {
    const [project, name] = error.app.split("/") as [string, string];
    io.stderr(
      `babyhelm: ${error.message}. It may still finish: babyhelm apps status ${name} --project ${project}\n`,
    );
    return EXIT.timeout;
  }
  if (error instanceof RolloutError) {
    io.stderr(`${rolloutFailure(error)}\n`);
    return EXIT.failed;
  }
  if (error instanceof TRPCClientError) {
    io.stderr(`${serverRefusal(error as TRPCClientError<AppRouter>)}\n`);
    return EXIT.failed;
  }
  io.stderr(
    `babyhelm: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT.failed;
}

/** The status's plain words (what is wrong, what to do), else its one-line message. */
function rolloutFailure(error: RolloutError): string {
  const { status } = error;
  const name = error.app.split("/")[1]!;
  if (status.problem === null) return `${name} is ${status.state}: ${status.message}`;
  return `${name} is ${status.state}: ${status.problem.summary}\n${status.problem.next}\n(${status.problem.details})`;
}

function serverRefusal(error: TRPCClientError<AppRouter>): string {
  const code = errorCode(error);
  const issues = error.data?.issues ?? [];
  if (issues.length > 0) return [error.message, ...issues.map((issue) => formatIssue(issue))].join("\n");
  if (code === "UNAUTHORIZED")
    return `The server refused the token (${error.message}): run babyhelm login again, or check BABYHELM_TOKEN.`;
  if (code === undefined) {
    // No answer from the server at all: say where we tried.
    const cause =
      error.cause instanceof Error && error.cause.cause instanceof Error ? error.cause.cause : error.cause;
    const reason = cause instanceof Error ? `: ${cause.message}` : "";
    return `Cannot reach the server (${error.message}${reason}). Check BABYHELM_URL or babyhelm login --url.`;
  }
  return error.message;
}
