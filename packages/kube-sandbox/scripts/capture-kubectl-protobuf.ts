// Writes test/fixtures/kubectl-protobuf-bodies.json: the protobuf bodies the real kubectl sends for its typed
// commands, with the JSON the same command prints with --dry-run=client -o json, for the decoder's unit tests.
// Usage: KUBECTL=/usr/bin/kubectl tsx scripts/capture-kubectl-protobuf.ts > test/fixtures/kubectl-protobuf-bodies.json
import { execFileSync } from "node:child_process";
import { startSandbox } from "../src/index.js";
import { PROTOBUF_MEDIA_TYPE } from "../src/server/protobuf.js";
import { GENERATING_COMMANDS, KUBECTL, startKubectlRecorder } from "../test/kubectl-recorder.js";

const { clientVersion } = JSON.parse(
  execFileSync(KUBECTL, ["version", "--client", "-o", "json"]).toString(),
) as {
  clientVersion: { gitVersion: string };
};
const sandbox = await startSandbox({ simulate: false });
const recorder = await startKubectlRecorder(sandbox);
const bodies = [];
try {
  for (const { args, sends } of GENERATING_COMMANDS) {
    const expected = await recorder.kubectl(...args, "--dry-run=client", "-o", "json");
    const { result, writes } = await recorder.bodiesOf(...args);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr}`);
    if (sends !== PROTOBUF_MEDIA_TYPE) continue;
    bodies.push({
      command: `kubectl ${args.join(" ")}`,
      path: writes[0]!.path,
      body: writes[0]!.body.toString("base64"),
      json: JSON.parse(expected.stdout) as unknown,
    });
  }
} finally {
  await recorder.stop();
  await sandbox.stop();
}
process.stdout.write(
  `${JSON.stringify(
    {
      origin: `request bodies of kubectl ${clientVersion.gitVersion} (Content-Type ${PROTOBUF_MEDIA_TYPE}), captured by scripts/capture-kubectl-protobuf.ts; json is the command's --dry-run=client -o json`,
      bodies,
    },
    null,
    2,
  )}\n`,
);
