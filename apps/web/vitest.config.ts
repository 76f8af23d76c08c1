import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The browser tests mostly wait (on rollouts, on Chromium): two files at a time even on a two-core machine,
    // where the default would run them one by one. Each e2e stack builds into a folder of its own.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: "components",
          include: ["test/components/**/*.test.tsx", "test/lib/**/*.test.ts"],
          environment: "happy-dom",
          setupFiles: ["test/support/setup-dom.ts"],
          globalSetup: ["test/support/packs.setup.ts"],
          // The form tests type key by key through user-event into default@2.1's longer form: a few seconds each
          // alone, more on a loaded machine, where vitest's 5 s default fails them.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "node",
          include: ["test/server/**/*.test.ts", "test/e2e/**/*.test.ts"],
          environment: "node",
          // The e2e suite builds the app, starts a server on PGlite and drives Chromium: generous timeouts.
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
