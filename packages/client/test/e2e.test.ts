// The whole product through the typed client, as a CI script would drive it, against the server's own sandbox.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningServer } from "@babyhelm/server";
import {
  errorCode,
  RolloutError,
  RolloutTimeoutError,
  waitForRollout,
  type AppStatus,
  type BabyhelmClient,
} from "../src/index.js";
import { registeredClient, startTestServer, type TestServer } from "./server.js";

let running: TestServer;
let server: RunningServer;

beforeAll(async () => {
  // Slow enough that a rollout of 2 pods is seen step by step.
  running = await startTestServer({ sandboxReadyDelayMs: 1500 });
  ({ server } = running);
});

afterAll(async () => {
  await running?.stop();
});

/** Every status the server streams until the rollout is ready. */
async function watchRollout(client: BabyhelmClient, project: string, name: string): Promise<AppStatus[]> {
  const seen: AppStatus[] = [];
  await waitForRollout(client, {
    project,
    name,
    timeoutMs: 60_000,
    onProgress: (status) => seen.push(status),
  });
  return seen;
}

it("register → project → deploy → ready → env change → roll back → restart → failed image → delete all", async () => {
  const client = await registeredClient(server.url, "e2e@example.com");
  const project = "e2e";
  await client.projects.create.mutate({ name: project });

  const spec = {
    image: "nginx:1.27",
    ports: [{ port: 80 }],
    replicas: 2,
    env: [{ name: "MODE", value: "one" }],
  };
  expect(await client.apps.create.mutate({ project, name: "web", pack: "default@2", spec })).toEqual({
    name: "web",
    pack: "default@2.1.0",
    revision: 1,
  });
  // Pods take 1.5 s here: a shorter wait runs out while the rollout goes on, and says where it was.
  const impatient = await waitForRollout(client, { project, name: "web", timeoutMs: 300 }).catch(
    (error: unknown) => error,
  );
  expect(impatient).toBeInstanceOf(RolloutTimeoutError);
  expect((impatient as RolloutTimeoutError).message).toMatch(/^App e2e\/web did not settle within 0\.3 s/);
  const rollout = await watchRollout(client, project, "web");
  expect(rollout.at(-1)).toMatchObject({ state: "ready", progress: { done: 2, total: 2 } });
  expect(rollout[0]!.state).toBe("deploying");
  const progress = rollout.map((status) => status.progress.done);
  expect(progress).toEqual([...progress].sort((a, b) => a - b));

  const updated = await client.apps.update.mutate({
    project,
    name: "web",
    spec: { ...spec, env: [{ name: "MODE", value: "two" }] },
    expectedRevision: 1,
  });
  expect(updated.revision).toBe(2);
  expect((await client.apps.get.query({ project, name: "web" })).env).toEqual([
    { name: "MODE", value: "two" },
  ]);
  expect((await watchRollout(client, project, "web")).at(-1)?.state).toBe("ready");

  expect((await client.apps.rollback.mutate({ project, name: "web", revision: 1 })).revision).toBe(3);
  const history = await client.apps.revisions.query({ project, name: "web" });
  expect(history.items.map((item) => item.revision)).toEqual([3, 2, 1]);
  expect(history.items[0]!.spec).toEqual(history.items[2]!.spec);
  expect((await client.apps.get.query({ project, name: "web" })).env).toEqual([
    { name: "MODE", value: "one" },
  ]);
  expect((await watchRollout(client, project, "web")).at(-1)?.state).toBe("ready");

  const { restartedAt } = await client.apps.restart.mutate({ project, name: "web" });
  expect(Date.parse(restartedAt)).not.toBeNaN();
  const afterRestart = await watchRollout(client, project, "web");
  expect(afterRestart.at(-1)?.state).toBe("ready");

  await client.apps.create.mutate({
    project,
    name: "broken",
    spec: { image: "invalid.example/app:1", ports: [{ port: 8080 }] },
  });
  const refused = await waitForRollout(client, { project, name: "broken" }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(RolloutError);
  expect((refused as RolloutError).message).toMatch(/^App e2e\/broken is failed: .*invalid\.example\/app:1/);
  const failed = (refused as RolloutError).status;
  expect(failed.state).toBe("failed");
  expect(failed.message).toContain("invalid.example/app:1");
  expect(failed.pods.some((pod) => /ErrImagePull|ImagePullBackOff/.test(pod.waitingReason ?? ""))).toBe(true);

  const notEmpty = await client.projects.delete.mutate({ name: project }).catch((error: unknown) => error);
  expect(errorCode(notEmpty)).toBe("PRECONDITION_FAILED");
  await client.apps.delete.mutate({ project, name: "web" });
  await client.apps.delete.mutate({ project, name: "broken" });
  expect(await client.projects.delete.mutate({ name: project })).toMatchObject({
    deleted: project,
    namespaceRemoved: true,
  });

  const store = server.sandbox!.store;
  expect(store.get("namespaces", undefined, project)).toBeUndefined();
  for (const resource of [
    "deployments",
    "replicasets",
    "pods",
    "services",
    "horizontalpodautoscalers",
    "resourcequotas",
  ]) {
    expect(store.list(resource, project), resource).toEqual([]);
  }
  expect((await client.projects.list.query({})).items).toEqual([]);
});
