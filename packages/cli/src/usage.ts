import type { parseArgs, ParseArgsConfig } from "node:util";
import { parse, UsageError } from "@babyhelm/manifest-sdk/cli";

// The SDK's commands and ours share one usage error, so either's command line is reported the same way.
export { UsageError };

/** A refusal the user can act on (not signed in, a pack that does not match): exit 1, the message alone. */
export class CommandError extends Error {}

export const PROJECT_OPTION = { type: "string", short: "p" } as const;
export const JSON_OPTION = { type: "boolean" } as const;
export const HELP_OPTION = { type: "boolean", short: "h" } as const;

/** The options of a command that follows a rollout (see `rolloutWait`). */
export const WAIT_OPTIONS = { "no-wait": { type: "boolean" }, timeout: { type: "string" } } as const;

/** A command's line: its `options` and -h; each command checks its own positionals. */
export function parseCommand<const Options extends NonNullable<ParseArgsConfig["options"]>>(
  command: string,
  args: string[],
  options: Options,
): ReturnType<
  typeof parseArgs<{
    args: string[];
    options: Options & { help: typeof HELP_OPTION };
    allowPositionals: true;
    strict: true;
  }>
> {
  return parse(command, {
    args,
    options: { ...options, help: HELP_OPTION },
    allowPositionals: true,
    strict: true,
  });
}

/** How long to follow the rollout (default 10m), or undefined with --no-wait. */
export function rolloutWait(
  values: { "no-wait"?: boolean; timeout?: string },
  command: string,
): number | undefined {
  const timeoutMs = parseDuration(values.timeout ?? "10m", "--timeout", command);
  return values["no-wait"] === true ? undefined : timeoutMs;
}

export function requireOption(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value.trim() === "") throw new UsageError(`missing ${flag}`, command);
  return value.trim();
}

/** Exactly one positional: the app's name. */
export function appNameOf(positionals: string[], command: string): string {
  const [name, extra] = positionals;
  if (name === undefined) throw new UsageError("missing the app's NAME", command);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`, command);
  return name;
}

const UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** "10m", "90s", "1h", "500ms", or a number of seconds. */
export function parseDuration(text: string, flag: string, command: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const amount = match === null ? Number.NaN : Number(match[1]);
  if (match === null || !(amount > 0))
    throw new UsageError(`${flag} must be a duration such as 90s, 10m or 1h, not "${text}"`, command);
  return Math.round(amount * UNITS_MS[(match[2] ?? "s") as keyof typeof UNITS_MS]);
}

export function parseCount(text: string, flag: string, command: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min)
    throw new UsageError(`${flag} must be a whole number of at least ${min}, not "${text}"`, command);
  return value;
}
