import { runBabyhelm } from "./commands.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

// Ctrl-C keeps its default (the process ends, 130), which is what ends `apps logs -f` and a rollout wait.
// exitCode rather than exit(): large outputs to a pipe must be flushed first.
process.exitCode = await runBabyhelm(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  isTTY: process.stdout.isTTY,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin,
});
