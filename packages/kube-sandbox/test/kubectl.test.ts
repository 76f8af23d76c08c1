// The real kubectl against the sandbox: the commands a BabyHelm user or CI script runs, end to end.
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../src/index.js";

const KUBECTL = process.env.KUBECTL ?? "/usr/bin/kubectl";

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const hasKubectl = executable(KUBECTL);
if (!hasKubectl)
  console.warn(`kubectl.test.ts skipped: no executable kubectl at ${KUBECTL} (set KUBECTL to its path)`);

const APP = `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: { app: web }
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{ name: http, containerPort: 80 }]
          resources:
            requests: { cpu: 100m, memory: 64Mi }
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: shop
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: 1
  maxReplicas: 5
  metrics:
    - type: Resource
      resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }
`;

const BROKEN = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: broken, namespace: shop }
spec:
  replicas: 1
  progressDeadlineSeconds: 10
  selector: { matchLabels: { app: broken } }
  template:
    metadata: { labels: { app: broken } }
    spec:
      containers: [{ name: app, image: "invalid.example/app:1" }]
`;

const TYPO = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: typo, namespace: shop }
spec:
  replicaz: 2
  selector: { matchLabels: { app: typo } }
  template:
    metadata: { labels: { app: typo } }
    spec:
      containers: [{ name: app, image: nginx }]
`;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(!hasKubectl)(`kubectl ${KUBECTL} against the sandbox`, { timeout: 30_000 }, () => {
  let sandbox: Sandbox;
  let dir: string;

  beforeAll(async () => {
    // TLS because kubectl never sends a bearer token over plain HTTP.
    sandbox = await startSandbox({ readyDelayMs: 100, tls: true });
    dir = await mkdtemp(join(tmpdir(), "kubectl-test-"));
    await writeFile(join(dir, "kubeconfig"), sandbox.kubeconfigYaml);
    await writeFile(join(dir, "app.yaml"), APP);
    await writeFile(join(dir, "broken.yaml"), BROKEN);
    await writeFile(join(dir, "typo.yaml"), TYPO);
  });

  afterAll(async () => {
    await sandbox.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function kubectl(...args: string[]): Promise<Result> {
    return new Promise((resolve) => {
      execFile(
        KUBECTL,
        ["--kubeconfig", join(dir, "kubeconfig"), "--request-timeout=10s", ...args],
        { cwd: dir, timeout: 20_000, env: { ...process.env, KUBECACHEDIR: join(dir, "cache") } },
        (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
        },
      );
    });
  }

  async function json(...args: string[]): Promise<any> {
    const result = await kubectl(...args, "-o", "json");
    expect(result.stderr).toBe("");
    return JSON.parse(result.stdout);
  }

  it("applies a multi-document file server-side and rolls it out", async () => {
    const applied = await kubectl("apply", "--server-side", "-f", "app.yaml");
    expect(applied).toMatchObject({ code: 0, stderr: "" });
    expect(applied.stdout.trim().split("\n")).toEqual([
      "namespace/shop serverside-applied",
      "deployment.apps/web serverside-applied",
      "service/web serverside-applied",
      "horizontalpodautoscaler.autoscaling/web serverside-applied",
    ]);
    const rollout = await kubectl("-n", "shop", "rollout", "status", "deployment/web", "--timeout=15s");
    expect(rollout.code).toBe(0);
    expect(rollout.stdout.trim().split("\n").at(-1)).toBe('deployment "web" successfully rolled out');

    const deployment = await json("-n", "shop", "get", "deployment", "web");
    expect(deployment.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("1");
    expect(deployment.status).toMatchObject({
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    const pods = await json("-n", "shop", "get", "pods", "-l", "app=web");
    expect(pods.items.map((pod: { status: { phase: string } }) => pod.status.phase)).toEqual([
      "Running",
      "Running",
    ]);
    const endpoints = await json("-n", "shop", "get", "endpoints", "web");
    expect(endpoints.subsets[0].addresses).toHaveLength(2);
    expect(endpoints.subsets[0].ports).toEqual([{ name: "http", port: 80, protocol: "TCP" }]);
  });

  it("shows the simulated node, and a service's endpoints from its EndpointSlices", async () => {
    const nodes = await kubectl("get", "nodes");
    expect(nodes).toMatchObject({ code: 0, stderr: "" });
    const [header, row] = nodes.stdout.trim().split("\n");
    expect(header?.split(/\s+/)).toEqual(["NAME", "STATUS", "ROLES", "AGE", "VERSION"]);
    expect(row?.split(/\s+/)).toEqual(["sandbox-node", "Ready", "<none>", expect.any(String), "v1.32.0"]);

    const slices = await kubectl(
      "-n",
      "shop",
      "get",
      "endpointslices",
      "-l",
      "kubernetes.io/service-name=web",
    );
    expect(slices).toMatchObject({ code: 0, stderr: "" });
    expect(slices.stdout).toMatch(/^web-\w{5}\s+IPv4\s+80\s+10\.244\.\d+\.\d+,10\.244\.\d+\.\d+\s/m);
    // kubectl 1.32 describes a service's endpoints from its slices.
    const described = await kubectl("-n", "shop", "describe", "service", "web");
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/^Endpoints:\s+10\.244\.\d+\.\d+:80,10\.244\.\d+\.\d+:80$/m);
  });

  it("dry-runs an apply on the server without changing anything", async () => {
    const before = await json("-n", "shop", "get", "deployment", "web");
    await writeFile(join(dir, "scaled.yaml"), APP.replace("replicas: 2", "replicas: 4"));
    const result = await kubectl("apply", "--server-side", "--dry-run=server", "-f", "scaled.yaml");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toContain("deployment.apps/web serverside-applied (server dry run)");
    const after = await json("-n", "shop", "get", "deployment", "web");
    expect(after.spec.replicas).toBe(2);
    // Controllers may still write status; the spec (and so the generation) must be untouched.
    expect(after.metadata.generation).toBe(before.metadata.generation);
  });

  it("restarts a rollout into a new ReplicaSet, undoes it, then scales it", async () => {
    const restart = await kubectl("-n", "shop", "rollout", "restart", "deployment/web");
    expect(restart).toMatchObject({ code: 0, stdout: "deployment.apps/web restarted\n" });
    const rollout = await kubectl("-n", "shop", "rollout", "status", "deployment/web", "--timeout=15s");
    expect(rollout.stdout).toContain('deployment "web" successfully rolled out');
    const sets = await json("-n", "shop", "get", "replicasets", "-l", "app=web");
    const summary = sets.items
      .map((rs: { metadata: { annotations: Record<string, string> }; spec: { replicas: number } }) => [
        rs.metadata.annotations["deployment.kubernetes.io/revision"],
        rs.spec.replicas,
      ])
      .sort();
    expect(summary).toEqual([
      ["1", 0],
      ["2", 2],
    ]);

    // Undo goes back to revision 1's ReplicaSet, which becomes revision 3.
    expect((await kubectl("-n", "shop", "rollout", "undo", "deployment/web")).stdout).toBe(
      "deployment.apps/web rolled back\n",
    );
    expect((await kubectl("-n", "shop", "rollout", "status", "deployment/web", "--timeout=15s")).code).toBe(
      0,
    );
    const history = await kubectl("-n", "shop", "rollout", "history", "deployment/web");
    // "deployment.apps/web", the header, then one line per revision.
    expect(
      history.stdout
        .trim()
        .split("\n")
        .slice(2)
        .map((line) => line.split(/\s+/)[0]),
    ).toEqual(["2", "3"]);
    expect((await json("-n", "shop", "get", "replicasets", "-l", "app=web")).items).toHaveLength(2);

    const scale = await kubectl("-n", "shop", "scale", "deployment/web", "--replicas=3");
    expect(scale).toMatchObject({ code: 0, stdout: "deployment.apps/web scaled\n" });
    expect((await kubectl("-n", "shop", "rollout", "status", "deployment/web", "--timeout=15s")).code).toBe(
      0,
    );
    const pods = await json("-n", "shop", "get", "pods", "-l", "app=web");
    expect(pods.items).toHaveLength(3);
  });

  it("prints logs of a deployment and of a pod, and usage with top", async () => {
    const fromDeployment = await kubectl("-n", "shop", "logs", "deployment/web", "--tail=3");
    expect(fromDeployment.code).toBe(0);
    expect(fromDeployment.stdout.trim().split("\n")).toHaveLength(3);
    expect(fromDeployment.stderr).toMatch(/^Found 3 pods, using pod\/web-/);

    const pods = await json("-n", "shop", "get", "pods", "-l", "app=web");
    const name: string = pods.items[0].metadata.name;
    const tail = await kubectl("-n", "shop", "logs", name, "--tail=5");
    expect(tail.code).toBe(0);
    const lines = tail.stdout.trim().split("\n");
    expect(lines).toHaveLength(5);
    // nginx's entrypoint banner (five lines), then its access log.
    const all = (await kubectl("-n", "shop", "logs", name)).stdout.trim().split("\n");
    expect(all[0]).toBe(
      "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
    );
    const accessLog =
      /^10\.244\.\d+\.\d+ - - \[.+\] "(GET|POST|PUT|DELETE) \S+ HTTP\/1\.1" \d{3} \d+ ".*" ".*" "-"$/;
    expect(all.slice(5).every((line) => accessLog.test(line))).toBe(true);

    const top = await kubectl("-n", "shop", "top", "pod", "-l", "app=web");
    expect(top.code).toBe(0);
    const rows = top.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/);
    expect(
      rows
        .slice(1)
        .map((row) => row.split(/\s+/)[0])
        .sort(),
    ).toEqual(pods.items.map((pod: { metadata: { name: string } }) => pod.metadata.name).sort());
    for (const row of rows.slice(1)) expect(row).toMatch(/\s\d+m\s+\d+Mi\s*$/);
  });

  it("reports an image that cannot be pulled like a cluster does", async () => {
    expect((await kubectl("apply", "-f", "broken.yaml")).code).toBe(0);
    const rollout = await kubectl("-n", "shop", "rollout", "status", "deployment/broken", "--timeout=15s");
    expect(rollout.code).toBe(1);
    expect(rollout.stderr).toContain('error: deployment "broken" exceeded its progress deadline');
    const logs = await kubectl("-n", "shop", "logs", "deployment/broken");
    expect(logs.code).toBe(1);
    expect(logs.stderr).toMatch(
      /^Error from server \(BadRequest\): container "app" in pod "broken-\w+-\w{5}" is waiting to start: (trying and failing to pull image|image can't be pulled)\n$/,
    );
    const events = await json("-n", "shop", "get", "events", "--field-selector", "type=Warning");
    expect(events.items.map((event: { message: string }) => event.message)).toContain(
      'Failed to pull image "invalid.example/app:1": rpc error: code = NotFound desc = failed to pull and unpack image "invalid.example/app:1": failed to resolve reference "invalid.example/app:1": invalid.example/app:1: not found',
    );
  });

  it("rejects an unknown field with the API server's strict decoding error", async () => {
    // kubectl 1.32 asks for fieldValidation=Strict (its --validate default) and prints the server's answer.
    for (const args of [
      ["apply", "--server-side", "-f", "typo.yaml"],
      ["apply", "-f", "typo.yaml"],
    ]) {
      const result = await kubectl(...args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^Error from server \(BadRequest\): (error when creating "typo\.yaml": )?strict decoding error: unknown field "spec\.replicaz"\n$/,
      );
    }
    expect((await kubectl("-n", "shop", "get", "deployment", "typo")).stderr).toContain(
      'deployments.apps "typo" not found',
    );
  });

  it("deletes a Deployment with everything it owns, and a namespace with everything in it", async () => {
    expect((await kubectl("-n", "shop", "delete", "deployment", "web")).stdout).toBe(
      'deployment.apps "web" deleted\n',
    );
    const owned = async (): Promise<unknown> =>
      (await json("-n", "shop", "get", "replicasets,pods", "-l", "app=web")).items;
    await expect.poll(owned, { timeout: 5000 }).toEqual([]);

    expect((await kubectl("delete", "namespace", "shop", "--wait=true", "--timeout=15s")).stdout).toBe(
      'namespace "shop" deleted\n',
    );
    expect((await kubectl("get", "namespace", "shop")).stderr).toContain('namespaces "shop" not found');
    expect(sandbox.store.list("pods", "shop")).toEqual([]);
    expect(sandbox.store.list("deployments", "shop")).toEqual([]);
  });

  it("is refused over a quota with the API server's message, and describes the quota's true usage", async () => {
    await writeFile(
      join(dir, "quota.yaml"),
      `apiVersion: v1
kind: Namespace
metadata: { name: budget }
---
apiVersion: v1
kind: ResourceQuota
metadata: { name: compute, namespace: budget }
spec: { hard: { requests.cpu: "1" } }
`,
    );
    expect((await kubectl("apply", "-f", "quota.yaml")).code).toBe(0);
    const run = (name: string) =>
      kubectl(
        "-n",
        "budget",
        "run",
        name,
        "--image=nginx:1.27",
        "--overrides",
        '{"spec":{"containers":[{"name":"' +
          name +
          '","image":"nginx:1.27","resources":{"requests":{"cpu":"600m"}}}]}}',
      );
    expect((await run("first")).code).toBe(0);
    const refused = await run("second");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'Error from server (Forbidden): pods "second" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1\n',
    );
    await expect
      .poll(async () => (await kubectl("-n", "budget", "describe", "quota", "compute")).stdout, {
        timeout: 5000,
      })
      .toMatch(/requests\.cpu\s+600m\s+1\n/);
  });
});
