// The install manifests in deploy/kubernetes/: the real `kubectl kustomize` renders each overlay, the SDK's strict
// Kubernetes 1.35 validation accepts every object, the settings are ones this server reads and start it in-cluster,
// and `kubectl apply --server-side -k` installs each overlay into the sandbox, where the server's rollout completes.
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "@babyhelm/kube-sandbox";
import { parseManifests, toYaml, validateManifests, type KubernetesObject } from "@babyhelm/manifest-sdk";
import { CONFIG_VARIABLES, loadConfig } from "../src/config.js";

const KUBECTL = process.env.KUBECTL ?? "/usr/bin/kubectl";
const KUBERNETES_DIR = resolve(fileURLToPath(new URL("../../../deploy/kubernetes", import.meta.url)));
const NAMESPACE = "babyhelm-system";

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const hasKubectl = executable(KUBECTL);
if (!hasKubectl) {
  console.warn(
    `install-manifests.test.ts skipped: no executable kubectl at ${KUBECTL} (set KUBECTL to its path)`,
  );
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((done) => {
    execFile(
      KUBECTL,
      args,
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** The values an operator puts in the Secret `babyhelm-secrets` for production. */
const OPERATOR_SECRET = {
  DATABASE_URL: "postgres://babyhelm:s3cret@db.example.internal:5432/babyhelm",
  BABYHELM_SECRET_KEY: "0123456789abcdef0123456789abcdef",
};

interface Installation {
  name: string;
  /** The kustomization directory, absolute. */
  dir: string;
  replicas: number;
  /** `kind/name` of every object it installs. */
  objects: string[];
}

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "install-manifests-"));
  // The production overlay with the optional Ingress component, as an operator would add it.
  const withIngress = join(scratch, "production-with-ingress");
  await mkdir(withIngress);
  await writeFile(
    join(withIngress, "kustomization.yaml"),
    [
      "apiVersion: kustomize.config.k8s.io/v1beta1",
      "kind: Kustomization",
      "resources:",
      `  - ${relative(withIngress, join(KUBERNETES_DIR, "overlays/production"))}`,
      "components:",
      `  - ${relative(withIngress, join(KUBERNETES_DIR, "components/ingress"))}`,
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const BASE_OBJECTS = [
  "Namespace/babyhelm-system",
  "ServiceAccount/babyhelm",
  "ClusterRole/babyhelm",
  "ClusterRoleBinding/babyhelm",
  "ConfigMap/babyhelm-config",
  "Service/babyhelm",
  "Deployment/babyhelm",
  "PodDisruptionBudget/babyhelm",
];

const installations: Installation[] = [
  {
    name: "trial",
    dir: join(KUBERNETES_DIR, "overlays/trial"),
    replicas: 2,
    objects: [
      ...BASE_OBJECTS,
      "Secret/babyhelm-secrets",
      "Service/babyhelm-postgres",
      "StatefulSet/babyhelm-postgres",
    ],
  },
  {
    name: "production",
    dir: join(KUBERNETES_DIR, "overlays/production"),
    replicas: 3,
    objects: BASE_OBJECTS,
  },
];

/** `kind/name`, without the content hash kustomize appends to generated ConfigMaps and Secrets. */
function objectName(object: KubernetesObject): string {
  const name = object.metadata?.name ?? "";
  const generated = ["ConfigMap", "Secret"].includes(object.kind);
  return `${object.kind}/${generated ? name.replace(/-[a-z0-9]{10}$/, "") : name}`;
}

async function render(dir: string): Promise<KubernetesObject[]> {
  const result = await kubectl(["kustomize", dir]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return parseManifests(result.stdout);
}

/** The one object of `kind` (and `name` when given), loosely typed for reading nested fields. */
function the(objects: readonly KubernetesObject[], kind: string, name?: string): any {
  const matches = objects.filter(
    (object) => object.kind === kind && (name === undefined || object.metadata?.name === name),
  );
  expect(
    matches.map((object) => `${object.kind}/${object.metadata?.name}`),
    `one ${kind}`,
  ).toHaveLength(1);
  return matches[0];
}

function decodedSecret(secret: any): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secret.data as Record<string, string>).map(([key, value]) => [
      key,
      Buffer.from(value, "base64").toString("utf8"),
    ]),
  );
}

interface SecretValues {
  name: string;
  values: Record<string, string>;
}

/** The server container's environment as the kubelet would give it, from the rendered ConfigMap and `secret`. */
function serverEnvironment(objects: readonly KubernetesObject[], secret: SecretValues) {
  const container = the(objects, "Deployment", "babyhelm").spec.template.spec.containers[0];
  const env: Record<string, string> = {};
  for (const source of container.envFrom) {
    Object.assign(env, the(objects, "ConfigMap", source.configMapRef.name).data);
  }
  for (const variable of container.env) {
    if (variable.value !== undefined) env[variable.name] = variable.value;
    const ref = variable.valueFrom?.secretKeyRef;
    if (ref === undefined) continue;
    expect(ref.name, `the Secret of ${variable.name}`).toBe(secret.name);
    const value = secret.values[ref.key];
    if (value !== undefined) env[variable.name] = value;
    else expect(ref.optional, `${variable.name} is optional, or its key is in the Secret`).toBe(true);
  }
  return env;
}

describe.skipIf(!hasKubectl)(`the install manifests rendered by ${KUBECTL} kustomize`, () => {
  for (const installation of installations) {
    describe(installation.name, () => {
      let objects: KubernetesObject[];
      beforeAll(async () => {
        objects = await render(installation.dir);
      });

      it("passes the SDK's strict Kubernetes 1.35 validation, object by object", () => {
        expect(objects.map(objectName).sort()).toEqual([...installation.objects].sort());
        expect(validateManifests(objects, { serverSideApply: true })).toEqual([]);
      });

      it("installs into the platform namespace, which enforces the restricted Pod Security Standard", () => {
        const namespace = the(objects, "Namespace");
        expect(namespace.metadata.name).toBe(NAMESPACE);
        expect(namespace.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
        const clusterScoped = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding"]);
        for (const object of objects.filter((candidate) => !clusterScoped.has(candidate.kind))) {
          expect(object.metadata?.namespace, `${object.kind}/${object.metadata?.name}`).toBe(NAMESPACE);
        }
      });

      it("binds the ClusterRole babyhelm to the ServiceAccount the server runs as", () => {
        const account = the(objects, "ServiceAccount");
        expect(the(objects, "ClusterRole").metadata.name).toBe("babyhelm");
        expect(the(objects, "ClusterRoleBinding")).toMatchObject({
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "babyhelm" },
          subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace: NAMESPACE }],
        });
        expect(the(objects, "Deployment", "babyhelm").spec.template.spec.serviceAccountName).toBe(
          account.metadata.name,
        );
      });

      it("runs the server restricted, read-only, probed on /healthz and /readyz, spread over nodes", () => {
        const deployment = the(objects, "Deployment", "babyhelm");
        expect(deployment.spec.replicas).toBe(installation.replicas);
        const pod = deployment.spec.template.spec;
        expect(pod.securityContext).toMatchObject({
          runAsNonRoot: true,
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(pod.topologySpreadConstraints.map((constraint: any) => constraint.topologyKey)).toContain(
          "kubernetes.io/hostname",
        );
        const [server] = pod.containers;
        expect(server.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
        });
        expect(server.resources.requests).toBeDefined();
        expect(server.resources.limits.memory).toBeDefined();
        expect(server.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
        expect(server.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
        // The only writable place is the /tmp volume, and the server's data folder is in it.
        const tmp = server.volumeMounts.find((mount: any) => mount.mountPath === "/tmp");
        expect(pod.volumes.find((volume: any) => volume.name === tmp.name).emptyDir).toBeDefined();
        expect(server.env.find((variable: any) => variable.name === "BABYHELM_DATA_DIR").value).toMatch(
          /^\/tmp\//,
        );
      });

      it("selects the server's pods from its Service and PodDisruptionBudget", () => {
        const labels = the(objects, "Deployment", "babyhelm").spec.template.metadata.labels;
        const service = the(objects, "Service", "babyhelm");
        expect(labels).toMatchObject(service.spec.selector);
        expect(service.spec.ports[0].targetPort).toBe("http");
        expect(labels).toMatchObject(the(objects, "PodDisruptionBudget").spec.selector.matchLabels);
      });

      it("meets the restricted Pod Security Standard in every pod it runs", () => {
        const podOwners = objects.filter((object) => ["Deployment", "StatefulSet"].includes(object.kind));
        for (const owner of podOwners as any[]) {
          const pod = owner.spec.template.spec;
          expect(pod.securityContext, owner.metadata.name).toMatchObject({
            runAsNonRoot: true,
            seccompProfile: { type: "RuntimeDefault" },
          });
          for (const container of pod.containers) {
            expect(container.securityContext, `${owner.metadata.name}/${container.name}`).toMatchObject({
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
            });
          }
        }
      });

      it("gives the server only settings it reads, which start it in-cluster on PostgreSQL", () => {
        const deployment = the(objects, "Deployment", "babyhelm");
        const [server] = deployment.spec.template.spec.containers;
        const configMap = the(objects, "ConfigMap", server.envFrom[0].configMapRef.name);
        const named = [
          ...Object.keys(configMap.data),
          ...server.env.map((variable: { name: string }) => variable.name),
        ];
        expect(named.filter((name) => !CONFIG_VARIABLES.includes(name))).toEqual([]);

        const rendered = objects.find((object) => object.kind === "Secret");
        const secret: SecretValues =
          rendered === undefined
            ? { name: "babyhelm-secrets", values: OPERATOR_SECRET }
            : { name: rendered.metadata.name, values: decodedSecret(rendered) };
        const config = loadConfig(serverEnvironment(objects, secret));
        expect(config).toMatchObject({
          cluster: { mode: "in-cluster" },
          port: server.ports[0].containerPort,
          platformNamespace: NAMESPACE,
          databaseUrl: secret.values.DATABASE_URL,
          secretKey: secret.values.BABYHELM_SECRET_KEY,
        });
      });
    });
  }

  it("trial: a DATABASE_URL that reaches its PostgreSQL, whose data is on a volume claim", async () => {
    const objects = await render(join(KUBERNETES_DIR, "overlays/trial"));
    const secret = decodedSecret(the(objects, "Secret"));
    const database = the(objects, "StatefulSet", "babyhelm-postgres");
    const service = the(objects, "Service", "babyhelm-postgres");
    expect(database.spec.replicas).toBe(1);
    expect(database.metadata.labels).toMatchObject(service.spec.selector);
    const postgres = database.spec.template.spec.containers[0];
    const env = Object.fromEntries(postgres.env.map((variable: any) => [variable.name, variable]));
    const url = new URL(secret.DATABASE_URL!);
    expect(url.hostname).toBe(service.metadata.name);
    expect(Number(url.port)).toBe(service.spec.ports[0].port);
    expect(url.username).toBe(env.POSTGRES_USER.value);
    expect(url.pathname).toBe(`/${env.POSTGRES_DB.value}`);
    expect(decodeURIComponent(url.password)).toBe(secret[env.POSTGRES_PASSWORD.valueFrom.secretKeyRef.key]);
    const dataMount = postgres.volumeMounts.find(
      (mount: any) => mount.mountPath === "/var/lib/postgresql/data",
    );
    expect(database.spec.volumeClaimTemplates.map((claim: any) => claim.metadata.name)).toEqual([
      dataMount.name,
    ]);
  });

  it("production: no Secret of its own (the operator's), and two of three replicas kept through disruptions", async () => {
    const objects = await render(join(KUBERNETES_DIR, "overlays/production"));
    expect(objects.filter((object) => object.kind === "Secret")).toEqual([]);
    expect(objects.filter((object) => object.kind === "StatefulSet")).toEqual([]);
    expect(the(objects, "PodDisruptionBudget").spec).toMatchObject({ minAvailable: 2 });
    expect(the(objects, "PodDisruptionBudget").spec.maxUnavailable).toBeUndefined();
    const [perNode] = the(objects, "Deployment", "babyhelm").spec.template.spec.topologySpreadConstraints;
    expect(perNode).toMatchObject({
      topologyKey: "kubernetes.io/hostname",
      whenUnsatisfiable: "DoNotSchedule",
    });
  });

  it("the optional Ingress routes to the server's Service in the platform namespace", async () => {
    const objects = await render(join(scratch, "production-with-ingress"));
    expect(validateManifests(objects, { serverSideApply: true })).toEqual([]);
    const ingress = the(objects, "Ingress");
    expect(ingress.metadata.namespace).toBe(NAMESPACE);
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({
      name: "babyhelm",
      port: { name: "http" },
    });
    expect(the(objects, "Service", "babyhelm").spec.ports[0].name).toBe("http");
  });
});

describe.skipIf(!hasKubectl)("kubectl apply --server-side -k into the sandbox", { timeout: 90_000 }, () => {
  for (const installation of installations) {
    describe(installation.name, () => {
      let sandbox: Sandbox;
      let dir: string;
      beforeAll(async () => {
        // TLS because kubectl never sends a bearer token over plain HTTP.
        sandbox = await startSandbox({ readyDelayMs: 100, tls: true });
        dir = await mkdtemp(join(tmpdir(), `install-${installation.name}-`));
        await writeFile(join(dir, "kubeconfig"), sandbox.kubeconfigYaml);
      });
      afterAll(async () => {
        await sandbox.stop();
        await rm(dir, { recursive: true, force: true });
      });

      function sandboxKubectl(...args: string[]): Promise<Result> {
        return kubectl(["--kubeconfig", join(dir, "kubeconfig"), "--request-timeout=20s", ...args], {
          KUBECACHEDIR: join(dir, "cache"),
        });
      }

      it("installs every object and rolls the server out", async () => {
        if (installation.name === "production") {
          // What deploy/README.md tells the operator to do first: the namespace, then the Secret.
          await writeFile(
            join(dir, "secret.yaml"),
            toYaml([
              { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } },
              {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: "babyhelm-secrets", namespace: NAMESPACE },
                stringData: OPERATOR_SECRET,
              },
            ]),
          );
          const secret = await sandboxKubectl("apply", "--server-side", "-f", join(dir, "secret.yaml"));
          expect(secret).toMatchObject({ code: 0, stderr: "" });
        }
        const expected = (await render(installation.dir)).map(
          (object) => `${object.kind}/${object.metadata?.name}`,
        );
        const applied = await sandboxKubectl("apply", "--server-side", "-k", installation.dir);
        expect(applied.stderr).toBe("");
        expect(applied.code).toBe(0);
        const lines = applied.stdout.trim().split("\n");
        expect(lines).toHaveLength(expected.length);
        for (const line of lines) expect(line).toMatch(/ serverside-applied$/);

        const listed = await sandboxKubectl(
          "-n",
          NAMESPACE,
          "get",
          "deployment/babyhelm",
          "service/babyhelm",
          "poddisruptionbudget/babyhelm",
          "serviceaccount/babyhelm",
          "-o",
          "name",
        );
        expect(listed).toMatchObject({ code: 0, stderr: "" });
        expect(listed.stdout.trim().split("\n")).toHaveLength(4);

        const rollout = await sandboxKubectl(
          "-n",
          NAMESPACE,
          "rollout",
          "status",
          "deployment/babyhelm",
          "--timeout=30s",
        );
        expect(rollout.stdout).toContain('deployment "babyhelm" successfully rolled out');
        const pods = await sandboxKubectl(
          "-n",
          NAMESPACE,
          "get",
          "pods",
          "-l",
          "app.kubernetes.io/component=server",
          "-o",
          "name",
        );
        expect(pods.stdout.trim().split("\n")).toHaveLength(installation.replicas);
      });

      if (installation.name === "production") {
        it("adds the optional Ingress to the running installation", async () => {
          const applied = await sandboxKubectl(
            "apply",
            "--server-side",
            "-k",
            join(scratch, "production-with-ingress"),
          );
          expect(applied).toMatchObject({ code: 0, stderr: "" });
          expect(applied.stdout).toContain("ingress.networking.k8s.io/babyhelm serverside-applied");
          const backend = await sandboxKubectl(
            "-n",
            NAMESPACE,
            "get",
            "ingress/babyhelm",
            "-o",
            "jsonpath={.spec.rules[0].http.paths[0].backend.service.name}",
          );
          expect(backend).toMatchObject({ code: 0, stdout: "babyhelm", stderr: "" });
        });
      }

      it("applies again without changes or conflicts (an upgrade with the same manifests)", async () => {
        const again = await sandboxKubectl("apply", "--server-side", "-k", installation.dir);
        expect(again).toMatchObject({ code: 0, stderr: "" });
        const generation = await sandboxKubectl(
          "-n",
          NAMESPACE,
          "get",
          "deployment/babyhelm",
          "-o",
          "jsonpath={.metadata.generation}",
        );
        expect(generation.stdout).toBe("1");
      });
    });
  }
});
