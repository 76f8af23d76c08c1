// Warns before leaving a form with unsaved changes: the browser's own prompt for a reload or closing the tab, and a
// question of ours for a link inside the dashboard. Moving between the tabs of one page (`?tab=`) is not leaving.
import { useEffect, useRef } from "react";
import { useBlocker } from "react-router";

/** Renders the question while a navigation waits; `allowLeaving()` lets the next one through (after a save). */
export function useLeaveGuard(dirty: boolean, what: string) {
  const allowed = useRef(false);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirty && !allowed.current && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => {
      window.removeEventListener("beforeunload", warn);
    };
  }, [dirty]);

  const question =
    blocker.state === "blocked" ? (
      <div className="notice leave-question" role="alertdialog" aria-label="Unsaved changes">
        <p>
          You have unsaved {what}. They stay on this browser as a draft until you discard them. Leave this
          page?
        </p>
        <div className="form-actions">
          <button
            type="button"
            className="button button-small button-secondary"
            onClick={() => {
              blocker.reset();
            }}
          >
            Stay
          </button>
          <button
            type="button"
            className="button button-small button-quiet"
            onClick={() => {
              blocker.proceed();
            }}
          >
            Leave
          </button>
        </div>
      </div>
    ) : null;
  return {
    question,
    allowLeaving: () => {
      allowed.current = true;
    },
  };
}
