import type { CliIo } from "@babyhelm/manifest-sdk/cli";

/** What a command may touch of the outside world, so that tests run it in-process. */
export interface BabyhelmIo extends CliIo {
  /** The environment: BABYHELM_URL, BABYHELM_TOKEN, and where the config directory is (XDG_CONFIG_HOME, HOME…). */
  env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal: the rollout's progress line is then rewritten in place. */
  isTTY: boolean;
  /** Ends `apps logs -f` when run in-process (the bin leaves Ctrl-C its default: the process ends). */
  signal?: AbortSignal;
}

/** Exit codes of the platform commands: the contract CI steps rely on. */
export const EXIT = { ok: 0, failed: 1, usage: 2, timeout: 3 } as const;
