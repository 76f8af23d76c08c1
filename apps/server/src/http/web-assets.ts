// Serves the web dashboard's build (apps/web/dist) from the API's own origin, which cookie-authenticated calls
// need. Hashed files under /assets/ are cached for good; index.html is revalidated on every visit so that a new
// deployment is picked up at once; any other path without a file extension is a client-side route (index.html).
import { type Stats, createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { gzip } from "node:zlib";

const gzipAsync = promisify(gzip);

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".wasm": "application/wasm",
};

const COMPRESSIBLE = new Set([
  ".html",
  ".js",
  ".mjs",
  ".css",
  ".json",
  ".map",
  ".webmanifest",
  ".txt",
  ".xml",
  ".svg",
]);
const MIN_GZIP_BYTES = 1024;
/** On-the-fly gzip results are kept (by path, size and mtime) up to this many bytes in all. */
const GZIP_CACHE_BYTES = 32 * 1024 * 1024;

const STALE_GZIP_MS = 10_000;

const IMMUTABLE = "public, max-age=31536000, immutable";

export type WebAssetsHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * A request handler for `StartOptions.http.fallback` that serves the files of `distDir`. It answers GET and HEAD
 * only, and returns false (not handled) for anything else, for a missing file that has an extension, and for
 * everything while `distDir` has no index.html (the dashboard was not built).
 */
export function createWebAssetsHandler(distDir: string): WebAssetsHandler {
  const root = resolve(distDir);
  const indexPath = resolve(root, "index.html");
  const gzipCache = new Map<string, Buffer>();
  let gzipCacheBytes = 0;

  async function gzipped(path: string, stats: Stats): Promise<Buffer> {
    const key = `${path}\0${stats.size}\0${stats.mtimeMs}`;
    const cached = gzipCache.get(key);
    if (cached !== undefined) return cached;
    const compressed = await gzipAsync(await readFile(path), { level: 9 });
    if (compressed.length <= GZIP_CACHE_BYTES) {
      while (gzipCacheBytes + compressed.length > GZIP_CACHE_BYTES && gzipCache.size > 0) {
        const [oldestKey, oldest] = gzipCache.entries().next().value!;
        gzipCache.delete(oldestKey);
        gzipCacheBytes -= oldest.length;
      }
      gzipCache.set(key, compressed);
      gzipCacheBytes += compressed.length;
    }
    return compressed;
  }

  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const index = await fileStats(indexPath);
    if (index === undefined) return false;

    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      return false; // malformed percent-encoding: nothing here has such a name
    }
    // Dot-files (the build's .vite/manifest.json) are for tools, not browsers.
    if (pathname.includes("\0") || /\/\./.test(pathname)) return false;

    const filePath = resolve(root, `.${pathname}`);
    if (filePath !== root && !filePath.startsWith(root + sep)) return false;

    const stats = filePath === root ? undefined : await fileStats(filePath);
    if (stats !== undefined) {
      const cacheControl = pathname.startsWith("/assets/") ? IMMUTABLE : "no-cache";
      await send(req, res, filePath, stats, cacheControl);
      return true;
    }
    // A client-side route (/projects/shop) gets the app, which shows the page or says it does not exist.
    if (filePath === root || (extname(pathname) === "" && acceptsHtml(req))) {
      await send(req, res, indexPath, index, "no-cache");
      return true;
    }
    return false;
  };

  async function send(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    stats: Stats,
    cacheControl: string,
  ): Promise<void> {
    const extension = extname(path).toLowerCase();
    const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    const headers: Record<string, string | number> = {
      "Content-Type": CONTENT_TYPES[extension] ?? "application/octet-stream",
      "Cache-Control": cacheControl,
      ETag: etag,
      "Last-Modified": stats.mtime.toUTCString(),
      "X-Content-Type-Options": "nosniff",
    };
    if (extension === ".html") {
      // The dashboard acts on the signed-in user's behalf: no other site may frame it (clickjacking).
      headers["X-Frame-Options"] = "DENY";
      headers["Content-Security-Policy"] = "frame-ancestors 'none'";
      headers["Referrer-Policy"] = "same-origin";
    }
    const compressible = COMPRESSIBLE.has(extension) && stats.size >= MIN_GZIP_BYTES;
    if (compressible) headers.Vary = "Accept-Encoding";

    if (etagMatches(req.headers["if-none-match"], etag)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }

    if (compressible && acceptsGzip(req)) {
      headers["Content-Encoding"] = "gzip";
      const precompressed = await fileStats(`${path}.gz`);
      // A .gz written by the same build is used; one clearly older than its file is stale and ignored.
      if (precompressed !== undefined && precompressed.mtimeMs >= stats.mtimeMs - STALE_GZIP_MS) {
        headers["Content-Length"] = precompressed.size;
        await stream(req, res, headers, `${path}.gz`);
        return;
      }
      const body = await gzipped(path, stats);
      headers["Content-Length"] = body.length;
      res.writeHead(200, headers);
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    headers["Content-Length"] = stats.size;
    await stream(req, res, headers, path);
  }
}

async function stream(
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string | number>,
  path: string,
): Promise<void> {
  res.writeHead(200, headers);
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  await pipeline(createReadStream(path), res);
}

async function fileStats(path: string): Promise<Stats | undefined> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? stats : undefined;
  } catch {
    return undefined;
  }
}

function acceptsHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept;
  return accept === undefined || accept.includes("text/html") || accept.includes("*/*");
}

function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers["accept-encoding"];
  const value = Array.isArray(header) ? header.join(",") : (header ?? "");
  return value.split(",").some((part) => {
    const [coding = "", ...params] = part.split(";").map((piece) => piece.trim().toLowerCase());
    const quality = params.find((param) => param.startsWith("q="));
    return coding === "gzip" && (quality === undefined || Number(quality.slice(2)) > 0);
  });
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(",").some((candidate) => candidate.trim() === etag || candidate.trim() === "*");
}
