/**
 * Progressive throttling of failed sign-ins. A fixed lockout lets anyone lock a user out by guessing wrong on
 * purpose; here each failure past a few free ones only makes the next attempt wait longer (1 s, 2 s, 4 s … up to a
 * cap), and a right password after the wait always gets in.
 */

import type { CounterRef, CounterState, LimitKind, LimitStore } from "./limit-store.js";

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
    private readonly store: LimitStore,
    readonly kind: LimitKind,
    readonly policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole seconds to wait before `key` may try again, or undefined when it may try now. */
  async waitSeconds(key: string): Promise<number | undefined> {
    const now = this.now();
    return this.waitAfter(await this.store.read(this.counter(key), now), now);
  }

  /** The same from a counter already read (undefined: no failures to remember) at `now`. */
  waitAfter(failures: CounterState | undefined, now: number): number | undefined {
    if (failures?.lastFailureAt === undefined || failures.expiresAt <= now) return undefined;
    const readyAt = failures.lastFailureAt + this.delayAfter(failures.count);
    return readyAt > now ? Math.ceil((readyAt - now) / 1000) : undefined;
  }

  /**
   * Runs one attempt for `key` after the ones before it on this replica have ended, so that attempts sent in
   * parallel each see the failures of the earlier ones: without this, a burst of guesses would all pass the wait
   * check together. Across replicas a burst gets at most one attempt in flight per replica past the count.
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
    await this.store.recordFailure(this.counter(key), this.now(), this.policy.forgetAfterMs);
  }

  async succeed(key: string): Promise<void> {
    await this.store.clear(this.counter(key));
  }

  counter(key: string): CounterRef {
    return { kind: this.kind, key };
  }

  /** The wait after `failures` failures in a row: none for the free ones, then doubling up to the cap. */
  delayAfter(failures: number): number {
    const { freeFailures, firstDelayMs, maxDelayMs } = this.policy;
    if (failures < freeFailures) return 0;
    // The exponent is capped so that the doubling cannot overflow before the cap applies.
    return Math.min(maxDelayMs, firstDelayMs * 2 ** Math.min(failures - freeFailures, 30));
  }
}
