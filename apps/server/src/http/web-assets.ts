// Serves the web dashboard's build (apps/web/dist) from the API's own origin, which cookie-authenticated calls
// need. Hashed files under /assets/ are cached for good; everything else (index.html first) is revalidated on every
// visit so that a new deployment is picked up at once; a path without a file extension that asks for HTML is a
// client-side route (index.html).
//
// sirv sends the files (ETag and 304, Last-Modified, Content-Length, Range, HEAD) from the listing it makes when
// created. Our own parts, and why sirv's options do not cover them:
// - A build is listed again when its index.html changes (every build writes one), and nothing is served while there
//   is none: sirv alone keeps the folder as it was at startup (or, in `dev` mode, which its README says never to use
//   in production, reads the disk synchronously on every request).
// - The client-side route fallback asks for HTML in Accept: sirv's `single` answers a fetch for data with the page.
// - Gzip: sirv's `gzip` sends a `.gz` when Accept-Encoding merely contains "gzip", even "gzip;q=0", and sends a
//   `.gz` left over from an older build. So we choose the `.gz` (vite.config.ts writes them) and compress,
//   once per build and in memory, compressible files that have none.
// - Headers: sirv writes one Cache-Control for every file, a charset for HTML only, no Content-Type for types it
//   does not know, and nothing against framing.
// - sirv pipes a file with no error listener: a file deleted under a running server would end the process.
// bench/web-assets.bench.ts measures it; the server's README has its figures next to the hand-made handler's.
import { readdirSync, statSync, type Stats } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { lookup } from "mrmime";
import Negotiator from "negotiator";
import sirv, { type RequestHandler } from "sirv";

const gzipAsync = promisify(gzip);

const COMPRESSIBLE = /\.(html|m?js|css|json|map|webmanifest|txt|xml|svg)$/;
const MIN_GZIP_BYTES = 1024;
/** A `.gz` older than its file by more than this was written by an earlier build. */
const STALE_GZIP_MS = 10_000;
const IMMUTABLE = "public, max-age=31536000, immutable";
const INDEX = "/index.html";

export type WebAssetsHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** One build of the dashboard as listed when its index.html was first seen. */
interface Build {
  root: string;
  /** index.html's identity: a new build writes a new one. */
  stamp: string;
  serve: RequestHandler;
  /** Every file but dot-files, by URL path. */
  files: Map<string, Stats>;
  /** Files worth compressing, by URL path: whether a `.gz` of this build sits beside each. */
  gzippable: Map<string, boolean>;
  /** Gzip made here for the gzippable files without a `.gz`, on first request. */
  gzipped: Map<string, Promise<Buffer>>;
}

/**
 * A request handler for `StartOptions.http.fallback` that serves the files of `distDir`. It answers GET and HEAD
 * only, and returns false (not handled) for anything else, for a missing file that has an extension, and for
 * everything while `distDir` has no index.html (the dashboard was not built).
 */
export function createWebAssetsHandler(distDir: string): WebAssetsHandler {
  const root = resolve(distDir);
  let build: Build | undefined;

  async function currentBuild(): Promise<Build | undefined> {
    const index = await stat(join(root, INDEX)).catch(() => undefined);
    if (index === undefined || !index.isFile()) return undefined;
    const stamp = `${index.ino}:${index.size}:${index.mtimeMs}`;
    if (build?.stamp !== stamp) build = listBuild(root, stamp);
    return build;
  }

  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const current = await currentBuild();
    if (current === undefined) return false;

    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      return false; // malformed percent-encoding: nothing here has such a name
    }
    let target = pathname === "/" ? INDEX : pathname;
    if (!current.files.has(target)) {
      // A client-side route (/projects/shop) gets the app, which shows the page or says it does not exist.
      if (extname(pathname) !== "" || new Negotiator(req).mediaType(["text/html"]) === undefined)
        return false;
      target = INDEX;
    }

    const precompressed = current.gzippable.get(target);
    if (precompressed !== undefined && new Negotiator(req).encoding(["gzip"]) === "gzip") {
      if (!precompressed) {
        await sendGzipped(req, res, current, target);
        return true;
      }
      target = `${target}.gz`;
    }
    // sirv reads the path from req.url; the rest of the URL (the query) means nothing to files.
    req.url = encodeURI(target);
    let found = true;
    current.serve(req, res, () => {
      found = false;
    });
    return found;
  };
}

function listBuild(root: string, stamp: string): Build {
  const files = new Map<string, Stats>();
  for (const name of readdirSync(root, { recursive: true, encoding: "utf8" })) {
    // Dot-files (the build's .vite/manifest.json) are for tools, not browsers; sirv leaves them out too.
    if (name.split(sep).some((part) => part.startsWith("."))) continue;
    const stats = statSync(join(root, name), { throwIfNoEntry: false });
    if (stats?.isFile()) files.set(`/${name.split(sep).join("/")}`, stats);
  }
  const gzippable = new Map<string, boolean>();
  for (const [path, stats] of files) {
    if (!COMPRESSIBLE.test(path) || stats.size < MIN_GZIP_BYTES) continue;
    const gz = files.get(`${path}.gz`);
    gzippable.set(path, gz !== undefined && gz.mtimeMs >= stats.mtimeMs - STALE_GZIP_MS);
  }
  const build: Build = {
    root,
    stamp,
    files,
    gzippable,
    gzipped: new Map(),
    serve: sirv(root, {
      etag: true,
      extensions: [],
      setHeaders: (res, pathname) => {
        setFileHeaders(res, build, pathname.endsWith(".gz") ? pathname.slice(0, -3) : pathname);
        // sirv pipes the file into the response without an error listener; a vanished file must not throw.
        res.once("pipe", (source: Readable) => {
          source.once("error", () => res.destroy());
        });
      },
    }),
  };
  return build;
}

function setFileHeaders(res: ServerResponse, build: Build, path: string): void {
  const type = lookup(path) ?? "application/octet-stream";
  res.setHeader(
    "Content-Type",
    /^text\/|^application\/(.+\+)?json$/.test(type) ? `${type}; charset=utf-8` : type,
  );
  res.setHeader("Cache-Control", path.startsWith("/assets/") ? IMMUTABLE : "no-cache");
  res.setHeader("X-Content-Type-Options", "nosniff");
  if (build.gzippable.has(path)) res.setHeader("Vary", "Accept-Encoding");
  if (path.endsWith(".html")) {
    // The dashboard acts on the signed-in user's behalf: no other site may frame it (clickjacking).
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Content-Security-Policy", "frame-ancestors 'none'");
    res.setHeader("Referrer-Policy", "same-origin");
  }
}

/** A gzippable file that came without a `.gz`: compressed once per build, then answered from memory. */
async function sendGzipped(req: IncomingMessage, res: ServerResponse, build: Build, path: string) {
  const stats = build.files.get(path)!;
  let body = build.gzipped.get(path);
  if (body === undefined) {
    body = readFile(join(build.root, path)).then((source) => gzipAsync(source, { level: 9 }));
    build.gzipped.set(path, body);
    // A file that could not be read is tried again next time, not remembered as failed.
    body.catch(() => build.gzipped.delete(path));
  }
  const compressed = await body;
  setFileHeaders(res, build, path);
  const etag = `W/"gzip-${stats.size}-${stats.mtime.getTime()}"`;
  if (req.headers["if-none-match"] === etag) {
    res.writeHead(304, { ETag: etag });
    res.end();
    return;
  }
  res.writeHead(200, {
    "Content-Encoding": "gzip",
    "Content-Length": compressed.length,
    ETag: etag,
    "Last-Modified": stats.mtime.toUTCString(),
  });
  res.end(compressed);
}
