// Unsaved forms kept on this browser until saved or discarded: per signed-in user (another person on the browser
// never sees them), per app and per form, in localStorage, so that Back/Forward, a reload, a tab switch or a
// session that expired mid-edit do not lose them.
import { useState } from "react";
import { useMe } from "./session.js";

const PREFIX = "babyhelm.draft";

function keyOf(userId: string, parts: readonly string[]): string {
  return [PREFIX, userId, ...parts].map(encodeURIComponent).join(":");
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined; // storage disabled: drafts last as long as the page
  }
}

/** A kept draft, as stored by `write` under the same key (so of the caller's type). */
function read(key: string): unknown {
  const text = storage()?.getItem(key);
  if (text == null) return undefined;
  try {
    return (JSON.parse(text) as { value: unknown }).value;
  } catch {
    return undefined;
  }
}

function writeKept(key: string, value: unknown): void {
  try {
    storage()?.setItem(key, JSON.stringify({ value, savedAt: new Date().toISOString() }));
  } catch {
    // full or disabled: the draft lives on in the page
  }
}

/** Signing out ends the person's drafts on this browser. */
export function clearDraftsOf(userId: string): void {
  const store = storage();
  if (store === undefined) return;
  const prefix = `${keyOf(userId, [])}:`;
  const keys = Array.from({ length: store.length }, (_unused, index) => store.key(index));
  for (const key of keys) if (key?.startsWith(prefix)) store.removeItem(key);
}

export interface Draft<T> {
  value: T;
  set: (next: T) => void;
  /** Whether the value differs from what the form started from. */
  dirty: boolean;
  /** The value came from a draft kept earlier (a reload, another visit): the page says so and offers to discard. */
  restored: boolean;
  /** Back to `initial` (or a new starting point), the kept draft forgotten. */
  discard: (startFrom?: T) => void;
  /** Saved: the kept draft is no longer needed; the form starts again from `startFrom`. */
  saved: (startFrom: T) => void;
}

/**
 * A form's state, kept as a draft of the signed-in user under `parts` (e.g. project, app, form) whenever it differs
 * from `initial`; `isDirty` says what differs (by default, anything). `storable` gives what of the state may be
 * written to the browser's storage (secret values may not: the page keeps them only while it is open).
 */
export function useDraft<T>(
  parts: readonly string[],
  initial: T,
  isDirty: (value: T) => boolean = (value) => JSON.stringify(value) !== JSON.stringify(initial),
  storable: (value: T) => T = (value) => value,
): Draft<T> {
  const write = (key: string, value: T) => {
    writeKept(key, storable(value));
  };
  const userId = useMe().data?.id;
  const key = userId === undefined ? undefined : keyOf(userId, parts);
  const [state, setState] = useState(() => {
    const kept = key === undefined ? undefined : (read(key) as T | undefined);
    return { key, value: kept ?? initial, restored: kept !== undefined };
  });
  if (state.key !== key) {
    const kept = key === undefined ? undefined : (read(key) as T | undefined);
    if (kept !== undefined) setState({ key, value: kept, restored: true });
    else if (state.key === undefined) {
      // The user became known after the form opened: what was typed meanwhile is theirs.
      if (key !== undefined && isDirty(state.value)) write(key, state.value);
      setState({ ...state, key });
    } else setState({ key, value: initial, restored: false }); // another app or form: its own draft, or none
  }
  const dirty = isDirty(state.value);
  return {
    value: state.value,
    dirty,
    restored: state.restored && dirty,
    set: (next) => {
      setState((current) => ({ ...current, value: next }));
      if (key === undefined) return;
      if (isDirty(next)) write(key, next);
      else storage()?.removeItem(key);
    },
    discard: (startFrom = initial) => {
      if (key !== undefined) storage()?.removeItem(key);
      setState({ key, value: startFrom, restored: false });
    },
    saved: (startFrom) => {
      if (key !== undefined) storage()?.removeItem(key);
      setState({ key, value: startFrom, restored: false });
    },
  };
}
