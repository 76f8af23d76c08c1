import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A server per file (PGlite takes seconds to start) and child processes started with tsx on busy cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
