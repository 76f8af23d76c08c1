// A failed alert says which step failed and where: the DNS lookup of the host, TLS (untrusted, for another name,
// expired), the connection, or the receiver's HTTP status, with the URL shown without its secret path.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverAlert, describeRequestFailure, type AlertMessage } from "@babyhelm/api/testing";
import type { AlertTarget } from "@babyhelm/db";

const MESSAGE: AlertMessage = {
  text: "🔴 shop/web failed",
  title: "shop/web failed",
  detail: "",
  link: undefined,
};
const SECRET_PATH = "services/T0001/B0002/xoxSecretPath";
const options = { telegramApiUrl: "https://api.telegram.org", timeoutMs: 5_000, allowPrivate: true };

function slackTarget(url: string): AlertTarget {
  return { type: "slack", webhook_url: url, bot_token: null, chat_id: null } as AlertTarget;
}

async function failureOf(url: string): Promise<string> {
  const error = await deliverAlert(slackTarget(url), MESSAGE, options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error)) throw new Error(`expected the delivery to ${url} to fail`);
  expect(error.message).not.toContain("xoxSecret");
  return error.message;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
  });
}

/** A key and certificate made by openssl: `days` -1 gives one that expired yesterday. */
function certificate(dir: string, name: string, days: number): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-subj", `/CN=${name}`],
    { stdio: "ignore", env: { ...process.env, OPENSSL_CONF: "/dev/null" } },
  );
  if (days < 0) {
    // req -x509 refuses a negative validity; signing its request again with x509 -days -1 does not.
    const csr = join(dir, `${name}.csr`);
    execFileSync("openssl", ["req", "-new", "-key", key, "-subj", `/CN=${name}`, "-out", csr], {
      stdio: "ignore",
      env: { ...process.env, OPENSSL_CONF: "/dev/null" },
    });
    execFileSync(
      "openssl",
      ["x509", "-req", "-in", csr, "-signkey", key, "-days", String(days), "-out", cert],
      {
        stdio: "ignore",
      },
    );
  }
  return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
}

/** The error node's TLS client gives for a server with `served`, trusting `served` itself as an authority. */
async function tlsErrorWith(served: { key: string; cert: string }, servername: string): Promise<unknown> {
  const server = createHttpsServer(served, (_req, res) => res.end("ok"));
  const port = await listen(server);
  try {
    return await new Promise((resolve) => {
      const socket = connect({ host: "127.0.0.1", port, servername, ca: served.cert });
      socket.on("secureConnect", () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.on("error", resolve);
    });
  } finally {
    await close(server);
  }
}

describe("a failed alert says what failed and where", () => {
  const dir = mkdtempSync(join(tmpdir(), "babyhelm-alert-tls-"));
  let valid: { key: string; cert: string };
  let expired: { key: string; cert: string };

  beforeAll(() => {
    valid = certificate(dir, "hooks.example.test", 30);
    expired = certificate(dir, "expired.example.test", -1);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("a host that does not exist: the DNS lookup of that host", async () => {
    // .invalid never resolves (RFC 6761), whatever resolver the machine has.
    expect(await failureOf(`https://hooks.babyhelm.invalid/${SECRET_PATH}?token=abc`)).toMatch(
      /^Could not reach the webhook at hooks\.babyhelm\.invalid\. DNS lookup of hooks\.babyhelm\.invalid failed: .+ \(https:\/\/hooks\.babyhelm\.invalid\/…\)\./,
    );
  });

  it("a self-signed certificate: TLS, not trusted", async () => {
    const server = createHttpsServer(valid, (_req, res) => res.end("ok"));
    const port = await listen(server);
    try {
      expect(await failureOf(`https://127.0.0.1:${port}/${SECRET_PATH}`)).toBe(
        `Could not reach the webhook at 127.0.0.1:${port}. TLS with 127.0.0.1 failed: its certificate is not trusted (self-signed, or from an authority the BabyHelm server does not know; DEPTH_ZERO_SELF_SIGNED_CERT) (https://127.0.0.1:${port}/…). Give the receiver a certificate from a public authority.`,
      );
    } finally {
      await close(server);
    }
  });

  it("a certificate for another name, or expired: TLS, saying which", async () => {
    const where = {
      host: "hooks.example.test",
      port: "443",
      url: "https://hooks.example.test/…",
      timeoutMs: 5000,
    };
    expect(describeRequestFailure(await tlsErrorWith(valid, "other.example.test"), where)).toBe(
      "TLS with hooks.example.test failed: its certificate is for another host name (https://hooks.example.test/…). Use the host name the certificate names, or fix the receiver's certificate.",
    );
    expect(describeRequestFailure(await tlsErrorWith(expired, "expired.example.test"), where)).toBe(
      "TLS with hooks.example.test failed: its certificate has expired (https://hooks.example.test/…). The receiver's certificate must be renewed.",
    );
  });

  it("an error status: the status and the URL without its secret path or query", async () => {
    const server = createHttpServer((req, res) => {
      req.resume();
      res.writeHead(404).end("no_service");
    });
    const port = await listen(server);
    try {
      expect(await failureOf(`http://127.0.0.1:${port}/${SECRET_PATH}?key=xoxSecretKey`)).toBe(
        `The webhook at 127.0.0.1:${port} answered HTTP 404 from http://127.0.0.1:${port}/…: no_service`,
      );
    } finally {
      await close(server);
    }
  });

  it("a closed port: the connection was refused", async () => {
    const server = createHttpServer();
    const port = await listen(server);
    await close(server);
    expect(await failureOf(`http://127.0.0.1:${port}/${SECRET_PATH}`)).toBe(
      `Could not reach the webhook at 127.0.0.1:${port}. Connection to 127.0.0.1:${port} was refused: nothing accepts connections there (http://127.0.0.1:${port}/…). Check the URL's host and port.`,
    );
  });
});
