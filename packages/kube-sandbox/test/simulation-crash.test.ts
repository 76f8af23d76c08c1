// The crash rule: containers of crash.example images start, log an error, exit 1 and restart with the kubelet's
// back-off, and their logs (current and previous) read like the API server's.
import { describe, expect, it } from "vitest";
import { PodLogError } from "../src/contract.js";
import { deployment, eventsFor, startHarness, waitFor } from "./simulation-harness.js";

const CRASHING_IMAGE = "crash.example/app:1";

async function collect(lines: AsyncIterable<string> | undefined): Promise<string[]> {
  const all: string[] = [];
  for await (const line of lines ?? []) all.push(line);
  return all;
}

function containerStatus(pod: any): any {
  return pod?.status?.containerStatuses?.[0];
}

describe("containers that crash", () => {
  it("exit with 1, wait in CrashLoopBackOff with lastState.terminated, and restart with a growing restartCount", async () => {
    const { store } = startHarness();
    store.create("deployments", deployment("crashy", { replicas: 1, image: CRASHING_IMAGE }));

    const seen = new Set<string>();
    const unsubscribe = store.subscribe((event) => {
      const state = containerStatus(event.object)?.state ?? {};
      if (event.resource !== "pods") return;
      if (state.waiting) seen.add(`waiting:${state.waiting.reason}`);
      if (state.running) seen.add("running");
      if (state.terminated) seen.add(`terminated:${state.terminated.reason}`);
    });
    const restarted = await waitFor("a second restart", () => {
      const pod = store.list("pods", "default")[0];
      const status = containerStatus(pod);
      return status?.restartCount >= 2 && status.state.waiting?.reason === "CrashLoopBackOff" && pod;
    });
    unsubscribe();
    expect([...seen].sort()).toEqual([
      "running",
      "terminated:Error",
      "waiting:ContainerCreating",
      "waiting:CrashLoopBackOff",
    ]);

    const status = containerStatus(restarted);
    expect(restarted.status.phase).toBe("Running");
    expect(status.ready).toBe(false);
    expect(status.state.waiting.message).toBe(
      `back-off ${status.restartCount === 2 ? "40s" : "1m20s"} restarting failed container=web pod=${restarted.metadata.name}_default(${restarted.metadata.uid})`,
    );
    expect(status.lastState.terminated).toMatchObject({
      exitCode: 1,
      reason: "Error",
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      containerID: expect.stringMatching(/^containerd:\/\/[0-9a-f]{64}$/),
    });
    const events = eventsFor(store, restarted);
    expect(events.find((event) => event.reason === "BackOff")).toMatchObject({
      type: "Warning",
      message: `Back-off restarting failed container web in pod ${restarted.metadata.name}_default(${restarted.metadata.uid})`,
    });
    expect(
      events.find((event) => event.reason === "Pulled" && event.message.includes("already")),
    ).toMatchObject({
      message: `Container image "${CRASHING_IMAGE}" already present on machine`,
    });
    // Never ready: the ReplicaSet counts no ready replica.
    const replicaSet = store.list("replicasets", "default")[0]!;
    expect((replicaSet.status as any)?.readyReplicas ?? 0).toBe(0);
  });

  it("logs a few lines ending in the error; previous reads the instance before, or the API server's 400", async () => {
    const { store, simulation } = startHarness();
    store.create("deployments", deployment("crashy", { replicas: 1, image: CRASHING_IMAGE }));
    const crashed = await waitFor("a crash", () => {
      const pod = store.list("pods", "default")[0];
      return containerStatus(pod)?.state.waiting?.reason === "CrashLoopBackOff" && pod;
    });
    const { name } = crashed.metadata;
    const lastLines = await collect(simulation.podLog("default", name, {}, new AbortController().signal));
    expect(lastLines).toHaveLength(5);
    expect(lastLines.at(-2)).toMatch(/ ERROR dial tcp .*connection refused\n$/);
    expect(lastLines.at(-1)).toMatch(/ FATAL .*exiting with status 1\n$/);
    // The crashed instance is also the previous one while the kubelet waits to restart it.
    const previous = await collect(
      simulation.podLog("default", name, { previous: true, tailLines: 2 }, new AbortController().signal),
    );
    expect(previous).toEqual(lastLines.slice(-2));
    // Following a crashed container's log ends with it.
    const followed = await collect(
      simulation.podLog("default", name, { follow: true }, new AbortController().signal),
    );
    expect(followed).toEqual(lastLines);
  });

  it("answers previous for a container that never restarted with the kubelet's 400", async () => {
    const { store, simulation } = startHarness();
    store.create("deployments", deployment("fine", { replicas: 1 }));
    const running = await waitFor("a running pod", () => {
      const pod = store.list("pods", "default")[0];
      return containerStatus(pod)?.state.running && pod;
    });
    const { name } = running.metadata;
    expect(() =>
      simulation.podLog("default", name, { previous: true }, new AbortController().signal),
    ).toThrow(new PodLogError(`previous terminated container "web" in pod "${name}" not found`));
  });
});
