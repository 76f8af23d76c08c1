// Three replicas on one PostgreSQL behave like one server. Each replica is its own process started from sources, all
// three at once on a fresh database, the kube-sandbox runs as a process of its own (reached through its kubeconfig),
// and Debian's nginx balances them round-robin. A client creates apps through nginx while one replica is killed with
// SIGKILL: every acknowledged app exists with its objects, nothing else is left once orphans are collected, and status
// streams resume on another replica. Then the checks of issue 13 across replicas: one login limit, revocation seen
// by every replica, one alert per change of state.
import { existsSync } from "node:fs";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  APP_LABEL,
  APP_OWNED_KINDS,
  createCluster,
  PROJECT_LABEL,
  waitFor,
  type Cluster,
} from "@babyhelm/api/testing";
import { createDb, type Db } from "@babyhelm/db";
import { emptyDatabase, type EmptyDatabase } from "@babyhelm/db/testing";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import {
  CookieJar,
  errorOf,
  makeClient,
  makeStreamingClient,
  TEST_PASSWORD,
  uniqueName,
  type ApiClient,
} from "./support/harness.js";
import { NGINX, ReplicaStack, type Replica } from "./support/replicas.js";
import { Receiver } from "./support/webhook-receiver.js";

const REPLICAS = 3;
const BURST = 12;
/** Slow enough that a rollout started before the kill is still going on when the replica dies. */
const READY_DELAY_MS = 8_000;
/** Generous: three replicas, the sandbox and nginx share two busy cores. */
const DEADLINE_MS = 120_000;
const SPEC = { image: "nginx:1.27", ports: [{ port: 80 }] };

async function whyNotHere(): Promise<string | undefined> {
  const url = process.env.TEST_DATABASE_URL;
  if (url === undefined || url === "")
    return "replicas test skipped: TEST_DATABASE_URL is not set (PostgreSQL)";
  if (!existsSync(NGINX)) return `replicas test skipped: no nginx at ${NGINX} (apt-get install nginx)`;
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return `replicas test skipped: PostgreSQL at TEST_DATABASE_URL does not answer (${String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const skipReason = await whyNotHere();
if (skipReason !== undefined) console.warn(skipReason);

// Every test waits for conditions with deadlines of its own; the test's timeout only has to be longer than those.
describe.skipIf(skipReason !== undefined)(
  "three replicas behind nginx on one PostgreSQL",
  { timeout: 4 * DEADLINE_MS },
  () => {
    let database: EmptyDatabase;
    let db: Db;
    let stack: ReplicaStack;
    let cluster: Cluster;
    const receiver = new Receiver();
    let owner: ApiClient;
    let ownerCookies: CookieJar;
    /** The project the current test deploys to: a burst takes most of a project's quota (20 Services). */
    let project = "";
    let namespace = "";

    beforeAll(async () => {
      database = await emptyDatabase(process.env.TEST_DATABASE_URL!);
      await receiver.start();
      stack = new ReplicaStack({
        databaseUrl: database.url,
        replicas: REPLICAS,
        readyDelayMs: READY_DELAY_MS,
        env: {
          // Each periodic job often enough for the test to see it run, and on exactly one replica at a time.
          DRIFT_CHECK_INTERVAL_SECONDS: "1",
          METRICS_SAMPLE_SECONDS: "2",
          // Every client of the test signs up from 127.0.0.1.
          BABYHELM_REGISTRATIONS_PER_IP_HOUR: "1000",
          // The alert webhook is this process, on a private address.
          ALERT_PRIVATE_WEBHOOKS: "true",
          // nginx is the one proxy in front, as deploy/nginx/babyhelm.conf says.
          TRUST_PROXY: "1",
          // An hour: a revoked credential refused by another replica within the test's deadline was told, not expired.
          BABYHELM_CREDENTIAL_CACHE_SECONDS: "3600",
          // Short, but longer than a create takes from its first apply to its commit on a busy machine.
          ORPHAN_GRACE_SECONDS: "15",
        },
      });
      await stack.start();
      db = await createDb({ databaseUrl: database.url, poolSize: 2 });
      cluster = createCluster({ mode: "kubeconfig", kubeconfigPath: stack.kubeconfigPath });
    }, 4 * DEADLINE_MS);

    afterAll(async () => {
      await stack?.stop();
      await receiver.stop();
      await db?.close();
      await database?.drop();
    }, DEADLINE_MS);

    afterEach((context) => {
      if (context.task.result?.state !== "fail") return;
      for (const child of stack.children) {
        console.error(`--- ${child.name} (pid ${child.pid}, ${child.alive ? "alive" : "exited"}) ---`);
        console.error(child.output.slice(-8_000));
      }
      console.error(`--- nginx error log ---\n${stack.nginxLog().slice(-8_000)}`);
    });

    async function useNewProject(): Promise<void> {
      project = uniqueName("replicas");
      ({ namespace } = await owner.projects.create.mutate({ name: project }));
    }

    /** A client straight to one replica, signed in with the owner's cookies. */
    const onReplica = (replica: Replica) => makeClient(replica.url, { cookies: ownerCookies });

    /** The names of the project's apps in the database. */
    async function appsInDatabase(): Promise<Set<string>> {
      const rows = await db.kysely
        .selectFrom("applications")
        .innerJoin("projects", "projects.id", "applications.project_id")
        .where("projects.name", "=", project)
        .select("applications.name")
        .execute();
      return new Set(rows.map((row) => row.name));
    }

    /** Every object in the project's namespace labelled as an app's, by app. */
    async function appObjectsInCluster(): Promise<Map<string, KubernetesObject[]>> {
      const lists = await Promise.all(
        APP_OWNED_KINDS.map(({ apiVersion, kind }) =>
          cluster.list(apiVersion, kind, {
            namespace,
            labelSelector: `${PROJECT_LABEL}=${project},${APP_LABEL}`,
          }),
        ),
      );
      const byApp = new Map<string, KubernetesObject[]>();
      for (const object of lists.flat()) {
        const app = object.metadata.labels![APP_LABEL]!;
        byApp.set(app, [...(byApp.get(app) ?? []), object]);
      }
      return byApp;
    }

    /** "Kind/name" of what the app's current revision applies. */
    async function storedObjects(app: string): Promise<string[]> {
      const row = await db.kysely
        .selectFrom("app_revisions")
        .innerJoin("applications", "applications.id", "app_revisions.app_id")
        .innerJoin("projects", "projects.id", "applications.project_id")
        .where("projects.name", "=", project)
        .where("applications.name", "=", app)
        .whereRef("app_revisions.revision", "=", "applications.current_revision")
        .select("app_revisions.manifests")
        .executeTakeFirstOrThrow();
      return (row.manifests as KubernetesObject[]).map(refName).sort();
    }

    it("serves a user registering, signing in and creating a project through nginx", async () => {
      ownerCookies = new CookieJar();
      owner = makeClient(stack.nginxUrl, { cookies: ownerCookies });
      const email = `${uniqueName("owner")}@example.com`;
      await owner.auth.register.mutate({ email, password: TEST_PASSWORD });
      await owner.auth.login.mutate({ email, password: TEST_PASSWORD, mode: "cookie" });
      await useNewProject();
      // Every replica knows the session: it lives in the database, not in the replica that made it.
      for (const replica of stack.replicas) {
        expect(await onReplica(replica).auth.me.query()).toMatchObject({ email });
      }
    });

    interface Burst {
      names: string[];
      acknowledged: string[];
      failed: string[];
      streams: StatusStream[];
    }

    /**
     * Starts a rollout followed by one status stream per replica (nginx hands consecutive requests round-robin), then
     * a burst of creates through nginx, and `stop`s replica `victim` once the first create has an answer.
     */
    async function burstWhileStopping(
      prefix: string,
      victim: Replica,
      stop: (replica: Replica) => Promise<void>,
    ): Promise<Burst> {
      await owner.apps.create.mutate({ project, name: `${prefix}-watched`, spec: SPEC });
      const streaming = makeStreamingClient(stack.nginxUrl, ownerCookies);
      const streams: StatusStream[] = [];
      for (let index = 0; index < REPLICAS; index++) {
        const stream = followStatus(streaming, project, `${prefix}-watched`);
        streams.push(stream);
        await stream.first;
      }

      const names = Array.from(
        { length: BURST },
        (_, index) => `${prefix}-${String(index + 1).padStart(2, "0")}`,
      );
      const outcomes = names.map((name) =>
        owner.apps.create.mutate({ project, name, spec: SPEC }).then(
          () => "acknowledged" as const,
          (error: unknown) => error as Error,
        ),
      );
      await Promise.race(outcomes);
      expect(
        streams.filter((stream) => stream.completed),
        "the watched rollout ended before the stop: raise READY_DELAY_MS",
      ).toEqual([]);
      for (const stream of streams) stream.stopped = true;
      await stop(victim);
      const results = await Promise.all(outcomes);
      const failed = names.filter((_, index) => results[index] !== "acknowledged");
      console.info(
        `${prefix}: ${BURST} creates with replica ${victim.index} stopped: ${BURST - failed.length} acknowledged, ` +
          `${failed.length} failed (${failed.map((name) => `${name}: ${(results[names.indexOf(name)] as Error).message.slice(0, 60)}`).join("; ") || "none"})`,
      );
      return { names, acknowledged: names.filter((name) => !failed.includes(name)), failed, streams };
    }

    /** Every acknowledged app is in the database, and in the cluster with every object its revision applies. */
    async function expectWhole(apps: readonly string[]): Promise<void> {
      const inDatabase = await appsInDatabase();
      const inCluster = await appObjectsInCluster();
      for (const name of apps) {
        expect(inDatabase.has(name), name).toBe(true);
        expect((inCluster.get(name) ?? []).map(refName).sort(), name).toEqual(await storedObjects(name));
      }
    }

    /** Every stream went on after the stop until the rollout was ready, the one on the stopped replica from another. */
    async function expectStreamsResumed(streams: StatusStream[]): Promise<void> {
      await waitFor(() => (streams.every((stream) => stream.readyAfterStop) ? true : undefined), {
        what: "every status stream to see the watched app ready after the stop",
        timeoutMs: DEADLINE_MS,
        intervalMs: 100,
      });
      expect(streams.filter((stream) => stream.reconnects > 0).length).toBeGreaterThanOrEqual(1);
      expect(streams.map((stream) => stream.error)).toEqual(streams.map(() => undefined));
    }

    it("keeps every acknowledged create, and the status streams, when a replica is killed mid-burst", async () => {
      const { acknowledged, failed, streams } = await burstWhileStopping(
        "kill",
        stack.replicas[1]!,
        (replica) => replica.child.kill("SIGKILL"),
      );
      expect(acknowledged.length).toBeGreaterThan(0);
      await expectWhole(acknowledged);
      const inDatabase = await appsInDatabase();

      const leftByTheKill = [...(await appObjectsInCluster()).keys()].filter((app) => !inDatabase.has(app));
      console.info(
        `apps with objects but no row right after the burst: ${leftByTheKill.join(", ") || "none"}`,
      );
      // What a dying replica leaves for sure: objects applied, the row never committed.
      await cluster.apply([
        {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: {
            name: "ghost-config",
            namespace,
            labels: { [PROJECT_LABEL]: project, [APP_LABEL]: "ghost" },
          },
          data: { left: "by a replica that died before its commit" },
        },
      ]);
      // Once the grace period has passed, every labelled object belongs to an app the database has, and each of those
      // apps has all its objects: failed creates are either whole or gone, never half there.
      const settled = await waitFor(
        async () => {
          const apps = await appsInDatabase();
          const objects = await appObjectsInCluster();
          return [...objects.keys()].every((app) => apps.has(app)) ? { apps, objects } : undefined;
        },
        { what: "the orphans to be collected", timeoutMs: 2 * DEADLINE_MS, intervalMs: 500 },
      );
      for (const name of [...settled.apps]) {
        expect((settled.objects.get(name) ?? []).map(refName).sort(), name).toEqual(
          await storedObjects(name),
        );
      }
      // The orphan pass ran on one replica at a time: the planted object was removed once, by one of them.
      const removal = `"${project}/ConfigMap/ghost-config"`;
      const removals = stack.replicas.map((replica) => replica.child.output.split(removal).length - 1);
      expect(
        removals.reduce((sum, count) => sum + count, 0),
        `removals by replica: ${removals.join(", ")}`,
      ).toBe(1);
      console.info(
        `after the grace period: ${failed.filter((name) => settled.apps.has(name)).length} of the failed creates ` +
          "had committed (whole), the others left nothing",
      );

      await expectStreamsResumed(streams);
    });

    it("takes a replacement replica on the dead one's port back into the rotation", async () => {
      const dead = stack.replicas[1]!;
      expect(dead.child.alive).toBe(false);
      const replacement = await stack.startReplica(dead.index, dead.port);
      expect(await onReplica(replacement).projects.list.query({})).toMatchObject({
        items: [expect.objectContaining({ name: project })],
      });
      // nginx sends to it again: each replica answers one of three consecutive requests.
      await waitFor(
        async () => {
          const answered = await Promise.all(
            Array.from({ length: REPLICAS }, () => owner.projects.list.query({}).then(() => true)),
          );
          return answered.every(Boolean) ? true : undefined;
        },
        { what: "nginx to answer through every replica", timeoutMs: DEADLINE_MS },
      );
    });

    it("drains a replica stopped with SIGTERM mid-burst: its creates finish, its streams resume elsewhere", async () => {
      await useNewProject();
      const victim = stack.replicas[2]!;
      const { acknowledged, failed, streams } = await burstWhileStopping("term", victim, (replica) =>
        replica.child.kill("SIGTERM"),
      );
      expect(await victim.child.exited).toEqual({ code: 0, signal: null });
      await expectWhole(acknowledged);
      // A create refused on the way (nginx found the replica closed) left nothing: a graceful stop leaves no orphan.
      const inDatabase = await appsInDatabase();
      const inCluster = await appObjectsInCluster();
      for (const name of failed) expect(inDatabase.has(name) || inCluster.has(name), name).toBe(false);
      await expectStreamsResumed(streams);
      await stack.startReplica(victim.index, victim.port);
    });

    it("refuses wrong passwords spread over the replicas at the limit of one replica", async () => {
      const anonymous = makeClient(stack.nginxUrl);
      const email = `${uniqueName("guessed")}@example.com`;
      await anonymous.auth.register.mutate({ email, password: TEST_PASSWORD, mode: "token" });
      // Round-robin, replica by replica: with a limit per replica, 3 × 5 free failures would pass before a refusal.
      const freePerReplica = 5;
      let failures = 0;
      for (;;) {
        const refused = await errorOf(
          anonymous.auth.login.mutate({ email, password: "wrong password!", mode: "token" }),
        );
        if (refused.code === "TOO_MANY_REQUESTS") break;
        expect(refused.code).toBe("UNAUTHORIZED");
        failures++;
        expect(failures, "wrong passwords answered before the first refusal").toBeLessThan(
          REPLICAS * freePerReplica,
        );
      }
      // The free failures are honoured; each failure past them doubles the wait, so a slow machine may fit a few more.
      expect(failures).toBeGreaterThanOrEqual(freePerReplica);
      console.info(`login limit: refused after ${failures} wrong passwords spread over ${REPLICAS} replicas`);
    });

    /**
     * Every replica validates `token` (so each holds it in its credential cache for an hour), `revoke` ends it through
     * the first replica, and each other one must then refuse it: only a notification can tell them within the hour.
     */
    async function refusedEverywhereAfter(token: string, revoke: (replica: Replica) => Promise<unknown>) {
      const [revoker, ...others] = stack.replicas;
      for (const replica of stack.replicas) {
        expect(await makeClient(replica.url, { token }).auth.me.query()).not.toBeNull();
      }
      await revoke(revoker!);
      const revokedAt = performance.now();
      return Promise.all(
        others.map(async (replica) => {
          const client = makeClient(replica.url, { token });
          await waitFor(async () => ((await client.auth.me.query()) === null ? true : undefined), {
            what: `replica ${replica.index} to refuse the ended credential`,
            timeoutMs: DEADLINE_MS,
          });
          return Math.round(performance.now() - revokedAt);
        }),
      );
    }

    it("refuses a revoked API token and a signed-out session on every replica", async () => {
      const { id, token } = await owner.auth.tokens.create.mutate({ name: uniqueName("ci") });
      const tokenSeenAfterMs = await refusedEverywhereAfter(token, (replica) =>
        onReplica(replica).auth.tokens.revoke.mutate({ id }),
      );
      const { email } = await owner.auth.me.query().then((me) => me!);
      const session = await makeClient(stack.nginxUrl).auth.login.mutate({
        email,
        password: TEST_PASSWORD,
        mode: "token",
      });
      const sessionSeenAfterMs = await refusedEverywhereAfter(session.token!, (replica) =>
        makeClient(replica.url, { token: session.token! }).auth.logout.mutate(),
      );
      console.info(
        `revocation seen by the other replicas after ${tokenSeenAfterMs.join(", ")} ms (API token), ` +
          `${sessionSeenAfterMs.join(", ")} ms (sign-out)`,
      );
    });

    it("sends one alert per change of state, however many replicas watch the app", async () => {
      await useNewProject();
      await owner.alerts.set.mutate({
        project,
        target: { type: "slack", url: `${receiver.url}/slack/replicas` },
      });
      const failedAlerts = () =>
        receiver.requests.filter((request) => /\/broken failed/.test(request.body.text ?? ""));
      const recoveredAlerts = () =>
        receiver.requests.filter((request) => /\/broken recovered/.test(request.body.text ?? ""));
      await owner.apps.create.mutate({
        project,
        name: "broken",
        spec: { image: "invalid.example/app:1", ports: [{ port: 80 }] },
      });
      /** Reads the app's status on every replica until each sees `state`: each would alert on a change it saw. */
      const everyReplicaSees = (state: string) =>
        waitFor(
          async () => {
            const states = await Promise.all(
              stack.replicas.map(
                async (replica) =>
                  (await onReplica(replica).apps.status.query({ project, name: "broken" })).state,
              ),
            );
            return states.every((seen) => seen === state) ? true : undefined;
          },
          { what: `every replica to see broken ${state}`, timeoutMs: DEADLINE_MS, intervalMs: 200 },
        );
      await everyReplicaSees("failed");
      await waitFor(() => (failedAlerts().length > 0 ? true : undefined), {
        what: "the failure alert",
        timeoutMs: DEADLINE_MS,
      });

      await owner.apps.update.mutate({ project, name: "broken", spec: SPEC, expectedRevision: 1 });
      await everyReplicaSees("ready");
      await waitFor(() => (recoveredAlerts().length > 0 ? true : undefined), {
        what: "the recovery alert",
        timeoutMs: DEADLINE_MS,
      });
      // The recovery came after every replica saw the failure and the drift checks ran meanwhile: a second failure
      // alert would have been sent by then.
      expect(failedAlerts()).toHaveLength(1);
      expect(recoveredAlerts()).toHaveLength(1);
    });
  },
);

function refName(object: KubernetesObject): string {
  return `${object.kind}/${object.metadata.name}`;
}

interface StatusStream {
  first: Promise<void>;
  completed: boolean;
  /** Set just before the replica is stopped. */
  stopped: boolean;
  readyAfterStop: boolean;
  reconnects: number;
  error: unknown;
}

/** Follows `apps.watchStatus` as the dashboard does, noting what arrives after the kill and each reconnection. */
function followStatus(client: ApiClient, project: string, name: string): StatusStream {
  let started!: () => void;
  const stream: StatusStream = {
    first: new Promise((resolve) => (started = resolve)),
    completed: false,
    stopped: false,
    readyAfterStop: false,
    reconnects: 0,
    error: undefined,
  };
  client.apps.watchStatus.subscribe(
    { project, name },
    {
      // Tracked events: the id lets a reconnected stream resume after the last one it got.
      onData: ({ data: status }) => {
        if (stream.stopped && status.state === "ready") stream.readyAfterStop = true;
        started();
      },
      onError: (error) => (stream.error = error),
      onComplete: () => (stream.completed = true),
      onConnectionStateChange: (state) => {
        if (state.state === "connecting" && state.error !== null) stream.reconnects++;
      },
    },
  );
  return stream;
}
