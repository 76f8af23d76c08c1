// The real kubectl's typed commands (create deployment/namespace/configmap/secret/service/pdb/ingress, run,
// expose) send protobuf bodies: each must succeed against the sandbox, be decoded into exactly the object the same
// command prints with --dry-run=client -o json, and leave the objects a JSON GET then shows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../src/index.js";
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from "../src/server/protobuf.js";
import {
  GENERATING_COMMANDS,
  hasKubectl,
  KUBECTL,
  startKubectlRecorder,
  type KubectlRecorder,
} from "./kubectl-recorder.js";

const available = hasKubectl();
if (!available) {
  console.warn(
    `kubectl-protobuf.test.ts skipped: no executable kubectl at ${KUBECTL} (set KUBECTL to its path)`,
  );
}

describe.skipIf(!available)(
  `kubectl ${KUBECTL} typed commands (protobuf bodies)`,
  { timeout: 60_000 },
  () => {
    let sandbox: Sandbox;
    let recorder: KubectlRecorder;

    beforeAll(async () => {
      sandbox = await startSandbox({ readyDelayMs: 100 });
      recorder = await startKubectlRecorder(sandbox);
    });

    afterAll(async () => {
      await recorder.stop();
      await sandbox.stop();
    });

    async function json(...args: string[]): Promise<any> {
      const result = await recorder.kubectl(...args, "-o", "json");
      expect(result.stderr).toBe("");
      return JSON.parse(result.stdout);
    }

    it("runs each command with a protobuf body, decoded as the command's own JSON", async () => {
      for (const { args, sends } of GENERATING_COMMANDS) {
        const command = args.join(" ");
        const expected = await recorder.kubectl(...args, "--dry-run=client", "-o", "json");
        expect(expected, command).toMatchObject({ code: 0, stderr: "" });
        const { result, writes } = await recorder.bodiesOf(...args);
        expect(result, command).toMatchObject({ code: 0, stderr: "" });
        expect(
          writes.map((write) => [write.method, write.contentType]),
          command,
        ).toEqual([["POST", sends]]);
        if (sends !== PROTOBUF_MEDIA_TYPE) continue;
        // The status is the server's (create drops it), and a few of its counters lack omitempty without OpenAPI
        // saying so (a disruption budget's): compared without it.
        const { status: _expectedStatus, ...object } = JSON.parse(expected.stdout);
        const { status: _decodedStatus, ...decoded } = await decodeProtobufObject(
          writes[0]!.body,
          object.kind,
        );
        expect(decoded, command).toEqual(object);
      }
      expect((await recorder.kubectl("-n", "shop", "get", "all")).stdout).toContain("deployment.apps/web");
    });

    it("created a deployment whose pods become ready", async () => {
      const deployment = await json("-n", "shop", "get", "deployment", "web");
      expect(deployment.spec.replicas).toBe(2);
      expect(deployment.spec.selector).toEqual({ matchLabels: { app: "web" } });
      expect(deployment.spec.template.spec.containers).toEqual([
        expect.objectContaining({ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }] }),
      ]);
      const rollout = await recorder.kubectl(
        "-n",
        "shop",
        "rollout",
        "status",
        "deployment/web",
        "--timeout=20s",
      );
      expect(rollout.stdout).toContain('deployment "web" successfully rolled out');
      expect((await json("-n", "shop", "get", "deployment", "web")).status).toMatchObject({
        replicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
      });
    });

    it("ran a pod with its labels, port and environment, and it becomes ready", async () => {
      const pod = await json("-n", "shop", "get", "pod", "one");
      expect(pod.metadata.labels).toEqual({ app: "one" });
      expect(pod.spec.containers[0]).toMatchObject({
        name: "one",
        image: "nginx:1.27",
        env: [{ name: "GREETING", value: "hi" }],
        ports: [{ containerPort: 80 }],
      });
      const wait = await recorder.kubectl(
        "-n",
        "shop",
        "wait",
        "--for=condition=Ready",
        "pod/one",
        "--timeout=20s",
      );
      expect(wait).toMatchObject({ code: 0, stdout: "pod/one condition met\n" });
    });

    it("exposed the deployment as a service with its endpoints", async () => {
      const service = await json("-n", "shop", "get", "service", "web");
      expect(service.spec).toMatchObject({
        selector: { app: "web" },
        ports: [{ port: 80, targetPort: 80, protocol: "TCP" }],
        type: "ClusterIP",
      });
      expect(service.spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
      const cache = await json("-n", "shop", "get", "service", "cache");
      expect(cache.spec.ports).toEqual([
        { name: "6379-6379", port: 6379, targetPort: 6379, protocol: "TCP" },
      ]);
    });

    it("stored the configmap's and the secret's data", async () => {
      expect((await json("-n", "shop", "get", "configmap", "settings")).data).toEqual({
        color: "blue",
        size: "large",
      });
      const secret = await json("-n", "shop", "get", "secret", "creds");
      expect(Buffer.from(secret.data.password, "base64").toString()).toBe("s3cret");
    });

    it("stored the disruption budget's percentage and the ingress rule", async () => {
      expect((await json("-n", "shop", "get", "pdb", "web")).spec).toEqual({
        minAvailable: "50%",
        selector: { matchLabels: { app: "web" } },
      });
      expect((await json("-n", "shop", "get", "ingress", "web")).spec.rules).toEqual([
        {
          host: "shop.example",
          http: {
            paths: [
              { path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } },
            ],
          },
        },
      ]);
    });

    it("scales, labels, annotates and deletes what the typed commands created", async () => {
      for (const command of [
        ["-n", "shop", "scale", "deployment", "web", "--replicas=3"],
        ["-n", "shop", "label", "configmap", "settings", "tier=front"],
        ["-n", "shop", "annotate", "configmap", "settings", "owner=team-a"],
        ["-n", "shop", "delete", "secret", "creds"],
      ]) {
        expect(await recorder.kubectl(...command), command.join(" ")).toMatchObject({ code: 0, stderr: "" });
      }
      const settings = await json("-n", "shop", "get", "configmap", "settings");
      expect(settings.metadata.labels).toEqual({ tier: "front" });
      expect(settings.metadata.annotations).toEqual({ owner: "team-a" });
      expect((await json("-n", "shop", "get", "deployment", "web")).spec.replicas).toBe(3);
      expect((await recorder.kubectl("-n", "shop", "get", "secret", "creds")).stderr).toContain("NotFound");
    });
  },
);
