import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The CLI tests start Node with tsx; on two busy cores that can take a few seconds each.
    testTimeout: 30_000,
  },
});
