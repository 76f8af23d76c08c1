// The words a status live region says: they change when the state changes, not with every tick of a rollout, so a
// screen reader announces "Ready: 3/3 replicas ready" once rather than each replica on its way there.
import { useState } from "react";

/** `describe()` as it was when `state` last changed: read again only on a change of state. */
export function useStateAnnouncement(state: string, describe: () => string): string {
  const [latched, setLatched] = useState(() => ({ state, text: describe() }));
  if (latched.state === state) return latched.text;
  // Adjusting state while rendering, as React recommends for state derived from props.
  const next = { state, text: describe() };
  setLatched(next);
  return next.text;
}
