// The server's handler for the dashboard's files (apps/server/src/http/web-assets.ts), on a real HTTP server.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebAssetsHandler } from "@babyhelm/server";

let base: string;
let dist: string;
let server: Server;
let port: number;

const SCRIPT = `console.log(${JSON.stringify("x".repeat(4000))});\n`;
const INDEX = `<!doctype html><html><head><title>BabyHelm</title></head><body><div id="root"></div></body></html>\n`;

function serve(handler: ReturnType<typeof createWebAssetsHandler>): Promise<Server> {
  const created = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) {
        res.writeHead(404, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: "not handled" }));
      }
    });
  });
  return new Promise((resolve) =>
    created.listen(0, "127.0.0.1", () => {
      resolve(created);
    }),
  );
}

/** A raw request: the path is sent exactly as given (fetch would normalise `..`). */
function get(
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
  on: Server = server,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const target = (on.address() as AddressInfo).port;
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: target, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

let builds = 0;

/** What a new build does last: write index.html (with a newer time than the one before). */
function rebuild(): void {
  const index = join(dist, "index.html");
  writeFileSync(index, INDEX);
  const later = new Date(Date.now() + 1000 * ++builds);
  utimesSync(index, later, later);
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), "babyhelm-web-assets-"));
  dist = join(base, "dist");
  mkdirSync(join(dist, "assets"), { recursive: true });
  mkdirSync(join(dist, ".vite"));
  writeFileSync(join(base, "secret.txt"), "TOP SECRET");
  writeFileSync(join(dist, "index.html"), INDEX);
  writeFileSync(join(dist, "assets", "index-abc123.js"), SCRIPT);
  writeFileSync(join(dist, "assets", "style-def456.css"), "body{color:red}");
  writeFileSync(join(dist, "assets", "logo-1a2b3c.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(join(dist, "assets", "precompressed-9f9f9f.js"), SCRIPT);
  writeFileSync(join(dist, "assets", "precompressed-9f9f9f.js.gz"), gzipSync("/* from the .gz file */"));
  writeFileSync(join(dist, "favicon.svg"), "<svg/>");
  writeFileSync(join(dist, ".vite", "manifest.json"), "{}");
  // A .gz older than what it compresses would be ignored as stale: here it is the newer one.
  const past = new Date(Date.now() - 600_000);
  utimesSync(join(dist, "assets", "precompressed-9f9f9f.js"), past, past);
  server = await serve(createWebAssetsHandler(dist));
  port = (server.address() as AddressInfo).port;
  expect(port).toBeGreaterThan(0);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(base, { recursive: true, force: true });
});

describe("createWebAssetsHandler", () => {
  it("serves index.html at / and revalidates it on every visit", async () => {
    const response = await get("/");
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.headers["cache-control"]).toBe("no-cache");
    expect(response.headers["x-frame-options"]).toBe("DENY");
    expect(response.body.toString()).toBe(INDEX);
  });

  it("serves hashed assets with their type, cached for a year", async () => {
    const script = await get("/assets/index-abc123.js");
    expect(script.status).toBe(200);
    expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(script.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(script.headers["content-encoding"]).toBeUndefined();
    expect(script.body.toString()).toBe(SCRIPT);
    expect((await get("/assets/style-def456.css")).headers["content-type"]).toBe("text/css; charset=utf-8");
    expect((await get("/assets/logo-1a2b3c.png")).headers["content-type"]).toBe("image/png");
    const icon = await get("/favicon.svg");
    expect(icon.headers["content-type"]).toBe("image/svg+xml");
    expect(icon.headers["cache-control"]).toBe("no-cache");
  });

  it("gzips compressible files for clients that accept it, preferring a precompressed .gz", async () => {
    const onTheFly = await get("/assets/index-abc123.js", { "accept-encoding": "br, gzip;q=0.8" });
    expect(onTheFly.headers["content-encoding"]).toBe("gzip");
    expect(onTheFly.headers.vary).toBe("Accept-Encoding");
    expect(Number(onTheFly.headers["content-length"])).toBeLessThan(SCRIPT.length / 10);
    expect(gunzipSync(onTheFly.body).toString()).toBe(SCRIPT);

    const precompressed = await get("/assets/precompressed-9f9f9f.js", { "accept-encoding": "gzip" });
    expect(gunzipSync(precompressed.body).toString()).toBe("/* from the .gz file */");

    const refused = await get("/assets/index-abc123.js", { "accept-encoding": "gzip;q=0" });
    expect(refused.headers["content-encoding"]).toBeUndefined();
    expect(refused.body.toString()).toBe(SCRIPT);
  });

  it("ignores a .gz clearly older than its file (a stale leftover)", async () => {
    const script = join(dist, "assets", "stale-5e5e5e.js");
    writeFileSync(script, SCRIPT);
    writeFileSync(`${script}.gz`, gzipSync("/* stale */"));
    const past = new Date(Date.now() - 600_000);
    utimesSync(`${script}.gz`, past, past);
    rebuild();
    const response = await get("/assets/stale-5e5e5e.js", { "accept-encoding": "gzip" });
    expect(gunzipSync(response.body).toString()).toBe(SCRIPT);
  });

  it("lists the folder again when a build writes a new index.html", async () => {
    const added = join(dist, "assets", "added-7a7a7a.js");
    writeFileSync(added, "1");
    expect((await get("/assets/added-7a7a7a.js")).status).toBe(404);
    rebuild();
    const served = await get("/assets/added-7a7a7a.js");
    expect(served.status).toBe(200);
    expect(served.body.toString()).toBe("1");
    rmSync(added);
    rebuild();
    expect((await get("/assets/added-7a7a7a.js")).status).toBe(404);
  });

  it("survives a file deleted under it between two builds: that request fails, the server goes on", async () => {
    const doomed = join(dist, "assets", "doomed-6b6b6b.js");
    writeFileSync(doomed, SCRIPT);
    rebuild();
    expect((await get("/assets/doomed-6b6b6b.js")).status).toBe(200);
    rmSync(doomed);
    await expect(get("/assets/doomed-6b6b6b.js")).rejects.toThrow();
    expect((await get("/assets/index-abc123.js")).status).toBe(200);
  });

  it("answers a matching ETag with 304 and HEAD without a body", async () => {
    const first = await get("/assets/index-abc123.js");
    const again = await get("/assets/index-abc123.js", { "if-none-match": String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const head = await get("/assets/index-abc123.js", {}, "HEAD");
    expect(head.status).toBe(200);
    expect(Number(head.headers["content-length"])).toBe(SCRIPT.length);
    expect(head.body.length).toBe(0);
  });

  it("answers client-side routes with index.html, but not requests for data or missing files", async () => {
    const route = await get("/projects/shop/collaborators", { accept: "text/html,application/xhtml+xml" });
    expect(route.status).toBe(200);
    expect(route.body.toString()).toBe(INDEX);
    expect(route.headers["cache-control"]).toBe("no-cache");
    expect((await get("/projects/shop", { accept: "application/json" })).status).toBe(404);
    expect((await get("/assets/missing-000000.js", { accept: "*/*" })).status).toBe(404);
  });

  it("never serves a file outside the folder, nor dot-files", async () => {
    for (const path of [
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/assets/..%2f..%2fsecret.txt",
      "/assets/%2e%2e/%2e%2e/secret.txt",
      "/..%5csecret.txt",
      "/.vite/manifest.json",
      "/assets/%00.js",
      "/%E0%A4%A",
    ]) {
      const response = await get(path, { accept: "text/plain" });
      expect(response.status, path).toBe(404);
      expect(response.body.toString(), path).not.toContain("TOP SECRET");
    }
  });

  it("handles only GET and HEAD", async () => {
    expect((await get("/", {}, "POST")).status).toBe(404);
    expect((await get("/assets/index-abc123.js", {}, "DELETE")).status).toBe(404);
  });

  it("handles nothing while the folder has no index.html (the dashboard was not built)", async () => {
    const empty = join(base, "empty");
    mkdirSync(join(empty, "assets"), { recursive: true });
    writeFileSync(join(empty, "assets", "a.js"), "1");
    const bare = await serve(createWebAssetsHandler(empty));
    try {
      expect((await get("/", {}, "GET", bare)).status).toBe(404);
      expect((await get("/assets/a.js", {}, "GET", bare)).status).toBe(404);
    } finally {
      await new Promise((resolve) => bare.close(resolve));
    }
  });
});
