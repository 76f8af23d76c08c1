// Embedded PGlite on disk: the folder holds password and token hashes and sealed secrets, so only its owner reads it.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "../src/index.js";

const parent = mkdtempSync(join(tmpdir(), "babyhelm-db-"));
afterAll(() => {
  rmSync(parent, { recursive: true, force: true });
});

describe("PGlite's data folder", () => {
  it("is made readable by its owner only, and an existing one is tightened", async () => {
    const fresh = join(parent, "fresh");
    const loose = join(parent, "loose");
    mkdirSync(join(loose, "pglite"), { recursive: true });
    chmodSync(join(loose, "pglite"), 0o755);
    for (const dataDir of [fresh, loose]) {
      const db = await createDb({ dataDir });
      try {
        await db.ping();
        expect(statSync(join(dataDir, "pglite")).mode & 0o777).toBe(0o700);
      } finally {
        await db.close();
      }
    }
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
  });
});
