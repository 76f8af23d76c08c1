import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A PGlite instance takes 3-4 s to start and argon2 is deliberately slow: shared per file, generous timeouts.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
