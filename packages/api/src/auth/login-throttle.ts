/**
 * Progressive throttling of failed sign-ins. A fixed lockout lets anyone lock a user out by guessing wrong on
 * purpose; here each failure past a few free ones only makes the next attempt wait longer (1 s, 2 s, 4 s … up to a
 * cap), and a right password after the wait always gets in.
 */

/** The failures counted for one key (an email or a client address). */
export interface FailureRecord {
  failures: number;
  /** Epoch milliseconds of the latest failure. */
  lastFailureAt: number;
}

/**
 * Where failure counts live. In memory they are per replica; the interface is async so that a store shared by
 * every replica (a PostgreSQL table) can take its place without changing the throttle.
 */
export interface FailureStore {
  get(key: string): Promise<FailureRecord | undefined>;
  /** Counts one failure at `at`, starting again from one when the last was at or before `staleBefore`. */
  recordFailure(key: string, at: number, staleBefore: number): Promise<FailureRecord>;
  clear(key: string): Promise<void>;
}

export class MemoryFailureStore implements FailureStore {
  private readonly records = new Map<string, FailureRecord>();

  constructor(private readonly maxKeys = 100_000) {}

  get(key: string): Promise<FailureRecord | undefined> {
    return Promise.resolve(this.records.get(key));
  }

  recordFailure(key: string, at: number, staleBefore: number): Promise<FailureRecord> {
    const known = this.records.get(key);
    const record =
      known === undefined || known.lastFailureAt <= staleBefore
        ? { failures: 1, lastFailureAt: at }
        : { failures: known.failures + 1, lastFailureAt: at };
    if (known === undefined && this.records.size >= this.maxKeys) this.sweep(staleBefore);
    this.records.set(key, record);
    return Promise.resolve(record);
  }

  clear(key: string): Promise<void> {
    this.records.delete(key);
    return Promise.resolve();
  }

  private sweep(staleBefore: number): void {
    for (const [key, record] of this.records)
      if (record.lastFailureAt <= staleBefore) this.records.delete(key);
  }
}

export interface ThrottlePolicy {
  /** Failures that cost nothing: typos. */
  freeFailures: number;
  /** The wait after the first failure past the free ones; each further failure doubles it. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Failures older than this are forgotten. */
  forgetAfterMs: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  freeFailures: 5,
  firstDelayMs: 1_000,
  maxDelayMs: 60_000,
  forgetAfterMs: 15 * 60_000,
};

export class LoginThrottle {
  /** The attempt under way per key, which the next one waits for. */
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: FailureStore,
    readonly policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole seconds to wait before `key` may try again, or undefined when it may try now. */
  async waitSeconds(key: string): Promise<number | undefined> {
    const record = await this.store.get(key);
    if (record === undefined) return undefined;
    const now = this.now();
    if (record.lastFailureAt <= now - this.policy.forgetAfterMs) return undefined;
    const readyAt = record.lastFailureAt + this.delayAfter(record.failures);
    return readyAt > now ? Math.ceil((readyAt - now) / 1000) : undefined;
  }

  /**
   * Runs one attempt for `key` after the ones before it have ended, so that attempts sent in parallel each see the
   * failures of the earlier ones: without this, a burst of guesses would all pass the wait check together.
   */
  async exclusive<T>(key: string, attempt: () => Promise<T>): Promise<T> {
    const before = this.running.get(key) ?? Promise.resolve();
    const current = before.catch(() => undefined).then(attempt);
    const settled = current.catch(() => undefined);
    this.running.set(key, settled);
    try {
      return await current;
    } finally {
      if (this.running.get(key) === settled) this.running.delete(key);
    }
  }

  async fail(key: string): Promise<void> {
    const now = this.now();
    await this.store.recordFailure(key, now, now - this.policy.forgetAfterMs);
  }

  async succeed(key: string): Promise<void> {
    await this.store.clear(key);
  }

  /** The wait after `failures` failures in a row: none for the free ones, then doubling up to the cap. */
  delayAfter(failures: number): number {
    const { freeFailures, firstDelayMs, maxDelayMs } = this.policy;
    if (failures < freeFailures) return 0;
    // The exponent is capped so that the doubling cannot overflow before the cap applies.
    return Math.min(maxDelayMs, firstDelayMs * 2 ** Math.min(failures - freeFailures, 30));
  }
}
