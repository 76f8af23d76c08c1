// After an in-app navigation, focus goes to the new page's h1: a screen reader then reads where the person arrived,
// and the next Tab starts from the page's top rather than from a link that is gone. Not on the first load (the
// browser starts at the top already), and not for tab bars inside a page, where focus stays on the chosen tab.
import { useEffect, useRef } from "react";
import { useLocation } from "react-router";

/** Long enough for a page's data to arrive and its heading to render; after that, the person has moved on. */
const HEADING_WAIT_MS = 10_000;

export function useFocusHeadingAfterNavigation(): void {
  const { pathname } = useLocation();
  const firstLoad = useRef(true);
  useEffect(() => {
    if (firstLoad.current) {
      firstLoad.current = false;
      return;
    }
    const from = document.activeElement;
    if (from?.closest("nav.tabs") != null) return;
    const main = document.getElementById("main");
    if (main === null) return;
    const focusHeading = (): boolean => {
      const heading = main.querySelector("h1");
      if (heading === null) return false;
      // Someone who already went on (typing in a field, another link) keeps their place.
      const current = document.activeElement;
      if (current !== from && current !== document.body && current !== null) return true;
      if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
      return true;
    };
    if (focusHeading()) return;
    // The page's heading comes with its data (a project's name): wait for it.
    const observer = new MutationObserver(() => {
      if (focusHeading()) observer.disconnect();
    });
    observer.observe(main, { childList: true, subtree: true });
    const timer = setTimeout(() => {
      observer.disconnect();
    }, HEADING_WAIT_MS);
    return () => {
      observer.disconnect();
      clearTimeout(timer);
    };
  }, [pathname]);
}
