// Knobs from the environment, checked: a typo in a bench setting must not silently measure something else.

export function numberFromEnv(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name}=${value}: must be a positive number`);
  return parsed;
}

/** `on` or `off`. */
export function switchFromEnv(name: string, fallback: boolean): boolean {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  if (value === "on") return true;
  if (value === "off") return false;
  throw new Error(`${name}=${value}: must be on or off`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs a bench's main and exits: 0 when it measured (met targets or not), 1 when it could not (run-all.ts counts
 * those). Exiting also ends whatever handles a failed run left open.
 */
export async function runBench(main: () => Promise<void>): Promise<never> {
  try {
    await main();
    process.exit(0);
  } catch (error) {
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  }
}
