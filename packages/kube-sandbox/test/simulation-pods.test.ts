import { describe, expect, it } from "vitest";
import { PodLogError } from "../src/contract.js";
import { condition, deployment, eventsFor, rolledOut, startHarness, waitFor } from "./simulation-harness.js";

const BAD_IMAGE = "invalid.example/app:1";

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

describe("image pull failures", () => {
  it("leave pods Pending in ErrImagePull/ImagePullBackOff with Warning events, and the Deployment unavailable past its deadline", async () => {
    const { store, simulation } = startHarness();
    // 30 sandbox seconds at readyDelayMs 20 would be 30 ms; the floor is 3 × readyDelayMs / 100 ms.
    store.create(
      "deployments",
      deployment("broken", { replicas: 1, image: BAD_IMAGE, spec: { progressDeadlineSeconds: 30 } }),
    );

    const seen = new Set<string>();
    const unsubscribe = store.subscribe((event) => {
      const reason = (event.object as any).status?.containerStatuses?.[0]?.state?.waiting?.reason;
      if (event.resource === "pods" && reason) seen.add(reason);
    });
    const timedOut = await waitFor("progress deadline", () => {
      const object = store.get("deployments", "default", "broken");
      return (
        condition(object, "Progressing")?.reason === "ProgressDeadlineExceeded" &&
        seen.has("ImagePullBackOff") &&
        object
      );
    });
    await waitFor("a second pull attempt", () => {
      const pod = store.list("pods", "default")[0];
      return pod && eventsFor(store, pod).find((event) => event.reason === "Failed" && event.count >= 2);
    });
    unsubscribe();
    expect([...seen]).toEqual(["ContainerCreating", "ErrImagePull", "ImagePullBackOff"]);

    expect(condition(timedOut, "Progressing")).toMatchObject({
      status: "False",
      message: expect.stringMatching(/^ReplicaSet "broken-\w+" has timed out progressing\.$/),
    });
    expect(condition(timedOut, "Available")).toMatchObject({
      status: "False",
      reason: "MinimumReplicasUnavailable",
    });
    expect(timedOut.status).toMatchObject({
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 0,
      availableReplicas: 0,
      unavailableReplicas: 1,
    });

    const pod = store.list("pods", "default")[0] as any;
    expect(pod.status.phase).toBe("Pending");
    const waiting = pod.status.containerStatuses[0].state.waiting;
    expect(["ErrImagePull", "ImagePullBackOff"]).toContain(waiting.reason);
    expect(pod.status.containerStatuses[0]).toMatchObject({
      ready: false,
      started: false,
      restartCount: 0,
      image: BAD_IMAGE,
      imageID: "",
    });

    const warnings = eventsFor(store, pod).filter((event) => event.type === "Warning");
    expect(warnings.map((event) => event.message)).toEqual(
      expect.arrayContaining([
        `Failed to pull image "${BAD_IMAGE}": rpc error: code = NotFound desc = failed to pull and unpack image "${BAD_IMAGE}": failed to resolve reference "${BAD_IMAGE}": ${BAD_IMAGE}: not found`,
        "Error: ErrImagePull",
        "Error: ImagePullBackOff",
      ]),
    );
    expect(
      warnings.every((event) => event.reason === "Failed" && event.involvedObject.uid === pod.metadata.uid),
    ).toBe(true);
    expect(eventsFor(store, pod).find((event) => event.reason === "BackOff")).toMatchObject({
      message: `Back-off pulling image "${BAD_IMAGE}"`,
    });

    expect(() => simulation.podLog("default", pod.metadata.name, {}, new AbortController().signal)).toThrow(
      PodLogError,
    );
    expect(simulation.podMetrics("default")).toEqual([]);
  });

  it("recover when the image is fixed", async () => {
    const { store } = startHarness();
    store.create("deployments", deployment("broken", { replicas: 1, image: BAD_IMAGE }));
    await waitFor("pull failure", () =>
      store
        .list("pods", "default")
        .some((pod: any) => pod.status?.containerStatuses?.[0]?.state?.waiting?.reason === "ErrImagePull"),
    );
    const object = store.get("deployments", "default", "broken")!;
    const spec = structuredClone(object.spec) as any;
    spec.template.spec.containers[0].image = "nginx:1.27";
    store.update("deployments", { ...object, spec });
    await waitFor("rollout", () => rolledOut(store, "broken"));
    await waitFor("the broken pod to go", () => store.list("pods", "default").length === 1);
  });
});

describe("pod logs", () => {
  it("are deterministic per pod, honour tailLines and timestamps, and are undefined for a missing pod", async () => {
    const { store, simulation } = startHarness();
    store.create("deployments", deployment("web", { replicas: 1 }));
    await waitFor("rollout", () => rolledOut(store, "web"));
    const pod = store.list("pods", "default")[0]!;
    const signal = new AbortController().signal;

    const all = await collect(simulation.podLog("default", pod.metadata.name, {}, signal)!);
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(all.every((line) => line.endsWith("\n"))).toBe(true);
    expect(all[0]).toBe(
      "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n",
    );
    expect(await collect(simulation.podLog("default", pod.metadata.name, {}, signal)!)).toEqual(all);

    const tail = await collect(
      simulation.podLog("default", pod.metadata.name, { tailLines: 2, container: "web" }, signal)!,
    );
    expect(tail).toEqual(all.slice(-2));
    const stamped = await collect(
      simulation.podLog("default", pod.metadata.name, { tailLines: 1, timestamps: true }, signal)!,
    );
    expect(stamped[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /);
    expect(stamped[0]!.slice(31)).toBe(all.at(-1));

    expect(simulation.podLog("default", "nope", {}, signal)).toBeUndefined();
    expect(() => simulation.podLog("default", pod.metadata.name, { container: "sidecar" }, signal)).toThrow(
      `container sidecar is not valid for pod ${pod.metadata.name}`,
    );
  });

  it("follow yields new lines about once a second until aborted", async () => {
    const { store, simulation } = startHarness();
    store.create("deployments", deployment("api", { replicas: 1, image: "ghcr.io/example/api:2.1" }));
    await waitFor("rollout", () => rolledOut(store, "api"));
    const pod = store.list("pods", "default")[0]!;
    const abort = new AbortController();
    const lines: string[] = [];
    const started = Date.now();
    const following = (async () => {
      for await (const line of simulation.podLog(
        "default",
        pod.metadata.name,
        { follow: true },
        abort.signal,
      )!) {
        lines.push(line);
        if (lines.length === 4) abort.abort();
      }
    })();
    await following;
    // Three start-up lines exist at once; the fourth is due in the second second after the container's start.
    expect(Date.now() - started).toBeLessThan(2500);
    expect(lines[0]).toMatch(/ INFO {2}starting web \(image ghcr\.io\/example\/api:2\.1\)\n$/);
    expect(lines[3]).toMatch(/^\S+Z (INFO |WARN |ERROR) (GET|POST|PUT|DELETE) \/\S* \d{3} \d+ms\n$/);
  });

  it("follow ends when the pod is deleted", async () => {
    const { store, simulation } = startHarness();
    store.create("deployments", deployment("web", { replicas: 1 }));
    await waitFor("rollout", () => rolledOut(store, "web"));
    const pod = store.list("pods", "default")[0]!;
    const lines = simulation.podLog(
      "default",
      pod.metadata.name,
      { follow: true, tailLines: 0 },
      new AbortController().signal,
    )!;
    store.delete("deployments", "default", "web");
    expect(await collect(lines)).toEqual([]);
  });

  it("of a container still being created answer like the kubelet", async () => {
    const { store, simulation } = startHarness(1000);
    store.create("deployments", deployment("slow", { replicas: 1 }));
    const pod = await waitFor("a pod", () => store.list("pods", "default")[0]);
    expect(() => simulation.podLog("default", pod.metadata.name, {}, new AbortController().signal)).toThrow(
      new PodLogError(`container "web" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`),
    );
  });
});

describe("pod metrics", () => {
  it("are plausible, stable per pod, and only for running pods", async () => {
    const { store, simulation } = startHarness();
    store.create("deployments", deployment("web", { replicas: 2 }));
    store.create("deployments", deployment("broken", { replicas: 1, image: BAD_IMAGE }));
    await waitFor("rollout", () => rolledOut(store, "web"));

    const metrics = simulation.podMetrics("default");
    expect(metrics.map((item) => item.metadata.labels?.app)).toEqual(["web", "web"]);
    for (const item of metrics) {
      expect(item).toMatchObject({
        apiVersion: "metrics.k8s.io/v1beta1",
        kind: "PodMetrics",
        window: "30s",
        metadata: { namespace: "default" },
      });
      expect(item.timestamp).toMatch(/Z$/);
      const [container] = item.containers;
      expect(container!.name).toBe("web");
      // Requests are 100m / 64Mi: usage is 10–40 % of the CPU (±15 %) and 30–60 % of the memory (±2 %).
      const nanocores = Number(/^(\d+)n$/.exec(container!.usage.cpu)![1]);
      const kib = Number(/^(\d+)Ki$/.exec(container!.usage.memory)![1]);
      expect(nanocores).toBeGreaterThan(8_000_000);
      expect(nanocores).toBeLessThan(47_000_000);
      expect(kib * 1024).toBeGreaterThan(0.29 * 64 * 2 ** 20);
      expect(kib * 1024).toBeLessThan(0.62 * 64 * 2 ** 20);
    }
    expect(metrics[0]!.containers).not.toEqual(metrics[1]!.containers);
    expect(simulation.podMetrics("default").map((item) => item.containers)).toEqual(
      metrics.map((item) => item.containers),
    );

    const name = metrics[0]!.metadata.name;
    expect(simulation.podMetrics("default", name).map((item) => item.metadata.name)).toEqual([name]);
    expect(simulation.podMetrics(undefined, undefined, "app=web")).toHaveLength(2);
    expect(simulation.podMetrics("default", undefined, "app in (broken)")).toEqual([]);
    expect(simulation.podMetrics("other")).toEqual([]);
  });
});
