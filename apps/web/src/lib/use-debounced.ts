import { useEffect, useState } from "react";

/**
 * `value` once it has stopped changing for `delayMs` (compared by its JSON, so a rebuilt but equal object does not
 * restart the wait). For requests made as the person types.
 */
export function useDebounced<Value>(value: Value, delayMs: number): Value {
  const [settled, setSettled] = useState(value);
  const key = JSON.stringify(value);
  useEffect(() => {
    const timer = setTimeout(() => {
      setSettled(value);
    }, delayMs);
    return () => {
      clearTimeout(timer);
    };
    // `key` stands for `value`: a new object with the same content is no change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, delayMs]);
  return settled;
}
