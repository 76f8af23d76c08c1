// Streams (rollout progress, logs) end when their client leaves or when this server stops. A stop ends them as a
// lost connection would, without tRPC's "return" event, so that the client reconnects (the load balancer sends it to
// another replica) with the id of the last event it got, and the stream resumes there.

/** The signal a stream runs under: aborted when its client leaves or the server stops. */
export function streamSignal(stopping: AbortSignal, signal: AbortSignal | undefined): AbortSignal {
  return signal === undefined ? stopping : AbortSignal.any([signal, stopping]);
}

/** `events`, ended on a stop with an AbortError, which tRPC's SSE turns into an end the client reconnects after. */
export async function* reconnectingOnStop<T>(
  events: AsyncIterable<T>,
  stopping: AbortSignal,
): AsyncGenerator<T> {
  yield* events;
  if (stopping.aborted) throw new DOMException("This server is shutting down: reconnect.", "AbortError");
}
