// How the benches print figures: aligned columns, milliseconds with one decimal below 10.

export const ms = (value: number): string => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

export const perSecond = (value: number): string => Math.round(value).toLocaleString("en-US");

/** The first cell left-aligned, the others right-aligned, each padded to its width. */
export function row(cells: string[], widths: number[]): string {
  return cells
    .map((cell, index) => (index === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[index] ?? 0)))
    .join("  ");
}
