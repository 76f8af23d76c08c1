// Timers and the work queue every simulated controller shares. Nothing here keeps the process alive (timers are
// unref'd, the queue only ever waits one turn) and `stop()` cancels all of it, so a sandbox can be dropped at any moment.

type Work = () => void;

/**
 * Keyed one-shot timers. Scheduling a key again replaces its previous timer, which is what controllers want: only the
 * latest "check again at T" for an object matters.
 */
export class Timers {
  private readonly keyed = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  schedule(key: string, delayMs: number, work: Work): void {
    if (this.stopped) return;
    this.cancel(key);
    const handle = setTimeout(
      () => {
        this.keyed.delete(key);
        work();
      },
      Math.max(0, delayMs),
    );
    handle.unref();
    this.keyed.set(key, handle);
  }

  has(key: string): boolean {
    return this.keyed.has(key);
  }

  cancel(key: string): void {
    const handle = this.keyed.get(key);
    if (handle) clearTimeout(handle);
    this.keyed.delete(key);
  }

  /** Cancels every key starting with `prefix` (all timers of one object). */
  cancelPrefix(prefix: string): void {
    for (const key of [...this.keyed.keys()]) if (key.startsWith(prefix)) this.cancel(key);
  }

  stop(): void {
    this.stopped = true;
    for (const handle of this.keyed.values()) clearTimeout(handle);
    this.keyed.clear();
  }
}

/**
 * Deduplicating work queue, flushed on the next turn of the event loop. Store events arrive synchronously inside the
 * writer's call, so controllers never write from a listener: they queue a reconcile, and many events for one object
 * collapse into one reconcile (like client-go's workqueue). A reconcile that throws (it lost a race with another
 * writer) is retried a few times with a short delay, then reported as a process warning.
 */
export class WorkQueue {
  private readonly pending = new Map<string, Work>();
  private readonly failures = new Map<string, number>();
  private flushHandle: NodeJS.Immediate | undefined;
  private stopped = false;

  constructor(private readonly timers: Timers) {}

  add(key: string, work: Work): void {
    if (this.stopped) return;
    this.pending.set(key, work);
    if (this.flushHandle) return;
    // Not unref'd, unlike the timers: an unref'd immediate does not stop libuv from blocking in poll, so queued work
    // would wait for the next unrelated I/O or timer. It runs on the next turn anyway and cannot keep a process alive.
    this.flushHandle = setImmediate(() => {
      this.flush();
    });
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
    if (this.flushHandle) clearImmediate(this.flushHandle);
    this.flushHandle = undefined;
  }

  private flush(): void {
    this.flushHandle = undefined;
    const batch = [...this.pending];
    this.pending.clear();
    for (const [key, work] of batch) {
      if (this.stopped) return;
      try {
        work();
        this.failures.delete(key);
      } catch (error) {
        const failures = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, failures);
        if (failures <= RETRIES) {
          this.timers.schedule(`retry:${key}`, RETRY_DELAY_MS * failures, () => {
            this.add(key, work);
          });
        } else {
          this.failures.delete(key);
          process.emitWarning(
            `kube-sandbox simulation: ${key} failed: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
    }
  }
}

const RETRIES = 3;
const RETRY_DELAY_MS = 50;
