/**
 * Where sign-in and sign-up counters live. In memory they are per process, which is all there is on PGlite; on
 * PostgreSQL a table shared by every replica takes their place (database-limit-store.ts), so that N replicas
 * refuse at the limit of one. Times are the server clock's epoch milliseconds: tests move that clock.
 */

/** What a counter limits: attempts per client address, failures in a row per email or address, sign-ups. */
export type LimitKind = "login-ip" | "login-failures-email" | "login-failures-ip" | "registration-ip";

export interface CounterRef {
  kind: LimitKind;
  key: string;
}

export interface CounterState {
  /** Attempts in the current window, or failures in a row. */
  count: number;
  /** When the latest failure was counted; undefined for attempt windows. */
  lastFailureAt: number | undefined;
  /** When the window ends, or the failures are forgotten. */
  expiresAt: number;
}

/** The counter after one more attempt, and the state of the counters read with it. */
export interface CountedAttempt {
  attempts: CounterState;
  read: (CounterState | undefined)[];
}

export interface LimitStore {
  /**
   * Counts one attempt in `counter`'s fixed window (a new one of `windowMs` when the last has ended) and reads the
   * counters of `alsoRead` (undefined for those without live state), atomically in one round trip.
   */
  countAttempt(
    counter: CounterRef,
    at: number,
    windowMs: number,
    alsoRead: readonly CounterRef[],
  ): Promise<CountedAttempt>;
  /** Counts one failure in a row, starting again from one when the earlier ones have been forgotten. */
  recordFailure(counter: CounterRef, at: number, forgetAfterMs: number): Promise<CounterState>;
  /** The counter's state, or undefined when it has none or it has expired at `at`. */
  read(counter: CounterRef, at: number): Promise<CounterState | undefined>;
  clear(counter: CounterRef): Promise<void>;
}

export class MemoryLimitStore implements LimitStore {
  private readonly counters = new Map<string, CounterState>();

  constructor(private readonly maxKeys = 100_000) {}

  countAttempt(
    counter: CounterRef,
    at: number,
    windowMs: number,
    alsoRead: readonly CounterRef[],
  ): Promise<CountedAttempt> {
    const known = this.live(counter, at);
    const attempts =
      known === undefined
        ? { count: 1, lastFailureAt: undefined, expiresAt: at + windowMs }
        : { ...known, count: known.count + 1 };
    this.store(counter, attempts, known === undefined, at);
    return Promise.resolve({ attempts, read: alsoRead.map((other) => this.live(other, at)) });
  }

  recordFailure(counter: CounterRef, at: number, forgetAfterMs: number): Promise<CounterState> {
    const known = this.live(counter, at);
    const state = { count: (known?.count ?? 0) + 1, lastFailureAt: at, expiresAt: at + forgetAfterMs };
    this.store(counter, state, known === undefined, at);
    return Promise.resolve(state);
  }

  read(counter: CounterRef, at: number): Promise<CounterState | undefined> {
    return Promise.resolve(this.live(counter, at));
  }

  clear(counter: CounterRef): Promise<void> {
    this.counters.delete(keyOf(counter));
    return Promise.resolve();
  }

  private live(counter: CounterRef, at: number): CounterState | undefined {
    const state = this.counters.get(keyOf(counter));
    return state === undefined || state.expiresAt <= at ? undefined : state;
  }

  private store(counter: CounterRef, state: CounterState, isNew: boolean, at: number): void {
    if (isNew && this.counters.size >= this.maxKeys) {
      for (const [key, known] of this.counters) if (known.expiresAt <= at) this.counters.delete(key);
    }
    this.counters.set(keyOf(counter), state);
  }
}

function keyOf({ kind, key }: CounterRef): string {
  return `${kind}\u0000${key}`;
}
