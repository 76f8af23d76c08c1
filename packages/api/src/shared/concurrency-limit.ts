/**
 * Counts what each key holds open at once (a user's log streams), in memory: a stream lives on one replica, so
 * each replica bounds the streams it serves.
 */
export class ConcurrencyLimit {
  private readonly held = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** Takes a slot for `key`: a release function (safe to call twice), or undefined when `key` holds them all. */
  acquire(key: string): (() => void) | undefined {
    const count = this.held.get(key) ?? 0;
    if (count >= this.limit) return undefined;
    this.held.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left <= 0) this.held.delete(key);
      else this.held.set(key, left);
    };
  }

  count(key: string): number {
    return this.held.get(key) ?? 0;
  }
}

/**
 * `source`, calling `release` once it ends, fails or is abandoned. The abort signal covers a stream abandoned before
 * its first item is asked for: a generator's `finally` only runs once the generator has started.
 */
export async function* releasingAfter<T>(
  source: AsyncIterable<T>,
  release: () => void,
  signal: AbortSignal,
): AsyncGenerator<T> {
  signal.addEventListener("abort", release, { once: true });
  try {
    yield* source;
  } finally {
    signal.removeEventListener("abort", release);
    release();
  }
}
