import { FieldError } from "../shared/errors.js";

/** The spec lists that become container env vars: `env` (default@2) and `envs` (classic@1). */
const ENV_LISTS = ["env", "envs"] as const;

/**
 * Refuses a spec with more env entries than `limit`: thousands of env vars make every pod start (and the sandbox)
 * stall for seconds, and no app needs them; a config file or a ConfigMap is the way to pass that much.
 */
export function refuseTooManyEnvEntries(spec: unknown, limit: number): void {
  if (spec === null || typeof spec !== "object") return;
  for (const list of ENV_LISTS) {
    const entries = (spec as Record<string, unknown>)[list];
    if (Array.isArray(entries) && entries.length > limit) {
      throw new FieldError([
        {
          path: `spec.${list}`,
          message: `has ${entries.length} entries, more than the limit of ${limit} per app: pass bulk settings in one variable or a config file (an operator can raise BABYHELM_MAX_ENV_PER_APP)`,
        },
      ]);
    }
  }
}
