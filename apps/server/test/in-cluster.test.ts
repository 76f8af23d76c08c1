// BABYHELM_CLUSTER=in-cluster against the sandbox, with the ClusterRole of deploy/kubernetes/base/cluster-role.yaml:
// the server reads a ServiceAccount mount (token, ca.crt, namespace) as in a pod, and the applications flow passes
// with that role (so it is enough), every grant of it is used by the flow, and without any one rule the flow fails
// (so none is spare).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { createCluster, createLogger, type Cluster } from "@babyhelm/api/runtime";
import { createDb, type Db } from "@babyhelm/db";
import {
  ruleAllows,
  startSandbox,
  type AuthorizationDecision,
  type PolicyRule,
  type Sandbox,
} from "@babyhelm/kube-sandbox";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { loadConfig } from "../src/config.js";
import { startServer, type RunningServer } from "../src/server.js";
import {
  CookieJar,
  makeClient,
  makeStreamingClient,
  TEST_PASSWORD,
  TEST_PASSWORD_COST,
  TEST_SECRET_KEY,
  uniqueName,
} from "./support/harness.js";

const ROLE_FILE = fileURLToPath(
  new URL("../../../deploy/kubernetes/base/cluster-role.yaml", import.meta.url),
);
const PLATFORM_NAMESPACE = "babyhelm";
const ACCOUNT = "babyhelm";

/**
 * An app that makes every kind the packs render: autoscaled from 2 (so a PodDisruptionBudget), with an Ingress (its
 * host unique on the platform, which every flow's app gets as `${project}.in-cluster.example`).
 */
const baseSpec = {
  image: "nginx:1.27",
  ports: [{ port: 80 }],
  env: [{ name: "MODE", value: "one" }],
  autoscaling: { min: 2, max: 3, cpuPercent: 70 },
};

interface ClusterRole extends KubernetesObject {
  rules: PolicyRule[];
}

let sandbox: Sandbox;
let admin: Cluster;
let db: Db;
let accountDir: string;
const role = parse(readFileSync(ROLE_FILE, "utf8")) as ClusterRole;

beforeAll(async () => {
  sandbox = await startSandbox({ readyDelayMs: 20, tls: true });
  admin = createCluster({ mode: "sandbox", kubeconfigYaml: sandbox.kubeconfigYaml });
  await admin.apply([
    { apiVersion: "v1", kind: "Namespace", metadata: { name: PLATFORM_NAMESPACE } },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: ACCOUNT, namespace: PLATFORM_NAMESPACE } },
    role,
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "babyhelm" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
      subjects: [{ kind: "ServiceAccount", name: ACCOUNT, namespace: PLATFORM_NAMESPACE }],
    },
  ]);
  // What the kubelet mounts at /var/run/secrets/kubernetes.io/serviceaccount.
  accountDir = mkdtempSync(join(tmpdir(), "babyhelm-serviceaccount-"));
  const authority = sandbox.kubeconfig.clusters[0]!.cluster["certificate-authority-data"]!;
  writeFileSync(join(accountDir, "ca.crt"), Buffer.from(authority, "base64"));
  writeFileSync(join(accountDir, "token"), sandbox.serviceAccountToken(PLATFORM_NAMESPACE, ACCOUNT));
  writeFileSync(join(accountDir, "namespace"), PLATFORM_NAMESPACE);
  const url = new URL(sandbox.url);
  process.env.KUBERNETES_SERVICE_HOST = url.hostname;
  process.env.KUBERNETES_SERVICE_PORT = url.port;
  db = await createDb({});
  await db.migrate();
});

afterAll(async () => {
  await db?.close();
  await sandbox?.stop();
  if (accountDir) rmSync(accountDir, { recursive: true, force: true });
});

async function startInCluster(serviceAccountDir = accountDir): Promise<RunningServer> {
  return startServer({
    config: loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      BABYHELM_CLUSTER: "in-cluster",
      BABYHELM_SERVICE_ACCOUNT_DIR: serviceAccountDir,
      BABYHELM_NAMESPACE: PLATFORM_NAMESPACE,
      DRIFT_CHECK_INTERVAL_SECONDS: "0",
      BABYHELM_WEB_DIR: "/nonexistent/babyhelm-web",
      // Sampled by hand here; a long interval still makes apps.metrics read metrics.k8s.io.
      METRICS_SAMPLE_SECONDS: "3600",
      BABYHELM_SECRET_KEY: TEST_SECRET_KEY,
      BABYHELM_REGISTRATIONS_PER_IP_HOUR: "100000",
      // An operator's pack whose workload is a CronJob: the flow deploys one too, for the role's batch rule.
      BABYHELM_PACKS: "@babyhelm-examples/pack-cron",
    }),
    db,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? "silent"),
    passwordCost: TEST_PASSWORD_COST,
    // The flow waits for the cache itself, and stops at once when a list is refused.
    cacheSyncWaitMs: 0,
  });
}

/**
 * The applications flow, as a user drives it: throws at the first step that fails, naming it. A refusal the server
 * absorbs (the cache's lists and watches) counts as a failure too: the dashboard would show stale data.
 */
async function applicationsFlow(server: RunningServer): Promise<void> {
  const { clusterState } = server.services;
  const refusal = (namespace?: string) => {
    const error = clusterState.staleness(namespace)?.error;
    return error?.kind === "forbidden" ? error.message : undefined;
  };
  const until = async <T>(
    what: string,
    read: () => Promise<T | undefined>,
    namespace?: string,
  ): Promise<T> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const refused = refusal(namespace);
      if (refused !== undefined) throw new Error(`${what}: the cache was refused: ${refused}`);
      const value = await read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`${what}: not reached in 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const step = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
    }
  };

  await until("the cache loads", () => Promise.resolve(clusterState.synced ? true : undefined));
  const cookies = new CookieJar();
  const client = makeClient(server.url, { cookies });
  await client.auth.register.mutate({ email: `${uniqueName("ops")}@example.com`, password: TEST_PASSWORD });
  const project = uniqueName("incluster");
  await step("create the project", () => client.projects.create.mutate({ name: project }));
  // A stored secret, a config file and a persistent volume: the app's Secret, ConfigMap and claim.
  const spec = {
    ...baseSpec,
    ingress: { host: `${project}.in-cluster.example` },
    secrets: [{ name: "API_TOKEN" }],
    files: [{ path: "/etc/web/mode.conf", content: "mode: one\n" }],
    volumes: [
      { name: "data", mountPath: "/var/lib/web", persistent: { size: "1Gi", accessMode: "ReadWriteMany" } },
    ],
  };
  await step("deploy", () =>
    client.apps.create.mutate({ project, name: "web", spec, secretValues: { API_TOKEN: "first-token" } }),
  );
  const ready = (what: string) =>
    until(
      what,
      async () => {
        const status = await client.apps.status.query({ project, name: "web" });
        if (status.state === "failed") throw new Error(`${what}: ${status.message}`);
        return status.state === "ready" ? status : undefined;
      },
      project,
    );
  await ready("the app becomes ready");

  const lines = await step("read the logs", async () => {
    const streaming = makeStreamingClient(server.url, cookies);
    return new Promise<string[]>((resolve, reject) => {
      const read: string[] = [];
      const subscription = streaming.apps.logs.subscribe(
        { project, name: "web", tail: 5, follow: false },
        {
          onData: ({ data: line }) => {
            if (line.notice) reject(new Error(`a notice instead of lines: ${line.line}`));
            else read.push(line.line);
          },
          onError: reject,
          onComplete: () => {
            resolve(read);
          },
        },
      );
      setTimeout(() => {
        subscription.unsubscribe();
      }, 30_000).unref();
    });
  });
  if (lines.length === 0) throw new Error("read the logs: no lines");

  const metrics = await step("read the metrics", () =>
    client.apps.metrics.query({ project, name: "web", range: "1h" }),
  );
  if (!metrics.available) throw new Error(`read the metrics: ${metrics.reason}`);

  await step("change an environment variable and the secret", () =>
    client.apps.update.mutate({
      project,
      name: "web",
      spec: { ...spec, env: [{ name: "MODE", value: "two" }] },
      expectedRevision: 1,
      secretValues: { API_TOKEN: "second-token" },
    }),
  );
  await ready("the changed app becomes ready");
  await step("roll back", () => client.apps.rollback.mutate({ project, name: "web", revision: 1 }));
  await ready("the rolled-back app becomes ready");
  await step("restart", () => client.apps.restart.mutate({ project, name: "web" }));
  await step("delete the app, keeping its volume", () =>
    client.apps.delete.mutate({ project, name: "web", keepVolumes: true }),
  );
  await step("delete the kept volume", () =>
    client.projects.deleteVolume.mutate({ name: project, volume: "web-data" }),
  );

  const cronSpec = { image: "busybox:1.36", schedule: "@hourly" };
  await step("deploy a cron app", () =>
    client.apps.create.mutate({ project, name: "nightly", pack: "cron@1", spec: cronSpec }),
  );
  await until(
    "the cron app is ready",
    async () =>
      (await client.apps.status.query({ project, name: "nightly" })).state === "ready" ? true : undefined,
    project,
  );
  await step("change the cron app's schedule", () =>
    client.apps.update.mutate({
      project,
      name: "nightly",
      spec: { ...cronSpec, schedule: "@daily" },
      expectedRevision: 1,
    }),
  );
  await step("delete the cron app", () => client.apps.delete.mutate({ project, name: "nightly" }));
  await step("delete the project", () => client.projects.delete.mutate({ name: project }));
  const refused = refusal(project) ?? refusal();
  if (refused !== undefined) throw new Error(`the cache was refused: ${refused}`);
}

async function withRole(rules: PolicyRule[], work: () => Promise<void>): Promise<void> {
  await admin.apply([{ ...role, rules }]);
  try {
    await work();
  } finally {
    await admin.apply([role]);
  }
}

async function flowOutcome(): Promise<string | undefined> {
  const server = await startInCluster();
  try {
    await applicationsFlow(server);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await server.stop();
  }
}

/** "list namespaces", "get pods/log", "list pods.metrics.k8s.io": one grant of a rule. */
function grants(rule: PolicyRule): { verb: string; resource: string; label: string }[] {
  const group = rule.apiGroups?.[0] ?? "";
  return (rule.resources ?? []).flatMap((resource) =>
    (rule.verbs ?? []).map((verb) => ({
      verb,
      resource,
      label: `${verb} ${resource}${group === "" ? "" : `.${group}`}`,
    })),
  );
}

describe("in-cluster mode with the deploy/kubernetes ClusterRole", () => {
  it("runs the applications flow, and uses every verb on every resource the role grants", async () => {
    const decisions: AuthorizationDecision[] = [];
    const stop = sandbox.observeAuthorizations((decision) => decisions.push(decision));
    try {
      expect(await flowOutcome()).toBeUndefined();
    } finally {
      stop();
    }
    expect(decisions.filter((decision) => !decision.allowed)).toEqual([]);
    expect(new Set(decisions.map((decision) => decision.user.name))).toEqual(
      new Set([`system:serviceaccount:${PLATFORM_NAMESPACE}:${ACCOUNT}`]),
    );
    const unused = role.rules.flatMap((rule) =>
      grants(rule)
        .filter(({ verb, resource }) => {
          const narrowed: PolicyRule = { ...rule, verbs: [verb], resources: [resource] };
          return !decisions.some((decision) => ruleAllows(decision, narrowed));
        })
        .map((grant) => grant.label),
    );
    expect(unused).toEqual([]);
  });

  // Fourteen whole flows, each with a secret, a config file and a volume: minutes on a loaded machine.
  it("fails the flow, refused by the API server, without any one of the role's rules", async () => {
    const survivors: string[] = [];
    for (const [index, rule] of role.rules.entries()) {
      const refused: AuthorizationDecision[] = [];
      const stop = sandbox.observeAuthorizations((decision) => {
        if (!decision.allowed && ruleAllows(decision, rule)) refused.push(decision);
      });
      try {
        await withRole(
          role.rules.filter((_, other) => other !== index),
          async () => {
            const failure = await flowOutcome();
            // A flow failing for another reason than the missing rule would prove nothing.
            if (failure === undefined || refused.length === 0) {
              survivors.push(
                `${grants(rule)
                  .map((grant) => grant.label)
                  .join(", ")}: ${failure ?? "passed"}`,
              );
            }
          },
        );
      } finally {
        stop();
      }
    }
    expect(survivors).toEqual([]);
  }, 600_000);

  it("refuses to start without a ServiceAccount token, saying where it looked", async () => {
    const empty = mkdtempSync(join(tmpdir(), "babyhelm-no-serviceaccount-"));
    try {
      await expect(startInCluster(empty)).rejects.toThrow(
        `Cannot use the in-cluster configuration: ${join(empty, "token")} does not exist`,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  // Last: it deletes the ServiceAccount the other tests use.
  it("re-reads a rotated token, as client-go does a minute after the last read", async () => {
    await admin.apply([
      {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "babyhelm-next", namespace: PLATFORM_NAMESPACE },
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "babyhelm" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
        subjects: [
          { kind: "ServiceAccount", name: ACCOUNT, namespace: PLATFORM_NAMESPACE },
          { kind: "ServiceAccount", name: "babyhelm-next", namespace: PLATFORM_NAMESPACE },
        ],
      },
    ]);
    const server = await startInCluster();
    try {
      const client = makeClient(server.url, { cookies: new CookieJar() });
      await client.auth.register.mutate({
        email: `${uniqueName("ops")}@example.com`,
        password: TEST_PASSWORD,
      });
      await client.projects.create.mutate({ name: uniqueName("before") });
      // The kubelet writes a new token; the old one stops working (here: its ServiceAccount goes).
      writeFileSync(
        join(accountDir, "token"),
        sandbox.serviceAccountToken(PLATFORM_NAMESPACE, "babyhelm-next"),
      );
      await admin.delete({
        apiVersion: "v1",
        kind: "ServiceAccount",
        namespace: PLATFORM_NAMESPACE,
        name: ACCOUNT,
      });
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 61_000 });
      await client.projects.create.mutate({ name: uniqueName("after") });
    } finally {
      vi.useRealTimers();
      await server.stop();
    }
  });
});
