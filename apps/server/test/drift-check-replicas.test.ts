// Two servers on one database and one cluster, as two replicas: the periodic drift check (with its orphan pass) runs
// on one of them at a time, and objects of an app that has no row go once ORPHAN_GRACE_SECONDS old, not before.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, waitFor } from "@babyhelm/api/testing";
import type { Db } from "@babyhelm/db";
import { testBackends } from "@babyhelm/db/testing";
import { startSandbox, type Sandbox } from "@babyhelm/kube-sandbox";
import { startHarness, uniqueName, type Harness } from "./support/harness.js";
import { createOrphanService } from "./support/orphans.js";

const ORPHAN_GRACE_SECONDS = 2;
/** How long each orphan pass's reads of the cache take here: long enough that two unguarded checks would overlap. */
const SLOW_READ_MS = 300;

type CheckEvent = { replica: number; kind: "reading" | "done" };

for (const backend of testBackends()) {
  describe.skipIf(backend.skipReason !== undefined)(`two replicas on ${backend.name}`, () => {
    let db: Db;
    let sandbox: Sandbox;
    const replicas: Harness[] = [];
    const events: CheckEvent[] = [];
    let project: string;

    beforeAll(async () => {
      db = await backend.open();
      sandbox = await startSandbox({ readyDelayMs: 20 });
      for (const replica of [0, 1]) {
        // The end of a check is its last log line, written while it still holds the lock.
        const log = new Writable({
          write(chunk: Buffer, _encoding, done) {
            for (const line of chunk.toString().split("\n")) {
              if (/"msg":"drift check[ :]/.test(line)) events.push({ replica, kind: "done" });
            }
            done();
          },
        });
        const harness = await startHarness(db, {
          sandbox,
          logger: createLogger("debug", log),
          env: {
            DRIFT_CHECK_INTERVAL_SECONDS: "1",
            ORPHAN_GRACE_SECONDS: String(ORPHAN_GRACE_SECONDS),
          },
        });
        const { clusterState } = harness.server.services;
        const list = clusterState.list.bind(clusterState);
        clusterState.list = async (...args: Parameters<typeof list>) => {
          // The orphan pass's reads: every object with an app label in a project's namespace.
          if (args[2]?.labelSelector?.endsWith(",babyhelm.io/app") === true) {
            events.push({ replica, kind: "reading" });
            await new Promise((resolve) => setTimeout(resolve, SLOW_READ_MS));
          }
          return list(...args);
        };
        replicas.push(harness);
      }
      const owner = await replicas[0]!.newUser("replicas");
      project = uniqueName("replicas");
      await owner.client.projects.create.mutate({ name: project });
    });

    afterAll(async () => {
      for (const replica of replicas) await replica.stop();
      await sandbox?.stop();
      await db?.close();
    });

    it("runs the drift check on one replica at a time", async () => {
      const from = events.length;
      await waitFor(
        () => (events.slice(from).filter((event) => event.kind === "done").length >= 8 ? true : undefined),
        { what: "eight drift checks", timeoutMs: 60_000 },
      );
      // Between a check's first read and its end, nothing of the other replica's check.
      let running: number | undefined;
      for (const event of events.slice(from)) {
        if (event.kind === "reading") {
          if (running === undefined) running = event.replica;
          expect(event.replica, "a read of another replica's check while one runs").toBe(running);
        } else if (running !== undefined) {
          expect(event.replica, "the end of a check that was not running").toBe(running);
          running = undefined;
        }
      }
    });

    it(`removes objects of an app without a row once ${ORPHAN_GRACE_SECONDS} s old, not before`, async () => {
      // What a create leaves when its replica dies after applying and before committing: labelled objects, no row.
      createOrphanService(sandbox, project, "ghost");
      const created = Date.parse(sandbox.store.get("services", project, "ghost")!.metadata.creationTimestamp);
      await waitFor(
        () => (sandbox.store.get("services", project, "ghost") === undefined ? true : undefined),
        {
          what: "the orphan's removal",
          // The grace, plus a check period, plus time to spare on a loaded machine.
          timeoutMs: 60_000,
          intervalMs: 20,
        },
      );
      expect(Date.now() - created).toBeGreaterThanOrEqual(ORPHAN_GRACE_SECONDS * 1000);
    });
  });
}
