// The bin of this package is `babyhelm-sdk`; `babyhelm` (@babyhelm/cli) runs the same commands through runCli.
import { runCli } from "./cli-commands.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

// exitCode rather than exit(): large outputs to a pipe must be flushed first.
process.exitCode = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin,
  program: "babyhelm-sdk",
});
