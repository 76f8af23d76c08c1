// What other people's pages learn: a crash loop in plain words with the crashed container's last lines and its
// previous logs, and an app deleted while its status is watched or read (NOT_FOUND saying who deleted it and when).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor, type LogLine } from "@babyhelm/api/testing";
import type { Db } from "@babyhelm/db";
import { testBackends } from "@babyhelm/db/testing";
import {
  errorOf,
  makeStreamingClient,
  startHarness,
  uniqueName,
  type ApiClient,
  type Harness,
} from "./support/harness.js";

/**
 * For one describe block: a server on `backend` with a project whose creator (`owner`) and viewer (`viewer`) both
 * hold streaming clients. The returned object is filled before the block's tests run.
 */
function projectWithViewer(
  backend: ReturnType<typeof testBackends>[number],
  prefix: string,
  harnessOptions?: Parameters<typeof startHarness>[1],
) {
  const state = {} as { db: Db; harness: Harness; owner: ApiClient; viewer: ApiClient; project: string };
  beforeAll(async () => {
    state.db = await backend.open();
    state.harness = await startHarness(state.db, harnessOptions);
    const creator = await state.harness.newUser(prefix);
    const watcher = await state.harness.newUser("watcher");
    state.owner = makeStreamingClient(state.harness.url, creator.cookies);
    state.viewer = makeStreamingClient(state.harness.url, watcher.cookies);
    state.project = uniqueName(prefix);
    await state.owner.projects.create.mutate({ name: state.project });
    await state.owner.members.add.mutate({ project: state.project, email: watcher.email, role: "viewer" });
  });
  afterAll(async () => {
    await state.harness?.stop();
    await state.db?.close();
  });
  return state;
}

for (const backend of testBackends()) {
  describe.skipIf(backend.skipReason !== undefined)(`app problems and deletion on ${backend.name}`, () => {
    const given = projectWithViewer(backend, "problems");

    it("reports a crash loop in plain words with the crashed container's last lines, and its previous logs", async () => {
      const { owner, viewer, project } = given;
      await owner.apps.create.mutate({
        project,
        name: "crashy",
        spec: { image: "crash.example/app:1", ports: [{ port: 8080 }] },
      });
      const status = await waitFor(
        async () => {
          const current = await viewer.apps.status.query({ project, name: "crashy" });
          return current.problem?.kind === "crash-loop" && current.problem.crash?.lastLines !== undefined
            ? current
            : undefined;
        },
        { what: "a crash loop with its last lines", timeoutMs: 30_000 },
      );
      expect(status.state).toBe("failed");
      expect(status.problem).toMatchObject({
        summary: expect.stringMatching(/^Container "\w+" keeps crashing: it exited with code 1 \(Error\)/),
        helps: { restart: false, redeploy: false },
        details: expect.stringMatching(/^CrashLoopBackOff: back-off/),
      });
      expect(status.problem?.crash?.lastLines?.at(-1)).toMatch(/FATAL .*exiting with status 1$/);

      const previous = await new Promise<LogLine[]>((resolve, reject) => {
        const lines: LogLine[] = [];
        viewer.apps.logs.subscribe(
          { project, name: "crashy", previous: true, tail: 3 },
          {
            onData: ({ data: line }) => lines.push(line),
            onComplete: () => {
              resolve(lines);
            },
            onError: reject,
          },
        );
      });
      expect(previous).toHaveLength(3);
      expect(previous.at(-1)?.line).toMatch(/FATAL .*exiting with status 1$/);
    });

    it("says which pods have no previous container", async () => {
      const { owner, viewer, project } = given;
      await owner.apps.create.mutate({
        project,
        name: "fine",
        spec: { image: "nginx:1.27", ports: [{ port: 80 }] },
      });
      await waitFor(
        async () =>
          (await viewer.apps.status.query({ project, name: "fine" })).state === "ready" ? true : undefined,
        { what: "a ready app" },
      );
      const lines = await new Promise<LogLine[]>((resolve, reject) => {
        const all: LogLine[] = [];
        viewer.apps.logs.subscribe(
          { project, name: "fine", previous: true },
          {
            onData: ({ data: line }) => all.push(line),
            onComplete: () => {
              resolve(all);
            },
            onError: reject,
          },
        );
      });
      expect(lines).toEqual([
        expect.objectContaining({
          notice: true,
          line: "No previous container: this pod's container has not restarted.",
        }),
      ]);
    });
  });

  // Pods that take minutes to start keep the rollout, and so the status stream, open while the app is deleted.
  describe.skipIf(backend.skipReason !== undefined)(
    `app deletion seen by a watcher on ${backend.name}`,
    () => {
      const given = projectWithViewer(backend, "deleter", { readyDelayMs: 240_000 });

      it("ends a watched status with NOT_FOUND naming who deleted the app, and reads of it say the same", async () => {
        const { owner, viewer, project } = given;
        await owner.apps.create.mutate({
          project,
          name: "doomed",
          spec: { image: "nginx:1.27", ports: [{ port: 80 }] },
        });
        const seen: string[] = [];
        const ended = new Promise<unknown>((resolve) => {
          viewer.apps.watchStatus.subscribe(
            { project, name: "doomed" },
            {
              onData: ({ data: status }) => seen.push(status.state),
              onError: resolve,
              onComplete: () => {
                resolve("completed");
              },
            },
          );
        });
        await waitFor(() => (seen.length > 0 ? true : undefined), { what: "a first status" });
        expect(seen).toEqual(["deploying"]);
        await owner.apps.delete.mutate({ project, name: "doomed" });
        const error = (await ended) as { data?: { code?: string; deleted?: unknown } };
        // It ends saying so, never "drifted" as if someone had removed the objects behind BabyHelm's back.
        expect(error.data).toMatchObject({
          code: "NOT_FOUND",
          deleted: { by: expect.stringContaining("deleter"), at: expect.any(String) },
        });
        expect(seen).not.toContain("drifted");

        const read = await errorOf(viewer.apps.get.query({ project, name: "doomed" }));
        expect(read.code).toBe("NOT_FOUND");
        expect(read.message).toMatch(/^App "doomed" of project "[^"]+" was deleted by deleter.* at \d{4}-/);
        expect(read.data.deleted).toEqual({ by: expect.stringContaining("deleter"), at: expect.any(String) });
        const never = await errorOf(viewer.apps.get.query({ project, name: "never-was" }));
        expect(never.data.deleted ?? undefined).toBeUndefined();
      });
    },
  );
}
