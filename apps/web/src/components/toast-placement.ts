// Where the toasts go on screen: in a band of the viewport where they cover no button, link or field. A fixed corner
// cannot promise that: the page's actions sit at the bottom of forms, at the top right of headers, and on a phone a
// toast spans the whole width.
import { useLayoutEffect, useRef, type RefObject } from "react";

const INTERACTIVE = "button, a[href], input, select, textarea, summary, [role='button'], [tabindex='0']";
/** Distance kept from the viewport's edges and from the controls around the toasts. */
const MARGIN = 16;
/** How finely free bands are searched, in pixels. */
const STEP = 8;

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/**
 * The top of the lowest band (searching upwards from the bottom) at which a box of `width` × `height`, at the
 * viewport's right edge or else its left edge, meets none of `obstacles`; undefined when every band meets one.
 */
export function findFreeSpot(
  viewport: { width: number; height: number },
  size: { width: number; height: number },
  obstacles: readonly Box[],
): { top: number; left: number } | undefined {
  const lefts = [viewport.width - MARGIN - size.width, MARGIN];
  for (let top = viewport.height - MARGIN - size.height; top >= MARGIN; top -= STEP) {
    for (const left of lefts) {
      // The margin around the box keeps a toast from touching a button, so each stays easy to hit.
      const box = {
        left: left - MARGIN / 2,
        top: top - MARGIN / 2,
        right: left + size.width + MARGIN / 2,
        bottom: top + size.height + MARGIN / 2,
      };
      if (!obstacles.some((obstacle) => overlaps(box, obstacle))) return { top, left };
    }
  }
  return undefined;
}

/**
 * A ref for the toast stack that keeps it off every visible control while there are `count` toasts, on scroll and
 * resize too.
 */
export function useToastPlacement(count: number): RefObject<HTMLDivElement | null> {
  const container = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const element = container.current;
    if (element === null || count === 0) return;
    let frame = 0;
    const place = () => {
      frame = 0;
      const obstacles: Box[] = [];
      for (const control of document.querySelectorAll(INTERACTIVE)) {
        if (element.contains(control)) continue;
        const box = control.getBoundingClientRect();
        if (box.width > 0 && box.height > 0) obstacles.push(box);
      }
      // Placed by top and left only, so that its size is its content's, whatever was set before.
      element.style.right = "auto";
      element.style.bottom = "auto";
      const size = element.getBoundingClientRect();
      const viewport = { width: document.documentElement.clientWidth, height: window.innerHeight };
      const spot = findFreeSpot(viewport, { width: size.width, height: size.height }, obstacles);
      // No free band (a screen full of controls): the bottom corner, where a toast is expected.
      const { top, left } = spot ?? {
        top: viewport.height - MARGIN - size.height,
        left: viewport.width - MARGIN - size.width,
      };
      element.style.top = `${Math.max(MARGIN, top)}px`;
      element.style.left = `${Math.max(MARGIN, left)}px`;
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(place);
    };
    place();
    // Controls move when the page scrolls, resizes, or changes (a confirmation opening, a list loading).
    const observer = new MutationObserver(schedule);
    observer.observe(document.body, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ["class"],
    });
    window.addEventListener("scroll", schedule, { passive: true });
    window.addEventListener("resize", schedule);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
      window.removeEventListener("scroll", schedule);
      window.removeEventListener("resize", schedule);
    };
  }, [count]);
  return container;
}
