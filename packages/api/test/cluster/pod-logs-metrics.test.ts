// podLogs and podMetrics against the sandbox's simulated kubelet and metrics-server.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "@babyhelm/kube-sandbox";
import { ClusterError, type Cluster } from "../../src/cluster/cluster.js";
import { deployment, newNamespace, rejectionOf, sandboxCluster, waitFor } from "./helpers.js";

let sandbox: Sandbox;
let cluster: Cluster;
let namespace: string;
let podName: string;

beforeAll(async () => {
  ({ sandbox, cluster } = await sandboxCluster());
  namespace = await newNamespace(cluster, "logs");
  await cluster.apply([deployment("web", namespace, { replicas: 2 })]);
  const pods = await waitFor(
    async () => {
      const list = await cluster.list("v1", "Pod", { namespace, labelSelector: "app=web" });
      const running = list.filter(
        (pod) => (pod.status as { phase?: string } | undefined)?.phase === "Running",
      );
      return running.length === 2 ? running : undefined;
    },
    { what: "running pods" },
  );
  podName = pods[0]!.metadata.name;
});

afterEach(() => {
  sandbox.faults.clear();
});

afterAll(async () => {
  await sandbox.stop();
});

async function collect(lines: AsyncIterable<string>, limit = Infinity): Promise<string[]> {
  const collected: string[] = [];
  for await (const line of lines) {
    collected.push(line);
    if (collected.length >= limit) break;
  }
  return collected;
}

describe("podLogs", () => {
  it("reads the last lines, without their newlines", async () => {
    const all = await collect(cluster.podLogs(namespace, podName, {}, new AbortController().signal));
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(all[0]).toContain("/docker-entrypoint.sh");
    expect(all.every((line) => !line.includes("\n") && line !== "")).toBe(true);
    const tail = await collect(
      cluster.podLogs(namespace, podName, { container: "web", tailLines: 2 }, new AbortController().signal),
    );
    expect(tail).toEqual(all.slice(-2));
  });

  it("follows new lines until the signal aborts", async () => {
    const abort = new AbortController();
    const lines: string[] = [];
    const started = Date.now();
    const following = (async () => {
      for await (const line of cluster.podLogs(
        namespace,
        podName,
        { tailLines: 1, follow: true },
        abort.signal,
      )) {
        lines.push(line);
      }
    })();
    // The simulated container writes one access-log line per second.
    await waitFor(() => (lines.length >= 2 ? true : undefined), { what: "a followed line", timeoutMs: 5000 });
    abort.abort();
    await following;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(lines[1]).toMatch(/"(GET|POST|PUT|DELETE) \/\S* HTTP\/1\.1" \d{3}/);
  });

  it("ends a follow when the pod goes away", async () => {
    const other = await waitFor(async () => {
      const pods = await cluster.list("v1", "Pod", { namespace, labelSelector: "app=web" });
      return pods.find((pod) => pod.metadata.name !== podName);
    });
    const following = collect(
      cluster.podLogs(
        namespace,
        other.metadata.name,
        { tailLines: 0, follow: true },
        new AbortController().signal,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    await cluster.delete({ apiVersion: "v1", kind: "Pod", name: other.metadata.name, namespace });
    const timedOut = new Promise((_, reject) => {
      setTimeout(() => {
        reject(new Error("follow did not end"));
      }, 3000);
    });
    await expect(Promise.race([following, timedOut])).resolves.toEqual(expect.any(Array));
  });

  it("says why there are no logs for a container that has not started", async () => {
    await cluster.apply([deployment("broken", namespace, { image: "invalid.example/nope:1" })]);
    const pod = await waitFor(async () => {
      const pods = await cluster.list("v1", "Pod", { namespace, labelSelector: "app=broken" });
      const waiting = (pods[0]?.status as any)?.containerStatuses?.[0]?.state?.waiting?.reason as
        string | undefined;
      return waiting === "ErrImagePull" || waiting === "ImagePullBackOff" ? pods[0] : undefined;
    });
    const error = (await rejectionOf(
      collect(cluster.podLogs(namespace, pod.metadata.name, {}, new AbortController().signal)),
    )) as ClusterError;
    expect(error).toBeInstanceOf(ClusterError);
    expect(error).toMatchObject({ kind: "invalid", status: 400 });
    expect(error.message).toMatch(
      /^Reading the logs of pod "broken-[a-z0-9-]+" in namespace "logs-[\w-]+" failed: there are no logs to show: container "web" in pod "broken-[a-z0-9-]+" is waiting to start/,
    );
  });

  it("reports a pod that does not exist as not-found", async () => {
    const error = (await rejectionOf(
      collect(cluster.podLogs(namespace, "nope", {}, new AbortController().signal)),
    )) as ClusterError;
    expect(error).toMatchObject({ kind: "not-found", status: 404 });
    expect(error.message).toContain('pods "nope" not found');
  });
});

describe("podMetrics", () => {
  it("gives CPU cores and memory bytes per container of the selected pods", async () => {
    const metrics = await cluster.podMetrics(namespace, "app=web");
    expect(metrics.map((entry) => entry.pod).sort()).toEqual(
      (await cluster.list("v1", "Pod", { namespace, labelSelector: "app=web" }))
        .filter((pod) => (pod.status as { phase?: string }).phase === "Running")
        .map((pod) => pod.metadata.name)
        .sort(),
    );
    for (const entry of metrics) {
      expect(Date.parse(entry.timestamp)).not.toBeNaN();
      expect(entry.containers).toHaveLength(1);
      const [container] = entry.containers;
      expect(container!.name).toBe("web");
      // No requests: a few millicores and 24–120 MiB, per the sandbox's metrics model.
      expect(container!.cpuCores).toBeGreaterThan(0);
      expect(container!.cpuCores).toBeLessThan(0.1);
      expect(container!.memoryBytes).toBeGreaterThan(20 * 1024 * 1024);
      expect(container!.memoryBytes).toBeLessThan(140 * 1024 * 1024);
    }
    expect(await cluster.podMetrics(namespace, "app=nothing")).toEqual([]);
  });

  it("says plainly when the metrics API is not installed", async () => {
    sandbox.faults.fail({
      match: { resource: "pods", verb: "list", namespace },
      code: 404,
      message: "the server could not find the requested resource",
    });
    const error = (await rejectionOf(cluster.podMetrics(namespace))) as ClusterError;
    expect(error).toBeInstanceOf(ClusterError);
    expect(error.kind).toBe("not-found");
    expect(error.message).toBe(
      `Reading CPU and memory of the pods in namespace "${namespace}" failed: the metrics API (metrics.k8s.io) is ` +
        `not installed on this cluster. Install metrics-server to see CPU and memory.`,
    );
  });
});
