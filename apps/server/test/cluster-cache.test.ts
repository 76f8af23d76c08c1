// The API's reads come from the cluster cache: once it has synced, app pages, lists and status streams send no
// request to the API server; a write is visible to the read right after it; and while the API server is away,
// status says it is stale and since when instead of failing or spinning.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@babyhelm/db";
import type { RequestAttributes } from "@babyhelm/kube-sandbox";
import {
  makeStreamingClient,
  startHarness,
  uniqueName,
  type ApiClient,
  type Harness,
  type SignedInClient,
} from "./support/harness.js";

const nginx = { image: "nginx:1.27", ports: [{ port: 80 }] };

describe("reads from the cluster cache", () => {
  let db: Db;
  let harness: Harness;
  let owner: SignedInClient;
  let client: ApiClient;
  let project: string;

  beforeAll(async () => {
    db = await createDb({});
    // Rollouts slow enough for a status stream to see one step by step.
    harness = await startHarness(db, { readyDelayMs: 3_000 });
    owner = await harness.newUser("cache");
    client = owner.client;
    project = uniqueName("cache");
    await client.projects.create.mutate({ name: project });
    for (const name of ["web", "api", "worker"]) {
      await client.apps.create.mutate({ project, name, spec: nginx });
    }
    await waitUntil(async () => {
      const page = await client.apps.list.query({ project });
      return page.items.every((item) => item.status?.state === "ready");
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await db?.close();
  });

  /** The API-server requests made while `work` runs, as "verb resource". */
  async function requestsDuring(work: (seen: readonly string[]) => Promise<void>): Promise<string[]> {
    const requests: string[] = [];
    const stop = harness.sandbox.faults.observe((request: RequestAttributes) => {
      requests.push(`${request.verb} ${request.resource ?? "-"}`);
    });
    try {
      await work(requests);
    } finally {
      stop();
    }
    return requests;
  }

  it("answers apps.get, apps.list, apps.status and projects.usage without asking the API server", async () => {
    // The first look at the project's app page starts the watch of its Events; every later read is memory.
    const opening = await requestsDuring(async (seen) => {
      await client.apps.get.query({ project, name: "web" });
      await waitUntil(() => Promise.resolve(seen.includes("watch events")));
    });
    expect(opening).toEqual(["list events", "watch events"]);
    const requests = await requestsDuring(async () => {
      for (let round = 0; round < 20; round++) {
        const app = await client.apps.get.query({ project, name: "web" });
        expect(app.status).toMatchObject({ state: "ready", stale: null });
        const page = await client.apps.list.query({ project });
        expect(page.items.map((item) => item.status?.state)).toEqual(["ready", "ready", "ready"]);
        expect((await client.apps.status.query({ project, name: "api" })).state).toBe("ready");
      }
    });
    expect(requests).toEqual([]);
    // Current CPU and memory come from the metrics API, which cannot be watched: that one read remains.
    const usage = await requestsDuring(async () => {
      const figures = await client.projects.usage.query({ name: project });
      expect(figures.apps.map((app) => app.pods)).toEqual([1, 1, 1]);
    });
    expect(usage).toEqual(["list pods"]);
  });

  it("shows a write to the read right after it, with no drift from a cache that is behind", async () => {
    for (const image of ["nginx:1.28", "nginx:1.29"]) {
      const app = await client.apps.get.query({ project, name: "worker" });
      await client.apps.update.mutate({
        project,
        name: "worker",
        spec: { ...nginx, image },
        expectedRevision: app.revision,
      });
      const after = await client.apps.status.query({ project, name: "worker" });
      expect(after.drift).toMatchObject({ missing: [], changed: [] });
      expect(after.state).not.toBe("drifted");
    }
  });

  it("streams status changes from the cache, asking the API server nothing", async () => {
    const streaming = makeStreamingClient(harness.url, owner.cookies);
    await client.apps.restart.mutate({ project, name: "api" });
    const states: string[] = [];
    const requests = await requestsDuring(
      () =>
        new Promise<void>((resolve, reject) => {
          // The stream ends by itself once the rollout has settled.
          const subscription = streaming.apps.watchStatus.subscribe(
            { project, name: "api" },
            {
              onData: ({ data: status }) => {
                states.push(status.state);
                if (status.state === "ready") {
                  subscription.unsubscribe();
                  resolve();
                }
              },
              onError: reject,
            },
          );
        }),
    );
    expect(states[0]).toBe("deploying");
    expect(states.at(-1)).toBe("ready");
    // The namespace's Events are watched already (the app page above): nothing else is asked.
    expect(requests).toEqual([]);
  });

  it("follows an app's pods for its log stream from the cache: only the logs are requests", async () => {
    const streaming = makeStreamingClient(harness.url, owner.cookies);
    const lines: string[] = [];
    const requests = await requestsDuring(
      () =>
        new Promise<void>((resolve, reject) => {
          const subscription = streaming.apps.logs.subscribe(
            { project, name: "web", tail: 5, follow: true },
            {
              onData: ({ data: line }) => {
                lines.push(line.line);
                subscription.unsubscribe();
                resolve();
              },
              onError: reject,
            },
          );
        }),
    );
    expect(lines.length).toBeGreaterThan(0);
    // One log request per pod of the app (it has one), no list or watch of pods.
    expect(requests).toEqual(["get pods"]);
  });

  it("marks status as stale, with its age, while the API server is unreachable", async () => {
    await harness.sandbox.faults.down();
    try {
      // Stale from the moment the watches broke; the reason says what to do once a reconnect has failed.
      await waitUntil(async () =>
        /Is the cluster running/.test(
          (await client.apps.get.query({ project, name: "web" })).status.stale?.message ?? "",
        ),
      );
      const app = await client.apps.get.query({ project, name: "web" });
      expect(app.status.state).toBe("ready");
      expect(app.status.stale).toMatchObject({ since: expect.any(String), ageSeconds: expect.any(Number) });
      expect(app.status.stale?.message).toMatch(/Not current: the Kubernetes API server has not answered/);
      const page = await client.apps.list.query({ project });
      expect(page.items.every((item) => item.status?.stale !== null)).toBe(true);
    } finally {
      await harness.sandbox.faults.up();
    }
    await waitUntil(() => Promise.resolve(harness.server.services.clusterState.staleness() === undefined));
    expect((await client.apps.get.query({ project, name: "web" })).status.stale).toBeNull();
  });
});

async function waitUntil(probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
