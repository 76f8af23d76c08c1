// A replica going away under an open stream: the server stops (as on SIGTERM), another starts on the same address,
// database and cluster, and the typed client's subscriptions go on by themselves, resuming where they were.
import { afterEach, expect, it } from "vitest";
import {
  startTestBackend,
  startTestServer,
  type TestBackend,
  type TestServer,
} from "@babyhelm/server/testing";
import type { AppStatus, BabyhelmClient } from "../src/index.js";
import { registeredClient } from "./server.js";

// Each test starts a database, a sandbox and two servers in turn: minutes on a loaded machine.
const TIMEOUT_MS = 240_000;

/** One address served by one server at a time, on one database and sandbox. */
interface Replicas {
  url: string;
  /** Stops the server serving the address and starts another in its place. */
  switchServer(): Promise<void>;
  stop(): Promise<void>;
}

let running: Replicas | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function startReplicas(sandboxReadyDelayMs: number): Promise<Replicas> {
  const backend: TestBackend = await startTestBackend({ sandboxReadyDelayMs });
  let server: TestServer | undefined = await startTestServer({ backend });
  const url = server.server.url;
  const port = Number(new URL(url).port);
  return {
    url,
    switchServer: async () => {
      await server!.stop();
      server = undefined;
      server = await startTestServer({ backend, port });
      expect(server.server.url).toBe(url);
    },
    stop: async () => {
      await server?.stop();
      await backend.stop();
    },
  };
}

async function clientWithApp(url: string, email: string): Promise<BabyhelmClient> {
  const client = await registeredClient(url, email);
  await client.projects.create.mutate({ name: "moving" });
  await client.apps.create.mutate({
    project: "moving",
    name: "web",
    spec: { image: "nginx:1.27", ports: [{ port: 80 }], replicas: 1 },
  });
  return client;
}

/** The app's log as the server reads it at once (not followed): the reference the followed lines must match. */
function logNow(client: BabyhelmClient): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    client.apps.logs.subscribe(
      { project: "moving", name: "web", tail: 500, follow: false },
      {
        onData: ({ data }) => lines.push(data.line),
        onError: reject,
        onComplete: () => {
          resolve(lines);
        },
      },
    );
  });
}

it(
  "a log subscription survives its server's stop and resumes on the next one: no line twice, none lost",
  async () => {
    running = await startReplicas(20);
    const client = await clientWithApp(running.url, "logs@example.com");
    const lines: string[] = [];
    const errors: unknown[] = [];
    let starts = 0;
    const logs = client.apps.logs.subscribe(
      { project: "moving", name: "web", tail: 2 },
      {
        onStarted: () => starts++,
        onData: ({ data }) => {
          if (data.notice !== true) lines.push(data.line);
        },
        onError: (error) => errors.push(error),
      },
    );
    try {
      await expect.poll(() => lines.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
      await running.switchServer();
      const before = lines.length;
      await expect.poll(() => starts, { timeout: 30_000 }).toBe(2);
      await expect.poll(() => lines.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(before + 3);
      const log = await logNow(client);
      const start = log.indexOf(lines[0]!);
      expect(start).toBeGreaterThanOrEqual(0);
      // One run of consecutive lines of the pod's log, across the switch and the time no server was there.
      expect(lines).toEqual(log.slice(start, start + lines.length));
      expect(errors).toEqual([]);
    } finally {
      logs.unsubscribe();
    }
  },
  TIMEOUT_MS,
);

it(
  "a status subscription survives its server's stop and follows the rollout on the next one",
  async () => {
    // Pods take minutes to start: the rollout is in progress for the whole test.
    running = await startReplicas(10 * 60_000);
    const client = await clientWithApp(running.url, "status@example.com");
    const statuses: { id: string; status: AppStatus }[] = [];
    const errors: unknown[] = [];
    let starts = 0;
    const watch = client.apps.watchStatus.subscribe(
      { project: "moving", name: "web" },
      {
        onStarted: () => starts++,
        onData: ({ id, data }) => statuses.push({ id, status: data }),
        onError: (error) => errors.push(error),
      },
    );
    try {
      await expect.poll(() => statuses.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
      expect(statuses.at(-1)?.status.state).toBe("deploying");
      await running.switchServer();
      await expect.poll(() => starts, { timeout: 30_000 }).toBe(2);
      const seen = statuses.length;
      await client.apps.update.mutate({
        project: "moving",
        name: "web",
        expectedRevision: 1,
        spec: { image: "nginx:1.27", ports: [{ port: 80 }], replicas: 2 },
      });
      await expect
        .poll(() => statuses.slice(seen).some(({ status }) => status.replicas.desired === 2), {
          timeout: 30_000,
        })
        .toBe(true);
      // Resuming sent nothing the client had: no two consecutive events alike.
      const ids = statuses.map(({ id }) => id);
      expect(ids.filter((id, index) => id === ids[index - 1])).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      watch.unsubscribe();
    }
  },
  TIMEOUT_MS,
);
