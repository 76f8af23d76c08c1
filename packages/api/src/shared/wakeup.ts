// A flag that a producer raises and a consumer waits for, up to a timeout: how streams that work something out again
// on every change of the cluster cache sleep between changes without polling.
import { pause } from "./pause.js";

export class Wakeup {
  private pending = false;
  private resolve: (() => void) | undefined;

  /** Raises the flag, waking a wait() in progress. */
  notify(): void {
    this.pending = true;
    this.resolve?.();
  }

  /** Returns at once when the flag is up (and lowers it); otherwise when notified, after `timeoutMs`, or on abort. */
  async wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (!this.pending) {
      const stop = new AbortController();
      const onAbort = () => {
        stop.abort();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.resolve = onAbort;
      await pause(timeoutMs, stop.signal);
      signal.removeEventListener("abort", onAbort);
      this.resolve = undefined;
    }
    this.pending = false;
  }
}
