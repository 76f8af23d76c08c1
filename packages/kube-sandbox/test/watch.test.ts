// Watch streams: initial state, resume from a resourceVersion, 410 Expired, selectors, timeouts and bookmarks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../src/index.js";
import { client, testSandbox, uniqueName } from "./helpers.js";

let sandbox: Sandbox;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  sandbox = await testSandbox({ bookmarkIntervalMs: 50 });
  api = client(sandbox);
});

afterAll(async () => {
  await sandbox.stop();
});

interface WatchEvent {
  type: string;
  object: any;
}

/** Reads a watch stream until `count` events arrived (or the server ended it). */
async function readEvents(path: string, count: number, during?: () => Promise<void>): Promise<WatchEvent[]> {
  const controller = new AbortController();
  const response = await fetch(`${sandbox.url}${path}`, {
    headers: { Authorization: `Bearer ${sandbox.token}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: WatchEvent[] = [];
  let buffer = "";
  const pending = during?.();
  while (events.length < count) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      events.push(JSON.parse(buffer.slice(0, newline)) as WatchEvent);
      buffer = buffer.slice(newline + 1);
    }
  }
  await pending;
  controller.abort();
  return events;
}

async function newNamespace(): Promise<string> {
  const name = uniqueName("watch");
  await api("/api/v1/namespaces", { method: "POST", body: { metadata: { name } } });
  return name;
}

const configMaps = (namespace: string): string => `/api/v1/namespaces/${namespace}/configmaps`;

describe("watch", () => {
  it("starts with the current objects as ADDED, then follows changes", async () => {
    const namespace = await newNamespace();
    await api(configMaps(namespace), { method: "POST", body: { metadata: { name: "existing" } } });
    const events = await readEvents(`${configMaps(namespace)}?watch=true`, 4, async () => {
      await api(configMaps(namespace), { method: "POST", body: { metadata: { name: "new" } } });
      await api(`${configMaps(namespace)}/new`, {
        method: "PATCH",
        contentType: "application/merge-patch+json",
        body: { data: { a: "b" } },
      });
      await api(`${configMaps(namespace)}/new`, { method: "DELETE" });
    });
    expect(events.map((event) => `${event.type} ${event.object.metadata.name}`)).toEqual([
      "ADDED existing",
      "ADDED new",
      "MODIFIED new",
      "DELETED new",
    ]);
  });

  it("replays history from a resourceVersion", async () => {
    const namespace = await newNamespace();
    const first = await api(configMaps(namespace), { method: "POST", body: { metadata: { name: "a" } } });
    await api(configMaps(namespace), { method: "POST", body: { metadata: { name: "b" } } });
    await api(`${configMaps(namespace)}/a`, { method: "DELETE" });
    const events = await readEvents(
      `${configMaps(namespace)}?watch=1&resourceVersion=${first.body.metadata.resourceVersion}`,
      2,
    );
    expect(events.map((event) => `${event.type} ${event.object.metadata.name}`)).toEqual([
      "ADDED b",
      "DELETED a",
    ]);
  });

  it("sends a 410 Expired ERROR event for a resourceVersion older than the history", async () => {
    const events = await readEvents("/api/v1/configmaps?watch=true&resourceVersion=1", 1);
    expect(events[0]?.type).toBe("ERROR");
    expect(events[0]?.object).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });
    expect(events[0]?.object.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
  });

  it("filters by label selector, turning 'stopped matching' into DELETED", async () => {
    const namespace = await newNamespace();
    const events = await readEvents(
      `${configMaps(namespace)}?watch=true&labelSelector=app%3Dweb`,
      3,
      async () => {
        await api(configMaps(namespace), {
          method: "POST",
          body: { metadata: { name: "other", labels: { app: "db" } } },
        });
        await api(configMaps(namespace), {
          method: "POST",
          body: { metadata: { name: "web", labels: { app: "web" } } },
        });
        await api(`${configMaps(namespace)}/other`, {
          method: "PATCH",
          contentType: "application/merge-patch+json",
          body: { metadata: { labels: { app: "web" } } },
        });
        await api(`${configMaps(namespace)}/web`, {
          method: "PATCH",
          contentType: "application/merge-patch+json",
          body: { metadata: { labels: { app: "none" } } },
        });
      },
    );
    expect(events.map((event) => `${event.type} ${event.object.metadata.name}`)).toEqual([
      "ADDED web",
      "ADDED other",
      "DELETED web",
    ]);
  });

  it("ends after timeoutSeconds and sends bookmarks when allowed", async () => {
    const namespace = await newNamespace();
    const started = Date.now();
    const events = await readEvents(
      `${configMaps(namespace)}?watch=true&timeoutSeconds=1&allowWatchBookmarks=true`,
      1000,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((event) => event.type === "BOOKMARK")).toBe(true);
    expect(events[0]?.object).toMatchObject({ kind: "ConfigMap", apiVersion: "v1" });
    expect(events[0]?.object.metadata.resourceVersion).toMatch(/^\d+$/);
  });
});
