// apps.logs: an app's pods' logs over server-sent events, against the sandbox's simulated kubelet.
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "@babyhelm/api";
import { createCluster, waitFor, type Cluster, type LogLine } from "@babyhelm/api/testing";
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

const nginx = { image: "nginx:1.27", ports: [{ port: 80 }], replicas: 2 };

interface Subscription {
  lines: LogLine[];
  /** Each line's event id (where the stream was after it). */
  ids: string[];
  error: unknown;
  completed: boolean;
  stop(): void;
}

function subscribeLogs(
  client: ApiClient,
  input: {
    project: string;
    name: string;
    pod?: string;
    tail?: number;
    follow?: boolean;
    lastEventId?: string;
  },
): Subscription {
  const state: Subscription = {
    lines: [],
    ids: [],
    error: undefined,
    completed: false,
    stop: () => undefined,
  };
  const subscription = client.apps.logs.subscribe(input, {
    onData: ({ id, data: line }) => {
      state.lines.push(line);
      state.ids.push(id);
    },
    onError: (error) => {
      state.error = error;
    },
    onComplete: () => {
      state.completed = true;
    },
  });
  state.stop = () => {
    subscription.unsubscribe();
  };
  return state;
}

async function untilComplete(subscription: Subscription): Promise<LogLine[]> {
  await waitFor(() => (subscription.completed || subscription.error !== undefined ? true : undefined), {
    what: "the end of the log stream",
  });
  if (subscription.error !== undefined) throw subscription.error as Error;
  return subscription.lines;
}

for (const backend of testBackends()) {
  describe.skipIf(backend.skipReason !== undefined)(`app logs on ${backend.name}`, () => {
    let db: Db;
    let harness: Harness;
    let client: ApiClient;
    let cluster: Cluster;
    let project: string;
    /** Log follows open in the sandbox's kubelet: each one subscribes to the store until it ends. */
    let openFollows = 0;

    beforeAll(async () => {
      db = await backend.open();
      harness = await startHarness(db);
      const store = harness.sandbox.store;
      const subscribe = store.subscribe.bind(store);
      store.subscribe = (listener) => {
        openFollows += 1;
        const unsubscribe = subscribe(listener);
        return () => {
          openFollows -= 1;
          unsubscribe();
        };
      };
      cluster = createCluster({ mode: "sandbox", kubeconfigYaml: harness.sandbox.kubeconfigYaml });
      const owner = await harness.newUser("logs");
      client = makeStreamingClient(harness.url, owner.cookies);
      project = uniqueName("logs");
      await client.projects.create.mutate({ name: project });
      await client.apps.create.mutate({ project, name: "web", spec: nginx });
      await runningPods("web", 2);
    });
    afterAll(async () => {
      await harness?.stop();
      await db?.close();
    });

    async function directLog(pod: string): Promise<string[]> {
      const lines: string[] = [];
      for await (const line of cluster.podLogs(
        project,
        pod,
        { tailLines: 500 },
        new AbortController().signal,
      ))
        lines.push(line);
      return lines;
    }

    async function runningPods(app: string, count: number): Promise<string[]> {
      return waitFor(
        async () => {
          const pods = await cluster.list("v1", "Pod", {
            namespace: project,
            labelSelector: `app.kubernetes.io/instance=${app}`,
          });
          const running = pods.filter(
            (pod) =>
              (pod.status as { phase?: string } | undefined)?.phase === "Running" &&
              pod.metadata.deletionTimestamp === undefined,
          );
          return running.length === count ? running.map((pod) => pod.metadata.name).sort() : undefined;
        },
        { what: `${count} running pods of ${app}` },
      );
    }

    it("gives the last lines of every pod, each line with its pod's name, and ends without follow", async () => {
      const pods = await runningPods("web", 2);
      const lines = await untilComplete(
        subscribeLogs(client, { project, name: "web", tail: 3, follow: false }),
      );
      expect(lines.map((line) => line.pod)).toEqual([pods[0], pods[0], pods[0], pods[1], pods[1], pods[1]]);
      for (const pod of pods) {
        // The pod keeps logging: read after the stream, its log may have grown. The stream's lines must be three
        // consecutive lines of it.
        const direct: string[] = [];
        for await (const line of cluster.podLogs(
          project,
          pod,
          { tailLines: 50 },
          new AbortController().signal,
        ))
          direct.push(line);
        const streamed = lines.filter((line) => line.pod === pod).map((line) => line.line);
        expect(streamed).toHaveLength(3);
        const windows = direct.map((_, start) => direct.slice(start, start + 3).join("\n"));
        expect(windows, direct.join("\n")).toContain(streamed.join("\n"));
      }
      expect(lines.some((line) => line.notice)).toBe(false);
    });

    it("reads one pod when asked, and names the app's pods when the pod is not one of them", async () => {
      const [first] = await runningPods("web", 2);
      const lines = await untilComplete(
        subscribeLogs(client, { project, name: "web", pod: first, tail: 2, follow: false }),
      );
      expect(lines).toHaveLength(2);
      expect(new Set(lines.map((line) => line.pod))).toEqual(new Set([first]));

      const streaming = subscribeLogs(client, { project, name: "web", pod: "other-pod", follow: false });
      await waitFor(() => streaming.error ?? undefined, { what: "the refusal" });
      const error = streaming.error as TRPCClientError<AppRouter>;
      expect(error).toBeInstanceOf(TRPCClientError);
      expect(error.data?.code).toBe("NOT_FOUND");
      expect(error.message).toContain('No pod named "other-pod" runs this app (its pods: ');
      expect(error.message).toContain(first);
      const tooMany = await errorOf(
        new Promise((resolve, reject) => {
          const sub = client.apps.logs.subscribe(
            { project, name: "web", tail: 5001 },
            { onData: resolve, onError: reject },
          );
          setTimeout(() => {
            sub.unsubscribe();
          }, 5000);
        }),
      );
      expect(tooMany.code).toBe("BAD_REQUEST");
      expect(tooMany.data.issues[0].path).toBe("tail");
    });

    it("follows new lines of all pods, and closes every stream to the cluster when the client leaves", async () => {
      const pods = await runningPods("web", 2);
      const before = openFollows;
      const streaming = subscribeLogs(client, { project, name: "web", tail: 1 });
      // One history line per pod, then the simulated nginx writes a line per second in each.
      await waitFor(
        () =>
          pods.every((pod) => streaming.lines.filter((line) => line.pod === pod).length >= 3)
            ? true
            : undefined,
        { what: "followed lines from both pods", timeoutMs: 8000 },
      );
      expect(openFollows - before).toBe(2);
      expect(streaming.error).toBeUndefined();
      expect(streaming.lines.filter((line) => !line.notice).every((line) => pods.includes(line.pod))).toBe(
        true,
      );
      expect(streaming.lines.at(-1)?.line).toMatch(/"(GET|POST|PUT|DELETE) \/\S* HTTP\/1\.1" \d{3}/);
      streaming.stop();
      await waitFor(() => (openFollows === before ? true : undefined), {
        what: "the sandbox's log streams to close",
        timeoutMs: 5000,
      });
    });

    it("resumes after the last event id: each line once, none lost, lines written in between too", async () => {
      const pods = await runningPods("web", 2);
      const linesOf = (subscription: Subscription, pod: string) =>
        subscription.lines.filter((line) => line.pod === pod).map((line) => line.line);
      const first = subscribeLogs(client, { project, name: "web", tail: 2 });
      await waitFor(() => (pods.every((pod) => linesOf(first, pod).length >= 3) ? true : undefined), {
        what: "lines from both pods",
        timeoutMs: 8000,
      });
      first.stop();
      const lastEventId = first.ids.at(-1)!;
      // Both pods write on while no stream is open: those lines come first when the stream resumes.
      const delivered = first.lines.length;
      await waitFor(
        async () => {
          const direct = await directLog(pods[0]!);
          return direct.indexOf(linesOf(first, pods[0]!).at(-1)!) < direct.length - 2 ? true : undefined;
        },
        { what: "two more lines in the first pod's log", timeoutMs: 8000 },
      );
      const second = subscribeLogs(client, { project, name: "web", tail: 2, lastEventId });
      await waitFor(() => (pods.every((pod) => linesOf(second, pod).length >= 3) ? true : undefined), {
        what: "resumed lines from both pods",
        timeoutMs: 8000,
      });
      second.stop();
      expect(first.lines).toHaveLength(delivered);
      expect(second.error).toBeUndefined();
      for (const pod of pods) {
        const streamed = [...linesOf(first, pod), ...linesOf(second, pod)];
        const direct = await directLog(pod);
        const start = direct.indexOf(streamed[0]!);
        expect(start, `${pod}'s first line is in its log`).toBeGreaterThanOrEqual(0);
        // One run of consecutive lines: a repeated line or a gap would break it.
        expect(streamed).toEqual(direct.slice(start, start + streamed.length));
      }
      const refused = subscribeLogs(client, { project, name: "web", lastEventId: "logs:web@yesterday#1" });
      await waitFor(() => refused.error, { what: "the refusal of a malformed id" });
      expect(refused.error).toMatchObject({ data: { code: "BAD_REQUEST" } });
      expect((refused.error as Error).message).toContain("lastEventId");
    });

    it("picks up pods that start during the stream (a restart) and says when old ones go", async () => {
      const old = await runningPods("web", 2);
      const streaming = subscribeLogs(client, { project, name: "web", tail: 1 });
      await waitFor(() => (streaming.lines.length >= 2 ? true : undefined), { what: "the first lines" });
      await client.apps.restart.mutate({ project, name: "web" });
      const fresh = await waitFor(
        () => {
          const names = new Set(streaming.lines.filter((line) => !line.notice).map((line) => line.pod));
          const added = [...names].filter((name) => !old.includes(name));
          return added.length === 2 ? added : undefined;
        },
        { what: "lines from the restarted pods", timeoutMs: 10_000 },
      );
      expect(fresh.every((name) => name.startsWith("web-"))).toBe(true);
      await waitFor(
        () =>
          old.every((pod) =>
            streaming.lines.some((line) => line.pod === pod && line.notice && /gone/.test(line.line)),
          )
            ? true
            : undefined,
        { what: "notices that the old pods are gone" },
      );
      streaming.stop();

      // Following one pod ends when that pod goes.
      const current = await runningPods("web", 2);
      const one = subscribeLogs(client, { project, name: "web", pod: current[0], tail: 1 });
      await waitFor(() => (one.lines.length >= 1 ? true : undefined), { what: "the pod's first line" });
      await cluster.delete({ apiVersion: "v1", kind: "Pod", name: current[0]!, namespace: project });
      const lines = await untilComplete(one);
      expect(lines.at(-1)).toMatchObject({
        pod: current[0],
        notice: true,
        line: expect.stringMatching(/gone/),
      });
      expect(new Set(lines.map((line) => line.pod))).toEqual(new Set([current[0]]));
    });

    it("tells about a pod still pulling its image instead of ending the stream", async () => {
      await client.apps.create.mutate({
        project,
        name: "broken",
        spec: { image: "invalid.example/nope:1", ports: [{ port: 80 }] },
      });
      await waitFor(
        async () => {
          const pods = await cluster.list("v1", "Pod", {
            namespace: project,
            labelSelector: "app.kubernetes.io/instance=broken",
          });
          const reason = (
            pods[0]?.status as
              { containerStatuses?: { state?: { waiting?: { reason?: string } } }[] } | undefined
          )?.containerStatuses?.[0]?.state?.waiting?.reason;
          return reason === "ErrImagePull" || reason === "ImagePullBackOff" ? true : undefined;
        },
        { what: "a pod failing to pull" },
      );
      const once = await untilComplete(subscribeLogs(client, { project, name: "broken", follow: false }));
      expect(once).toEqual([
        {
          pod: expect.stringMatching(/^broken-/),
          notice: true,
          at: expect.any(String),
          line: expect.stringMatching(
            /^No logs yet: container "broken" in pod "broken-[\w-]+" is waiting to start: trying and failing to pull image$/,
          ),
        },
      ]);

      const streaming = subscribeLogs(client, { project, name: "broken" });
      await waitFor(() => (streaming.lines.length >= 1 ? true : undefined), { what: "the notice" });
      expect(streaming.lines[0]).toMatchObject({ notice: true, line: expect.stringContaining("pull") });
      // The stream stays open for when the image arrives.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(streaming.completed).toBe(false);
      expect(streaming.error).toBeUndefined();
      streaming.stop();
    });
  });
}
