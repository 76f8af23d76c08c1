import { useCallback, useEffect, useState, type RefObject } from "react";

/**
 * Returns a function to call when a submit was refused: after the next render it moves the focus to the first
 * field marked invalid, so that a keyboard or screen-reader user lands on the problem (its error is part of the
 * field's description) instead of hunting for it.
 */
export function useFocusFirstInvalid(form: RefObject<HTMLFormElement | null>): () => void {
  const [refusals, setRefusals] = useState(0);
  useEffect(() => {
    if (refusals > 0) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form, refusals]);
  return useCallback(() => {
    setRefusals((count) => count + 1);
  }, []);
}
