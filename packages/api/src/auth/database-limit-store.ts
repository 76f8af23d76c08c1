import type { Kysely } from "kysely";
import type { Database } from "@babyhelm/db";
import {
  countAttemptAndRead,
  deleteCounter,
  deleteExpiredCounters,
  readCounter,
  recordCounterFailure,
} from "./limit-counter.repository.js";
import type { CountedAttempt, CounterRef, CounterState, LimitStore } from "./limit-store.js";

const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * The counters in PostgreSQL, shared by every replica. Expired rows are swept lazily: once per `sweepEveryMs`
 * (the first after that long) an attempt starts a sweep in the background, so that no request waits for it.
 */
export class DatabaseLimitStore implements LimitStore {
  private nextSweepAt: number | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onSweepError: (error: unknown) => void = () => undefined,
    private readonly sweepEveryMs = SWEEP_EVERY_MS,
  ) {}

  countAttempt(
    counter: CounterRef,
    at: number,
    windowMs: number,
    alsoRead: readonly CounterRef[],
  ): Promise<CountedAttempt> {
    this.nextSweepAt ??= at + this.sweepEveryMs;
    if (at >= this.nextSweepAt) {
      this.nextSweepAt = at + this.sweepEveryMs;
      // A failed sweep is tried again at the next one; the rows it left count for nothing meanwhile.
      deleteExpiredCounters(this.db, new Date(at)).catch(this.onSweepError);
    }
    return countAttemptAndRead(this.db, counter, new Date(at), new Date(at + windowMs), alsoRead);
  }

  recordFailure(counter: CounterRef, at: number, forgetAfterMs: number): Promise<CounterState> {
    return recordCounterFailure(this.db, counter, new Date(at), new Date(at + forgetAfterMs));
  }

  read(counter: CounterRef, at: number): Promise<CounterState | undefined> {
    return readCounter(this.db, counter, new Date(at));
  }

  clear(counter: CounterRef): Promise<void> {
    return deleteCounter(this.db, counter);
  }
}
