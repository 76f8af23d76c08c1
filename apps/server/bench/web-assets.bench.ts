// Requests/s of the dashboard's files as src/http/web-assets.ts serves them, on a bare node:http server in this
// process, next to a node:http hello-world measured in the same run with the same load. The folder is made here in
// the shape of a Vite build: a small index.html, a large hashed script with the `.gz` the build writes beside it,
// and a hashed stylesheet without one (compressed by the handler).
//
// Run: cd apps/server && pnpm exec tsx --conditions=development bench/web-assets.bench.ts
// Knobs (environment): BENCH_CONNECTIONS (50), BENCH_WARMUP_SECONDS (3), BENCH_SECONDS (8).
// It exits 0 when it measured; 1 when it could not (a failed request makes the figures meaningless).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { createWebAssetsHandler } from "../src/http/web-assets.js";
import { machineSummary } from "./support/cpu.js";
import { ms, perSecond, row } from "./support/format.js";
import { problemsOf, startHelloWorld, startLoad, type LoadResult } from "./support/load.js";
import { numberFromEnv, runBench } from "./support/settings.js";

const SHAPE = {
  connections: numberFromEnv("BENCH_CONNECTIONS", 50),
  warmupSeconds: numberFromEnv("BENCH_WARMUP_SECONDS", 3),
  seconds: numberFromEnv("BENCH_SECONDS", 8),
};

const INDEX = `<!doctype html><html lang="en"><head><meta charset="UTF-8" /><title>BabyHelm</title>
<script type="module" crossorigin src="/assets/index-3f9a1c2b.js"></script>
<link rel="stylesheet" crossorigin href="/assets/index-7d2e4b1a.css"></head>
<body><div id="root"></div></body></html>\n`;

/** Text that compresses about as well as minified JavaScript: repeated identifiers, varied numbers. */
function code(bytes: number): string {
  let text = "";
  for (let index = 0; text.length < bytes; index++)
    text += `function f${index}(a,b){return a*${index % 97}+b}`;
  return text.slice(0, bytes);
}

function writeDist(dir: string): void {
  mkdirSync(join(dir, "assets"), { recursive: true });
  writeFileSync(join(dir, "index.html"), INDEX);
  const script = code(250_000);
  writeFileSync(join(dir, "assets", "index-3f9a1c2b.js"), script);
  writeFileSync(join(dir, "assets", "index-3f9a1c2b.js.gz"), gzipSync(script, { level: 9 }));
  writeFileSync(join(dir, "assets", "index-7d2e4b1a.css"), code(20_000));
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }),
  );
}

async function run(label: string, url: string, headers: Record<string, string>): Promise<LoadResult> {
  process.stdout.write(`  ${label}: warm-up ${SHAPE.warmupSeconds} s`);
  await startLoad(url, { connections: SHAPE.connections, seconds: SHAPE.warmupSeconds, headers }).result;
  process.stdout.write(`, measuring ${SHAPE.seconds} s`);
  const result = await startLoad(url, { connections: SHAPE.connections, seconds: SHAPE.seconds, headers })
    .result;
  process.stdout.write(" ... done\n");
  const problem = problemsOf(result);
  if (problem !== undefined) throw new Error(`${label}: ${problem}`);
  return result;
}

async function main(): Promise<void> {
  console.log(
    `web assets bench: ${SHAPE.connections} connections, ${SHAPE.warmupSeconds} s warm-up + ${SHAPE.seconds} s ` +
      `measured each`,
  );
  console.log(`machine at start: ${machineSummary()}`);
  const dir = mkdtempSync(join(tmpdir(), "babyhelm-bench-web-"));
  const handle = createWebAssetsHandler(dir);
  const server = createServer((req, res) => {
    // As src/http/http-server.ts calls it: a failed send (a client that hung up mid-file) is not a crash.
    handle(req, res).then(
      (handled) => {
        if (!handled) {
          res.writeHead(404);
          res.end();
        }
      },
      () => res.destroy(),
    );
  });
  server.keepAliveTimeout = 65_000;
  try {
    writeDist(dir);
    const base = await listen(server);
    const html = { accept: "text/html" };
    const gzip = { "accept-encoding": "gzip, deflate, br" };
    const cases: [string, string, Record<string, string>][] = [
      ["index.html (/)", "/", html],
      ["client-side route (/projects/shop)", "/projects/shop", html],
      ["hashed script, identity (250 KB)", "/assets/index-3f9a1c2b.js", {}],
      ["hashed script, its .gz", "/assets/index-3f9a1c2b.js", gzip],
      ["hashed stylesheet, gzipped here", "/assets/index-7d2e4b1a.css", gzip],
    ];
    console.log("running:");
    const helloWorld = await startHelloWorld();
    let hello: LoadResult;
    try {
      hello = await run("node:http hello-world", helloWorld.url, {});
    } finally {
      await helloWorld.stop();
    }
    const results: [string, LoadResult][] = [["node:http hello-world", hello]];
    for (const [label, path, headers] of cases) results.push([label, await run(label, base + path, headers)]);

    const widths = [36, 10, 9, 9, 9];
    console.log();
    console.log(row(["", "req/s", "p50", "p99", "max"], widths));
    for (const [label, result] of results) {
      const { latencyMs } = result;
      console.log(
        row(
          [
            label,
            perSecond(result.requestsPerSecond),
            ms(latencyMs.p50),
            ms(latencyMs.p99),
            ms(latencyMs.max),
          ],
          widths,
        ),
      );
    }
  } finally {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

await runBench(main);
