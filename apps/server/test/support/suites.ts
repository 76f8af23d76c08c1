import { afterAll, beforeAll, describe } from "vitest";
import type { Db } from "@babyhelm/db";
import { testBackends } from "@babyhelm/db/testing";
import { startHarness, type Harness } from "./harness.js";

export interface Suite {
  db: Db;
  harness: Harness;
}

/**
 * One describe block per database backend (PGlite, and PostgreSQL where one is configured), each with a fresh
 * database and a running server. The fields are set by the time the tests run.
 */
export function onEveryBackend(
  title: string,
  body: (suite: Suite) => void,
  options: Parameters<typeof startHarness>[1] = {},
): void {
  for (const backend of testBackends()) {
    describe.skipIf(backend.skipReason !== undefined)(`${title} on ${backend.name}`, () => {
      const suite = {} as Suite;
      beforeAll(async () => {
        suite.db = await backend.open();
        suite.harness = await startHarness(suite.db, options);
      });
      afterAll(async () => {
        await suite.harness?.stop();
        await suite.db?.close();
      });
      body(suite);
    });
  }
}
