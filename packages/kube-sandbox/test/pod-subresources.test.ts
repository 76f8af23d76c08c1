// Pod logs and metrics through the API server, served by the simulation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../src/index.js";
import { client, deployment, testSandbox, uniqueName, waitFor } from "./helpers.js";

let sandbox: Sandbox;
let api: ReturnType<typeof client>;
let namespace: string;
let pod: string;

beforeAll(async () => {
  sandbox = await testSandbox();
  api = client(sandbox);
  namespace = uniqueName("pods");
  await api("/api/v1/namespaces", { method: "POST", body: { metadata: { name: namespace } } });
  await api(`/apis/apps/v1/namespaces/${namespace}/deployments`, { method: "POST", body: deployment("web") });
  pod = await waitFor(async () => {
    const pods = (await api(`/api/v1/namespaces/${namespace}/pods?labelSelector=app%3Dweb`)).body
      .items as any[];
    return pods.find((item) => item.status?.phase === "Running")?.metadata.name as string | undefined;
  });
});

afterAll(async () => {
  await sandbox.stop();
});

describe("pods/log", () => {
  it("returns the last lines as plain text", async () => {
    const response = await fetch(
      `${sandbox.url}/api/v1/namespaces/${namespace}/pods/${pod}/log?tailLines=2`,
      {
        headers: { Authorization: `Bearer ${sandbox.token}` },
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain");
    const lines = (await response.text()).split("\n").filter((line) => line !== "");
    expect(lines).toHaveLength(2);
  });

  it("stamps lines with timestamps=true and starts at sinceTime, refusing a bad one", async () => {
    const read = async (query: string) => {
      const response = await fetch(`${sandbox.url}/api/v1/namespaces/${namespace}/pods/${pod}/log?${query}`, {
        headers: { Authorization: `Bearer ${sandbox.token}` },
      });
      return {
        status: response.status,
        lines: (await response.text()).split("\n").filter((line) => line !== ""),
      };
    };
    const all = (await read("timestamps=true")).lines;
    // The kubelet's RFC3339Nano prefix, nine digits, then the line.
    expect(all[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \S/);
    const last = all.at(-1)!;
    const second = `${last.slice(0, 19)}Z`;
    const since = (await read(`timestamps=true&sinceTime=${encodeURIComponent(second)}`)).lines;
    // Every line of that second on, none before: where a resumed stream picks up.
    expect(since.length).toBeGreaterThan(0);
    expect(since.every((line) => line.slice(0, 19) >= last.slice(0, 19))).toBe(true);
    // The log may have grown between the two reads: what the first read had of that second comes first.
    const from = all.findIndex((line) => line.slice(0, 19) >= last.slice(0, 19));
    expect(since.slice(0, all.length - from)).toEqual(all.slice(from));
    expect((await read("sinceTime=yesterday")).status).toBe(400);
    expect((await read(`sinceTime=${encodeURIComponent(second)}&sinceSeconds=5`)).status).toBe(400);
  });

  it("follows the log as a chunked stream", async () => {
    const controller = new AbortController();
    const response = await fetch(
      `${sandbox.url}/api/v1/namespaces/${namespace}/pods/${pod}/log?follow=true&tailLines=1`,
      {
        headers: { Authorization: `Bearer ${sandbox.token}` },
        signal: controller.signal,
      },
    );
    const reader = response.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toMatch(/\n$/);
    controller.abort();
  });

  it("400s an unknown container and a previous container that never ran, and 404s an unknown pod", async () => {
    const badContainer = await api(`/api/v1/namespaces/${namespace}/pods/${pod}/log?container=nope`);
    expect(badContainer.status).toBe(400);
    expect(badContainer.body).toMatchObject({
      kind: "Status",
      reason: "BadRequest",
      message: `container nope is not valid for pod ${pod}`,
    });
    const noPrevious = await api(`/api/v1/namespaces/${namespace}/pods/${pod}/log?previous=true`);
    expect(noPrevious.status).toBe(400);
    expect(noPrevious.body.message).toBe(`previous terminated container "web" in pod "${pod}" not found`);
    const missing = await api(`/api/v1/namespaces/${namespace}/pods/missing/log`);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('pods "missing" not found');
  });
});

describe("metrics.k8s.io", () => {
  it("lists PodMetrics of a namespace and gets one", async () => {
    const list = await api(`/apis/metrics.k8s.io/v1beta1/namespaces/${namespace}/pods`);
    expect(list.body).toMatchObject({ kind: "PodMetricsList", apiVersion: "metrics.k8s.io/v1beta1" });
    expect(list.body.items.map((item: any) => item.metadata.name)).toContain(pod);
    const one = await api(`/apis/metrics.k8s.io/v1beta1/namespaces/${namespace}/pods/${pod}`);
    expect(one.body).toMatchObject({ kind: "PodMetrics", metadata: { name: pod } });
    const missing = await api(`/apis/metrics.k8s.io/v1beta1/namespaces/${namespace}/pods/missing`);
    expect(missing.status).toBe(404);
  });
});
