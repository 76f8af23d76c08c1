// What the browser tests need: a fresh build of the dashboard, the real server (on an in-memory database and the
// sandbox cluster) serving it, and Debian's Chromium driven by playwright-core.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, onTestFailed } from "vitest";
import { createWebAssetsHandler, type RunningServer } from "@babyhelm/server";
import { startTestServer } from "@babyhelm/server/testing";

export const CHROMIUM_PATH = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM_PATH);
export const SKIP_MESSAGE = `Browser tests skipped: no Chromium at ${CHROMIUM_PATH} (install it with "apt-get install -y chromium").`;

const webDir = fileURLToPath(new URL("../../", import.meta.url));
export const distDir = join(webDir, "dist");
export const screenshotDir = join(webDir, "test-output", "screenshots");

export const PASSWORD = "a long and unusual passphrase";

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

/** `vite build` (into dist/ unless told), as `pnpm build` does, so the test serves exactly what would be deployed. */
export async function buildDashboard(outDir = distDir): Promise<void> {
  const vite = join(dirname(createRequire(import.meta.url).resolve("vite/package.json")), "bin", "vite.js");
  await promisify(execFile)(process.execPath, [vite, "build", "--logLevel", "warn", "--outDir", outDir], {
    cwd: webDir,
    // Vitest sets NODE_ENV=test, which would give React's development build.
    env: { ...process.env, NODE_ENV: "production" },
  });
}

export interface Stack {
  server: RunningServer;
  browser: Browser;
  url: string;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** How long sandbox pods take to become Ready (default 200 ms): longer to watch a rollout's progress bar. */
  sandboxReadyDelayMs?: number;
  /** BABYHELM_PACKS of the stack's server: pack modules offered beside the built-in packs. */
  packModules?: readonly string[];
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const buildRoot = mkdtempSync(join(tmpdir(), "babyhelm-web-e2e-"));
  // Each stack builds into a folder of its own: test files run in parallel, and one build empties its folder first.
  const builtDir = join(buildRoot, "dist");
  await buildDashboard(builtDir);
  const running = await startTestServer({
    sandboxReadyDelayMs: options.sandboxReadyDelayMs ?? 200,
    // Resolved from this package, as `npm start` resolves them from its folder: apps/web depends on the examples.
    ...(options.packModules === undefined ? {} : { env: { BABYHELM_PACKS: options.packModules.join(",") } }),
    http: { fallback: createWebAssetsHandler(builtDir) },
  });
  const { server } = running;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  mkdirSync(screenshotDir, { recursive: true });
  return {
    server,
    browser,
    url: server.url,
    stop: async () => {
      await browser.close().catch(() => undefined);
      await running.stop();
      rmSync(buildRoot, { recursive: true, force: true });
    },
  };
}

/**
 * One stack for the test file: started before its tests, stopped after them. Call it at the top of a describe block;
 * the returned function gives the running stack inside tests.
 */
export function useStack(options: StackOptions = {}): () => Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack(options);
  });
  afterAll(async () => {
    await stack?.stop();
    console.log(`Screenshots: ${screenshotDir}`);
  });
  return () => {
    if (stack === undefined) throw new Error("The browser test stack has not started.");
    return stack;
  };
}

/** A full-page screenshot in test-output/screenshots/, named by step. */
export async function snap(page: Page, name: string): Promise<void> {
  // Toasts fade after a few seconds; wait for web fonts and layout, not for them.
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/**
 * A page in a context of its own, for the current test. When the test fails, what the page showed is photographed
 * and its URL and accessibility tree printed: CI keeps the log, not the screenshots.
 */
export async function openPage(
  stack: Stack,
  prefix: string,
  viewport = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stack.browser.newContext({ viewport, baseURL: stack.url });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  onTestFailed(async ({ task }) => {
    await snap(page, `${prefix}-failed-${task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(
      () => undefined,
    );
    const tree = await page
      .locator("body")
      .ariaSnapshot({ timeout: 2_000 })
      .catch((error: unknown) => `(no snapshot: ${String(error)})`);
    console.error(`[failed page] ${page.url()}\n${tree.slice(0, 6_000)}`);
  });
  // A page's own errors explain a failed step better than the timeout that follows them.
  page.on("pageerror", (error) => {
    console.error(`[page error] ${error.message}`);
  });
  page.on("console", (message) => {
    if (message.type() === "error") console.error(`[console] ${message.text()}`);
  });
  return { context, page };
}

/** Registers `email` with PASSWORD and waits for the projects page it lands on. */
export async function register(page: Page, email: string): Promise<void> {
  await page.goto("/register");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account", exact: true }).click();
  await page.waitForURL(/\/projects$/);
}

/** The axe-core rule tags checked: WCAG 2.0 and 2.1, levels A and AA, as the walkthrough did. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/**
 * axe-core's WCAG 2.1 A/AA violations on what the page shows now, one entry per rule: its id, impact, what to do,
 * and the selector of each element at fault with axe's own summary of why. No rule is disabled.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  // Colours are measured as painted: let fades and slides (toasts, dialogs) end; endless spinners are left alone.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return violations.map((violation) =>
    [
      `${violation.id} (${violation.impact ?? "no impact given"}): ${violation.help} — ${violation.helpUrl}`,
      ...violation.nodes.map(
        (node) =>
          `  at ${node.target.map((selector) => JSON.stringify(selector)).join(" > ")}\n` +
          `     ${(node.failureSummary ?? "").replace(/\n\s*/g, " ")}`,
      ),
    ].join("\n"),
  );
}

/**
 * Checks the page with axe-core and fails the test with every violation found. The failure is soft: the test goes
 * on, so one run lists every inaccessible state, each under its `name` (the screenshot of the same step).
 */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const violations = await accessibilityViolations(page);
  expect.soft(violations.join("\n"), `axe: WCAG 2.1 A/AA violations on "${name}" (${page.url()})`).toBe("");
}
