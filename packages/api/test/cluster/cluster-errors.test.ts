// How failures of the API server reach the rest of the server: kinds, retryability, deadlines, and messages a user
// can act on that never carry a credential.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "@babyhelm/kube-sandbox";
import { ClusterError, createCluster, type Cluster } from "../../src/cluster/cluster.js";
import { configMap, newNamespace, rejectionOf, sandboxCluster } from "./helpers.js";

let sandbox: Sandbox;
let cluster: Cluster;
let namespace: string;
const messages: string[] = [];

beforeAll(async () => {
  ({ sandbox, cluster } = await sandboxCluster());
  namespace = await newNamespace(cluster);
});

afterEach(async () => {
  sandbox.faults.clear();
  await sandbox.faults.up();
});

afterAll(async () => {
  await sandbox.stop();
});

/** The ClusterError a call fails with; every message is kept for the credential check at the end. */
async function failure(promise: Promise<unknown>): Promise<ClusterError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(ClusterError);
  const clusterError = error as ClusterError;
  messages.push(clusterError.message, ...(clusterError.causes ?? []).map((cause) => cause.message));
  return clusterError;
}

function freshCluster(requestTimeoutMs?: number): Cluster {
  return createCluster(
    { mode: "sandbox", kubeconfigYaml: sandbox.kubeconfigYaml },
    requestTimeoutMs === undefined ? {} : { requestTimeoutMs },
  );
}

describe("answers of the API server", () => {
  it("turns a 500 into a retryable 'unavailable' that names the object and says to try again", async () => {
    sandbox.faults.fail({
      match: { verb: "patch", resource: "configmaps" },
      code: 500,
      message: "etcd is sad",
    });
    const error = await failure(cluster.apply([configMap("settings", namespace, {})]));
    expect(error).toMatchObject({ kind: "unavailable", status: 500, retryable: true });
    expect(error.message).toBe(
      `Applying ConfigMap "settings" in namespace "${namespace}" failed: the API server answered 500 ` +
        `InternalError: etcd is sad. Try again in a moment.`,
    );
  });

  it("turns a 429 into 'unavailable' too", async () => {
    sandbox.faults.fail({ match: { verb: "list" }, code: 429, message: "slow down" });
    const error = await failure(cluster.list("v1", "ConfigMap", { namespace }));
    expect(error).toMatchObject({ kind: "unavailable", status: 429, retryable: true });
    expect(error.message).toContain("slow down. Try again in a moment.");
  });

  it("maps 403 to 'forbidden' with an RBAC hint, except for a namespace being deleted", async () => {
    sandbox.faults.fail({
      match: { verb: "get" },
      code: 403,
      message: 'configmaps "x" is forbidden: no access',
    });
    const rbac = await failure(cluster.get({ apiVersion: "v1", kind: "ConfigMap", name: "x", namespace }));
    expect(rbac).toMatchObject({ kind: "forbidden", status: 403, retryable: false });
    expect(rbac.message).toContain("RBAC");
    sandbox.faults.fail({
      match: { verb: "patch" },
      code: 403,
      message: `configmaps "x" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    });
    const terminating = await failure(cluster.apply([configMap("x", namespace, {})]));
    expect(terminating).toMatchObject({ kind: "forbidden", retryable: true });
    expect(terminating.message).toContain("Wait until the namespace is gone and try again.");
    expect(terminating.message).not.toContain("RBAC");
  });

  it("maps a quota's refusal to 'invalid' naming the quota, not to an RBAC problem", async () => {
    const own = await newNamespace(cluster);
    await cluster.apply([
      {
        apiVersion: "v1",
        kind: "ResourceQuota",
        metadata: { name: "objects", namespace: own },
        spec: { hard: { "count/configmaps": "0" } },
      },
    ]);
    const refused = await failure(cluster.apply([configMap("x", own, {})]));
    expect(refused).toMatchObject({ kind: "invalid", status: 403, retryable: false });
    expect(refused.message).toContain(
      'the namespace\'s ResourceQuota "objects" does not allow it (403 Forbidden)',
    );
    expect(refused.message).toContain(
      'configmaps "x" is forbidden: exceeded quota: objects, requested: count/configmaps=1, used: count/configmaps=0, limited: count/configmaps=0',
    );
    expect(refused.message).toContain("raise the project's quota");
    expect(refused.message).not.toContain("RBAC");
  });

  it("maps 409 to a retryable 'conflict'", async () => {
    sandbox.faults.fail({ match: { verb: "patch" }, code: 409, message: "the object has been modified" });
    const error = await failure(cluster.apply([configMap("x", namespace, {})]));
    expect(error).toMatchObject({ kind: "conflict", status: 409, retryable: true });
  });

  it("maps 401 to 'unauthorized' with a credentials hint, without the token", async () => {
    const wrongToken = "not-the-sandbox-token-0123456789";
    const stranger = createCluster({
      mode: "sandbox",
      kubeconfigYaml: sandbox.kubeconfigYaml.replace(sandbox.token, wrongToken),
    });
    const error = await failure(stranger.ping());
    expect(error).toMatchObject({ kind: "unauthorized", status: 401, retryable: false });
    expect(error.message).toContain("did not accept BabyHelm's credentials");
    expect(error.message).not.toContain(wrongToken);
  });

  it("redacts the token even when the server echoes it back", async () => {
    sandbox.faults.fail({ match: { verb: "get" }, code: 500, message: `bad token ${sandbox.token}` });
    const error = await failure(cluster.get({ apiVersion: "v1", kind: "ConfigMap", name: "x", namespace }));
    expect(error.message).toContain("bad token [redacted]");
  });
});

describe("connections and deadlines", () => {
  it("reports a dropped connection as 'unreachable' at once", async () => {
    sandbox.faults.fail({ match: { verb: "patch" }, drop: true });
    const started = Date.now();
    const error = await failure(cluster.apply([configMap("x", namespace, {})]));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toMatchObject({ kind: "unreachable", retryable: true });
    expect(error.message).toContain("was closed before it answered");
    expect(error.message).toContain("Is the cluster running? Check BABYHELM_CLUSTER / KUBECONFIG.");
  });

  it("gives up after requestTimeoutMs when the API server is slow, naming the server and the deadline", async () => {
    // Only lists are slow: discovery (a plain GET) answers at once, so the one deadline hit is the list's.
    sandbox.faults.delay(60_000, { verb: "list" });
    const impatient = freshCluster(500);
    const started = Date.now();
    const error = await failure(impatient.list("v1", "ConfigMap", { namespace }));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(490);
    expect(elapsed).toBeLessThan(2500);
    expect(error).toMatchObject({ kind: "timeout", retryable: true });
    expect(error.message).toBe(
      `Listing ConfigMap objects in namespace "${namespace}" failed: the API server at ${sandbox.url} did not ` +
        `answer within 0.5 s. It may be overloaded or unreachable: try again, and if it keeps happening, check ` +
        `BABYHELM_CLUSTER / KUBECONFIG.`,
    );
  });

  it("puts the deadline on discovery, pings and streams as well", async () => {
    sandbox.faults.delay(60_000);
    const impatient = freshCluster(200);
    const started = Date.now();
    const discovery = await failure(
      impatient.get({ apiVersion: "apps/v1", kind: "Deployment", name: "x", namespace }),
    );
    expect(discovery.kind).toBe("timeout");
    expect((await failure(impatient.ping())).kind).toBe("timeout");
    const events = impatient.watch("v1", "Namespace", {}, new AbortController().signal);
    expect((await failure(events[Symbol.asyncIterator]().next())).kind).toBe("timeout");
    const lines = impatient.podLogs(namespace, "x", {}, new AbortController().signal);
    expect((await failure(lines[Symbol.asyncIterator]().next())).kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("reports a cluster that is down as 'unreachable' with the 'Is the cluster running' hint", async () => {
    await sandbox.faults.down();
    const error = await failure(cluster.ping());
    expect(error).toMatchObject({ kind: "unreachable", retryable: true });
    expect(error.status).toBeUndefined();
    expect(error.message).toBe(
      `Checking the Kubernetes API server at ${sandbox.url} failed: cannot connect to the API server at ` +
        `${sandbox.url} (ECONNREFUSED). Is the cluster running? Check BABYHELM_CLUSTER / KUBECONFIG.`,
    );
    await sandbox.faults.up();
    await expect(cluster.ping()).resolves.toBeUndefined();
  });

  it("says when a host name does not resolve", async () => {
    const nowhere = createCluster({
      mode: "sandbox",
      kubeconfigYaml: sandbox.kubeconfigYaml.replace(/server: \S+/, "server: http://cluster.invalid:6443"),
    });
    const error = await failure(nowhere.ping());
    expect(error.kind).toBe("unreachable");
    expect(error.message).toMatch(
      /cannot connect to the API server at http:\/\/cluster.invalid:6443 \((ENOTFOUND|EAI_AGAIN)\)/,
    );
  });
});

describe("credentials", () => {
  it("never appear in any message of this file", () => {
    expect(messages.length).toBeGreaterThan(10);
    for (const message of messages) expect(message).not.toContain(sandbox.token);
  });
});
