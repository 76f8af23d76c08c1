import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "components",
          include: ["test/components/**/*.test.tsx", "test/lib/**/*.test.ts"],
          environment: "happy-dom",
          setupFiles: ["test/support/setup-dom.ts"],
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
