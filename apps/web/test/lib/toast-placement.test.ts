// The toasts' spot: the lowest band of the viewport, right then left, that touches no control.
import { describe, expect, it } from "vitest";
import { findFreeSpot } from "../../src/components/toast-placement.js";

const desktop = { width: 1280, height: 800 };
const toast = { width: 384, height: 80 };

describe("findFreeSpot", () => {
  it("takes the bottom right corner when nothing is there", () => {
    expect(findFreeSpot(desktop, toast, [])).toEqual({ top: 800 - 16 - 80, left: 1280 - 16 - 384 });
  });

  it("moves to the left, then up, away from a form's buttons", () => {
    const save = { left: 1100, top: 700, right: 1250, bottom: 740 };
    expect(findFreeSpot(desktop, toast, [save])).toEqual({ top: 704, left: 16 });
    const wide = { left: 0, top: 650, right: 1280, bottom: 790 };
    const spot = findFreeSpot(desktop, toast, [wide])!;
    expect(spot.top + toast.height).toBeLessThanOrEqual(650 - 8);
  });

  it("on a phone, finds a band between controls spanning the width", () => {
    const phone = { width: 390, height: 844 };
    const full = { width: 358, height: 90 };
    const controls = [
      { left: 16, top: 100, right: 374, bottom: 140 },
      { left: 16, top: 700, right: 374, bottom: 840 },
    ];
    const spot = findFreeSpot(phone, full, controls)!;
    expect(spot.top).toBeGreaterThanOrEqual(140 + 8);
    expect(spot.top + full.height).toBeLessThanOrEqual(700 - 8);
  });

  it("says so when every band meets a control", () => {
    expect(findFreeSpot(desktop, toast, [{ left: 0, top: 0, right: 1280, bottom: 800 }])).toBeUndefined();
  });
});
