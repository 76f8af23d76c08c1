/**
 * Runs `work` every `intervalMs` until stopped, never two runs at once in this process: a run that outlasts the
 * interval delays the next. `work` reports its own failures. The timer does not keep the process alive.
 */
export function repeatEvery(intervalMs: number, work: () => Promise<void>): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(work);
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
