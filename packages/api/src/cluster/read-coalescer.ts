// Identical cluster reads asked for while none of them has been sent yet go out once and share the answer. Every
// caller's read is sent after the caller asked, so each sees every write that finished before it asked (no
// staleness, unlike a cache); under load, the dozens of `apps.list` calls that reach the cluster in one turn of the
// event loop cost one list and one JSON parse instead of one each.
export class ReadCoalescer {
  private readonly queued = new Map<string, Promise<unknown>>();

  /** Callers share the answer: they must not change it. */
  read<T>(key: string, send: () => Promise<T>): Promise<T> {
    const queued = this.queued.get(key);
    if (queued !== undefined) return queued as Promise<T>;
    const read = new Promise<void>((resolve) => {
      setImmediate(resolve);
    }).then(() => {
      // Sent now: whoever asks from here on gets a read of their own.
      this.queued.delete(key);
      return send();
    });
    this.queued.set(key, read);
    return read;
  }
}
