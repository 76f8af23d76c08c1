#!/usr/bin/env node
// Prints the JavaScript a browser downloads before it can show each first-visit page (the entry chunk, the chunks
// it imports, and the page's own chunk when it is loaded lazily), gzipped, and fails above the budget.
// Run after `vite build` (`pnpm size` does both).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET_BYTES = 200 * 1024;
const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const manifestPath = join(dist, ".vite", "manifest.json");
if (!existsSync(manifestPath)) {
  console.error(
    `No build manifest at ${manifestPath}: run "pnpm build" (or "pnpm size", which builds) first.`,
  );
  process.exit(2);
}
/** @type {Record<string, { file: string; imports?: string[]; css?: string[]; isEntry?: boolean; isDynamicEntry?: boolean }>} */
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));

const pages = [
  ["landing (/)", "src/pages/landing.tsx"],
  ["sign in (/login)", "src/pages/login.tsx"],
  ["register (/register)", "src/pages/register.tsx"],
];

const gzipped = new Map();
function gzipSize(file) {
  if (!gzipped.has(file)) gzipped.set(file, gzipSync(readFileSync(join(dist, file)), { level: 9 }).length);
  return gzipped.get(file);
}

/** The chunk `key` and every chunk it imports statically (those are fetched before it runs). */
function closure(key, files = new Set(), css = new Set()) {
  const chunk = manifest[key];
  if (chunk === undefined || files.has(chunk.file)) return { files, css };
  files.add(chunk.file);
  for (const sheet of chunk.css ?? []) css.add(sheet);
  for (const imported of chunk.imports ?? []) closure(imported, files, css);
  return { files, css };
}

const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry);
if (entryKey === undefined) {
  console.error("The build manifest names no entry chunk.");
  process.exit(2);
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
let failed = false;
console.log(`Initial JavaScript per page, gzipped (budget ${kb(BUDGET_BYTES)}):`);
for (const [label, source] of pages) {
  const { files, css } = closure(entryKey);
  const lazy = manifest[source]?.isDynamicEntry === true;
  if (lazy) closure(source, files, css);
  const js = [...files].reduce((sum, file) => sum + gzipSize(file), 0);
  const styles = [...css].reduce((sum, file) => sum + gzipSize(file), 0);
  const over = js > BUDGET_BYTES;
  failed ||= over;
  console.log(
    `  ${label.padEnd(22)} ${kb(js).padStart(9)} JS in ${files.size} file(s)${lazy ? " (page loaded lazily)" : ""}, ${kb(styles)} CSS${over ? "  OVER BUDGET" : ""}`,
  );
}
const lazyPages = Object.entries(manifest).filter(([, chunk]) => chunk.isDynamicEntry);
console.log(
  `Pages loaded on first visit (not in the figures above): ${lazyPages.map(([key]) => key.replace(/^src\/pages\//, "")).join(", ")}`,
);
if (failed) {
  console.error(
    `A first-visit page needs more than ${kb(BUDGET_BYTES)} of JavaScript: load more of it lazily.`,
  );
  process.exit(1);
}
