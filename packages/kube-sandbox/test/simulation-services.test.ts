import { describe, expect, it } from "vitest";
import type { NewObject } from "../src/contract.js";
import { startSimulation } from "../src/simulation/index.js";
import { MemoryObjectStore } from "../src/store/object-store.js";
import {
  condition,
  conditionSummary,
  deployment,
  eventsFor,
  READY_DELAY_MS,
  rolledOut,
  startHarness,
  updateSpec,
  waitFor,
} from "./simulation-harness.js";

function service(name: string, spec: Record<string, unknown>): NewObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "default", labels: { app: name } },
    spec,
  };
}

function hpa(name: string, spec: Record<string, unknown>): NewObject {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name, namespace: "default" },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name }, ...spec },
  };
}

describe("endpoints and services", () => {
  it("list ready pod IPs with resolved target ports, and follow scaling", async () => {
    const { store } = startHarness();
    store.create(
      "services",
      service("web", {
        selector: { app: "web" },
        ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
      }),
    );
    store.create("deployments", deployment("web", { replicas: 2 }));
    await waitFor("rollout", () => rolledOut(store, "web"));
    const endpoints = await waitFor("endpoints with 2 addresses", () => {
      const found = store.get("endpoints", "default", "web") as any;
      return found?.subsets?.[0]?.addresses?.length === 2 && found;
    });
    const pods = store.list("pods", "default");
    expect(endpoints.subsets).toEqual([
      {
        addresses: pods.map((pod) => ({
          ip: (pod.status as { podIP: string }).podIP,
          nodeName: "sandbox-node",
          targetRef: { kind: "Pod", namespace: "default", name: pod.metadata.name, uid: pod.metadata.uid },
        })),
        ports: [{ name: "http", port: 80, protocol: "TCP" }],
      },
    ]);

    const [slice, ...moreSlices] = store.list("endpointslices", "default") as any[];
    expect(moreSlices).toEqual([]);
    expect(slice.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(slice.metadata.labels["kubernetes.io/service-name"]).toBe("web");
    expect(slice.metadata.ownerReferences[0]).toMatchObject({
      kind: "Service",
      name: "web",
      controller: true,
    });
    expect(slice).toMatchObject({
      addressType: "IPv4",
      ports: [{ name: "http", port: 80, protocol: "TCP" }],
    });
    expect(slice.endpoints.map((endpoint: { addresses: string[] }) => endpoint.addresses[0]).sort()).toEqual(
      endpoints.subsets[0].addresses.map((address: { ip: string }) => address.ip).sort(),
    );
    expect(slice.endpoints[0].conditions).toEqual({ ready: true, serving: true, terminating: false });

    updateSpec(store, "deployments", "web", (spec) => {
      spec.replicas = 1;
    });
    await waitFor(
      "one address",
      () => (store.get("endpoints", "default", "web") as any)?.subsets?.[0]?.addresses?.length === 1,
    );
    store.delete("services", "default", "web");
    await waitFor(
      "endpoints and slices removed",
      () => !store.get("endpoints", "default", "web") && store.list("endpointslices", "default").length === 0,
    );
  });

  it("give a LoadBalancer Service the address 127.0.0.1 after a short delay", async () => {
    const { store } = startHarness();
    store.create(
      "services",
      service("public", { type: "LoadBalancer", selector: { app: "public" }, ports: [{ port: 80 }] }),
    );
    expect(
      (store.get("services", "default", "public")!.status as any)?.loadBalancer?.ingress,
    ).toBeUndefined();
    const withAddress = await waitFor("ingress", () => {
      const found = store.get("services", "default", "public") as any;
      return found?.status?.loadBalancer?.ingress && found;
    });
    expect(withAddress.status.loadBalancer.ingress).toEqual([{ ip: "127.0.0.1", ipMode: "VIP" }]);
    // An empty Endpoints object still exists for a selector that matches nothing.
    expect(store.get("endpoints", "default", "public")?.subsets).toBeUndefined();
  });
});

describe("HorizontalPodAutoscaler", () => {
  it("reports utilization from the synthetic metrics and raises the target to minReplicas", async () => {
    const { store } = startHarness();
    store.create("deployments", deployment("web", { replicas: 1 }));
    store.create(
      "horizontalpodautoscalers",
      hpa("web", {
        minReplicas: 2,
        maxReplicas: 5,
        metrics: [
          {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
          },
          {
            type: "Resource",
            resource: { name: "memory", target: { type: "AverageValue", averageValue: "100Mi" } },
          },
        ],
      }),
    );
    const scaled = await waitFor("two replicas", () => {
      const found = rolledOut(store, "web");
      return (found?.spec as any)?.replicas === 2 && found;
    });
    expect(scaled.metadata.generation).toBe(2);
    const status = await waitFor("metrics in HPA status", () => {
      const found = store.get("horizontalpodautoscalers", "default", "web")?.status as any;
      return (
        found?.currentMetrics?.length === 2 &&
        condition(store.get("horizontalpodautoscalers", "default", "web"), "ScalingActive")?.status ===
          "True" &&
        found
      );
    });
    expect(status).toMatchObject({
      currentReplicas: 2,
      desiredReplicas: 2,
      lastScaleTime: expect.stringMatching(/Z$/),
    });
    const [cpu, memory] = status.currentMetrics;
    expect(cpu).toMatchObject({
      type: "Resource",
      resource: { name: "cpu", current: { averageValue: expect.stringMatching(/^\d+m$/) } },
    });
    expect(cpu.resource.current.averageUtilization).toBeGreaterThanOrEqual(8);
    expect(cpu.resource.current.averageUtilization).toBeLessThanOrEqual(47);
    expect(memory).toMatchObject({
      type: "Resource",
      resource: { name: "memory", current: { averageValue: expect.stringMatching(/^\d+$/) } },
    });
    expect(conditionSummary({ status })).toEqual([
      ["AbleToScale", "True", "ReadyForNewScale"],
      ["ScalingActive", "True", "ValidMetricFound"],
      ["ScalingLimited", "False", "DesiredWithinRange"],
    ]);
    const hpaObject = store.get("horizontalpodautoscalers", "default", "web")!;
    expect(eventsFor(store, hpaObject).map((event) => event.message)).toEqual([
      "New size: 2; reason: Current number of replicas below Spec.MinReplicas",
    ]);
  });

  it("says why utilization cannot be computed without requests, and when the target is missing", async () => {
    const { store } = startHarness();
    store.create(
      "deployments",
      deployment("bare", { replicas: 1, containers: [{ name: "app", image: "busybox" }] }),
    );
    store.create("horizontalpodautoscalers", hpa("bare", { maxReplicas: 3 }));
    store.create("horizontalpodautoscalers", hpa("ghost", { maxReplicas: 3 }));
    await waitFor("rollout", () => rolledOut(store, "bare"));
    const active = await waitFor("ScalingActive", () => {
      const found = condition(store.get("horizontalpodautoscalers", "default", "bare"), "ScalingActive");
      return found?.reason === "FailedGetResourceMetric" && found;
    });
    const pod = store.list("pods", "default")[0]!;
    expect(active).toMatchObject({
      status: "False",
      message: `the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod ${pod.metadata.name}`,
    });
    expect(store.get("horizontalpodautoscalers", "default", "bare")!.status).toMatchObject({
      currentReplicas: 1,
      desiredReplicas: 1,
    });
    expect(condition(store.get("horizontalpodautoscalers", "default", "ghost"), "AbleToScale")).toMatchObject(
      {
        status: "False",
        reason: "FailedGetScale",
        message: `the HPA controller was unable to get the target's current scale: deployments.apps "ghost" not found`,
      },
    );
  });
});

describe("after a restart from a snapshot", () => {
  it("a HorizontalPodAutoscaler and a Service still follow their targets' changes at once", async () => {
    const first = startHarness();
    first.store.create("deployments", deployment("web", { replicas: 2 }));
    first.store.create("horizontalpodautoscalers", hpa("web", { minReplicas: 2, maxReplicas: 5 }));
    first.store.create("services", service("web", { selector: { app: "web" }, ports: [{ port: 80 }] }));
    await waitFor("rollout", () => rolledOut(first.store, "web"));
    first.simulation.stop();

    const restored = new MemoryObjectStore(first.store.snapshot());
    const simulation = startSimulation(restored, { readyDelayMs: READY_DELAY_MS });
    try {
      // Past the start-up reconciles; the HPA's next periodic one is 15 s away, so only its index of targets, rebuilt
      // at start, can bring the Deployment back to minReplicas this soon.
      await new Promise((resolve) => setTimeout(resolve, 50));
      updateSpec(restored, "deployments", "web", (spec) => {
        spec.replicas = 1;
      });
      await waitFor("the HPA raising the Deployment to minReplicas", () => {
        const found = rolledOut(restored, "web");
        return (found?.spec as any)?.replicas === 2 && found;
      });
      const endpoints = await waitFor("two ready addresses", () => {
        const found = restored.get("endpoints", "default", "web") as any;
        return found?.subsets?.[0]?.addresses?.length === 2 && found;
      });
      const pods = restored.list("pods", "default").map((pod) => pod.metadata.name);
      expect(endpoints.subsets[0].addresses.map((address: any) => address.targetRef.name).sort()).toEqual(
        pods.sort(),
      );
    } finally {
      simulation.stop();
    }
  });
});

describe("garbage collector", () => {
  it("keeps a dependent while another owner remains", async () => {
    const { store } = startHarness();
    const a = store.create("configmaps", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "a", namespace: "default" },
    });
    const b = store.create("configmaps", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "b", namespace: "default" },
    });
    const ref = (owner: typeof a) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      name: owner.metadata.name,
      uid: owner.metadata.uid,
    });
    store.create("secrets", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "both", namespace: "default", ownerReferences: [ref(a), ref(b)] },
    });
    store.create("secrets", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "only-a", namespace: "default", ownerReferences: [ref(a)] },
    });
    store.delete("configmaps", "default", "a");
    await waitFor("only-a collected", () => !store.get("secrets", "default", "only-a"));
    expect(store.get("secrets", "default", "both")).toBeDefined();
    store.delete("configmaps", "default", "b");
    await waitFor("both collected", () => !store.get("secrets", "default", "both"));
  });
});
