// BABYHELM_PACKS: the example packs worker@1 and cron@1 offered beside the built-in ones, apps created with them
// through the API, and a server that refuses to start when a named module is broken.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@babyhelm/db";
import { ConfigError } from "../src/config.js";
import { serverPacks } from "../src/operator-packs.js";
import { errorOf, startHarness, uniqueName, type ApiClient, type Harness } from "./support/harness.js";

const EXAMPLES = "@babyhelm-examples/pack-worker,@babyhelm-examples/pack-cron";
const SERVER_DIR = new URL("..", import.meta.url).pathname;
const FIXTURES = "./test/fixtures/pack-modules";

describe("a server with BABYHELM_PACKS naming the example packs", () => {
  let db: Db;
  let harness: Harness;
  let client: ApiClient;
  let project: string;

  beforeAll(async () => {
    db = await createDb({});
    harness = await startHarness(db, { env: { BABYHELM_PACKS: EXAMPLES } });
    client = (await harness.newUser("operator-packs")).client;
    project = uniqueName("packs");
    await client.projects.create.mutate({ name: project });
  });

  afterAll(async () => {
    await harness?.stop();
    await db?.close();
  });

  async function waitForStatus(name: string, done: (state: string) => boolean) {
    const deadline = Date.now() + 30_000;
    let status = await client.apps.status.query({ project, name });
    while (!done(status.state) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await client.apps.status.query({ project, name });
    }
    return status;
  }

  it("offers the operator's packs beside the built-in ones, with their JSON Schemas", async () => {
    const packs = await client.apps.packs.query({ project });
    expect(packs.map((pack) => pack.ref)).toEqual(
      expect.arrayContaining(["classic@1.0.0", "default@2.0.0", "worker@1.0.0", "cron@1.0.0"]),
    );
    const cron = packs.find((pack) => pack.ref === "cron@1.0.0")!;
    expect(cron.specSchema).toMatchObject({ properties: { schedule: { type: "string" } } });
    // What each pack says of its fields, for clients that know no pack by name.
    expect(cron.describes).toEqual({ image: "image", env: "env" });
    expect(packs.find((pack) => pack.ref === "worker@1.0.0")!.describes).toEqual({
      image: "image",
      env: "env",
      replicas: "replicas",
    });
    expect(packs.find((pack) => pack.ref === "classic@1.0.0")!.describes).toMatchObject({ env: "envs" });
  });

  it("reads an operator pack's env list where the pack describes it", async () => {
    await client.apps.create.mutate({
      project,
      name: "env-reader",
      pack: "worker@1",
      spec: { image: "busybox:1.36", env: [{ name: "QUEUE", value: "mail" }] },
    });
    const app = await client.apps.get.query({ project, name: "env-reader" });
    expect(app.describes).toEqual({ image: "image", env: "env", replicas: "replicas" });
    expect(app.env).toEqual([{ name: "QUEUE", value: "mail" }]);
    await client.apps.delete.mutate({ project, name: "env-reader" });
  });

  it("creates a worker app pinned to worker@1.0.0: a Deployment with no Service that becomes ready", async () => {
    const created = await client.apps.create.mutate({
      project,
      name: "mailer",
      pack: "worker@1",
      spec: { image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], replicas: 2 },
    });
    expect(created).toEqual({ name: "mailer", pack: "worker@1.0.0", revision: 1 });
    expect(harness.sandbox.store.get("deployments", project, "mailer")?.metadata.labels).toMatchObject({
      "babyhelm.io/app": "mailer",
    });
    expect(harness.sandbox.store.list("services", project)).toEqual([]);
    const status = await waitForStatus("mailer", (state) => state === "ready");
    expect(status.state, status.message).toBe("ready");
    expect(status.replicas).toMatchObject({ desired: 2, ready: 2 });
    const app = await client.apps.get.query({ project, name: "mailer" });
    expect(app).toMatchObject({ pack: "worker@1.0.0", image: "busybox:1.36", status: { state: "ready" } });
    expect(app.configuration).toMatchObject({ internalAddress: null, ports: [] });
  });

  it("refuses a bad worker spec naming the field, leaving nothing behind", async () => {
    const error = await errorOf(
      client.apps.create.mutate({
        project,
        name: "bad-worker",
        pack: "worker@1",
        spec: { image: "busybox:1.36", replicas: 500 },
      }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(JSON.stringify(error.data)).toContain("spec.replicas");
    expect(harness.sandbox.store.get("deployments", project, "bad-worker")).toBeUndefined();
    expect((await errorOf(client.apps.get.query({ project, name: "bad-worker" }))).code).toBe("NOT_FOUND");
  });

  it("creates a cron app: its CronJob is applied and the status says when it runs", async () => {
    const created = await client.apps.create.mutate({
      project,
      name: "report",
      pack: "cron@1",
      // Once a year, so that the sandbox's CronJob controller does not run it on its own during the test.
      spec: { image: "busybox:1.36", schedule: "0 0 1 1 *", command: ["sh", "-c", "date"] },
    });
    expect(created).toEqual({ name: "report", pack: "cron@1.0.0", revision: 1 });
    const cronJob = harness.sandbox.store.get("cronjobs", project, "report") as any;
    expect(cronJob?.spec).toMatchObject({ schedule: "0 0 1 1 *", concurrencyPolicy: "Forbid" });
    expect(cronJob?.metadata.labels).toMatchObject({ "babyhelm.io/app": "report" });
    const status = await waitForStatus("report", (state) => state === "ready");
    expect(status.state, status.message).toBe("ready");
    expect(status.message).toBe('Runs on the schedule "0 0 1 1 *"; it has not run yet');
    expect(status.runs).toEqual([]);
  });

  async function waitForRun(name: string, outcome: string) {
    const deadline = Date.now() + 30_000;
    let status = await client.apps.status.query({ project, name });
    while (status.runs?.[0]?.outcome !== outcome && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await client.apps.status.query({ project, name });
    }
    return status;
  }

  it("runs a cron app when its time comes: the status lists the run as succeeded, and the app list shows it", async () => {
    await client.apps.create.mutate({
      project,
      name: "nightly",
      pack: "cron@1",
      spec: { image: "busybox:1.36", schedule: "0 0 1 1 *", command: ["sh", "-c", "date"] },
    });
    const job = harness.sandbox.runCronJobNow(project, "nightly");
    expect(job).toMatch(/^nightly-\d+$/);
    const status = await waitForRun("nightly", "succeeded");
    expect(status.runs, status.message).toEqual([
      { name: job, outcome: "succeeded", startedAt: expect.any(String), finishedAt: expect.any(String) },
    ]);
    expect(status.state).toBe("ready");
    expect(status.message).toMatch(/^Runs on the schedule "0 0 1 1 \*"; last run \S+, last success \S+$/);

    const listed = await client.apps.list.query({ project });
    expect(listed.items.find((item) => item.name === "nightly")).toMatchObject({
      image: "busybox:1.36",
      status: { state: "ready", message: expect.stringContaining("last success") },
    });
  });

  it("shows a failed run of a cron app whose container crashes, with the reason, in its status and the app list", async () => {
    await client.apps.create.mutate({
      project,
      name: "broken",
      pack: "cron@1",
      spec: { image: "crash.example/report:1", schedule: "0 0 1 1 *" },
    });
    const job = harness.sandbox.runCronJobNow(project, "broken");
    const status = await waitForRun("broken", "failed");
    const [run] = status.runs ?? [];
    expect(run, status.message).toMatchObject({
      name: job,
      outcome: "failed",
      finishedAt: expect.any(String),
    });
    expect(run?.reason).toContain('Container "broken" keeps crashing');
    expect(run?.reason).toContain("Job has reached the specified backoff limit");
    expect(status.state).toBe("degraded");
    expect(status.message).toBe(`The last run, ${job}, failed: ${run?.reason}`);

    const listed = await client.apps.list.query({ project });
    expect(listed.items.find((item) => item.name === "broken")?.status).toMatchObject({
      state: "degraded",
      message: expect.stringContaining(`The last run, ${job}, failed`),
    });
  });

  it("says a cron app drifted when its CronJob is deleted behind BabyHelm's back, and deletes it with the app", async () => {
    harness.sandbox.store.delete("cronjobs", project, "report");
    const drifted = await waitForStatus("report", (state) => state === "drifted");
    expect(drifted.state, drifted.message).toBe("drifted");
    await client.apps.update.mutate({
      project,
      name: "report",
      spec: { image: "busybox:1.36", schedule: "@hourly" },
      expectedRevision: 1,
    });
    expect((harness.sandbox.store.get("cronjobs", project, "report") as any)?.spec.schedule).toBe("@hourly");
    await client.apps.delete.mutate({ project, name: "report" });
    expect(harness.sandbox.store.get("cronjobs", project, "report")).toBeUndefined();
  });
});

describe("start-up refusals", () => {
  async function problemsOf(modules: string[]): Promise<string[]> {
    const error = await serverPacks(modules, SERVER_DIR).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }

  it("names a module that cannot be found", async () => {
    expect(await problemsOf(["@babyhelm-examples/pack-nowhere"])).toEqual([
      expect.stringMatching(/^BABYHELM_PACKS: cannot find pack module "@babyhelm-examples\/pack-nowhere"/),
    ]);
  });

  it("names a module that fails to load, and one that exports no pack, in one message", async () => {
    const problems = await problemsOf([
      `${FIXTURES}/throws.mjs`,
      `${FIXTURES}/no-pack.mjs`,
      EXAMPLES.split(",")[0]!,
    ]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain(`cannot import pack module "${FIXTURES}/throws.mjs"`);
    expect(problems[0]).toContain("the pack's templates are missing");
    expect(problems[1]).toContain(`pack module "${FIXTURES}/no-pack.mjs" exports no "packs" array`);
  });

  it("refuses a pack whose name@version is built in, or offered twice", async () => {
    expect(await problemsOf(["@babyhelm/template-pack-default"])).toEqual([
      expect.stringContaining(
        '"@babyhelm/template-pack-default" provides classic@1.0.0, which is already offered (built in)',
      ),
      expect.stringContaining("provides default@2.0.0, which is already offered (built in)"),
      expect.stringContaining("provides default@2.1.0, which is already offered (built in)"),
    ]);
    const twice = await problemsOf([
      "@babyhelm-examples/pack-worker",
      "../../examples/packs/worker/src/index.ts",
    ]);
    expect(twice).toEqual([
      expect.stringContaining(
        'provides worker@1.0.0, which is already offered (from "@babyhelm-examples/pack-worker")',
      ),
    ]);
  });

  it("makes `npm start` exit with code 2 and the message, before opening anything", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "babyhelm-operator-packs-"));
    try {
      const tsx = createRequire(import.meta.url).resolve("tsx/cli");
      const child = spawn(process.execPath, [tsx, "--conditions=development", "src/main.ts"], {
        cwd: SERVER_DIR,
        env: {
          ...process.env,
          BABYHELM_PACKS: `${FIXTURES}/no-pack.mjs`,
          BABYHELM_DATA_DIR: dataDir,
          PORT: "0",
          HOST: "127.0.0.1",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(stderr).toContain(
        `BABYHELM_PACKS: pack module "${FIXTURES}/no-pack.mjs" exports no "packs" array`,
      );
      expect(code).toBe(2);
      // Refused before the database or the sandbox was made.
      expect(readdirSync(dataDir)).toEqual([]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
