import type { CounterRef, CounterState, LimitKind, LimitStore } from "./limit-store.js";

/**
 * Fixed-window attempt counters per key, in a LimitStore: in memory on one process, in PostgreSQL where every
 * replica counts into the same window.
 */
export class RateLimiter {
  constructor(
    private readonly store: LimitStore,
    readonly kind: LimitKind,
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts an attempt; returns the seconds to wait when over the limit, else undefined. */
  async hit(key: string): Promise<number | undefined> {
    const at = this.now();
    const { attempts } = await this.store.countAttempt(this.counter(key), at, this.windowMs, []);
    return this.waitAfter(attempts, at);
  }

  /** The seconds to wait after the attempts of a window counted at `at`, or undefined within the limit. */
  waitAfter(attempts: CounterState, at: number): number | undefined {
    return attempts.count > this.limit ? Math.max(1, Math.ceil((attempts.expiresAt - at) / 1000)) : undefined;
  }

  counter(key: string): CounterRef {
    return { kind: this.kind, key };
  }
}
