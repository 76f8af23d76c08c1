// HTTP to the API server: node:http(s) with client-node's KubeConfig for credentials, TLS and proxies.
//
// Why not client-node's API classes: KubernetesObjectApi rebuilds built-in kinds from its models (dropping fields the
// server should judge under fieldValidation=Strict, and turning timestamps into Date objects), Log reports every
// failure as a bodiless 500, and Watch neither has a connect deadline nor keeps the Status of a refused watch. Here
// JSON goes out and comes back as is, every request has a deadline, and errors keep what the server said.
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { ApiStatusError, RequestTimeoutError, type KubeStatus } from "./cluster-errors.js";

export interface RequestOptions {
  method?: "GET" | "PATCH" | "DELETE";
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  /** Aborts the request (and, for streams, the stream) early. */
  signal?: AbortSignal;
}

export interface StreamOptions extends RequestOptions {
  /** Ends a stream that has been silent this long, so a dead connection cannot hang a watch forever. */
  idleTimeoutMs?: number;
}

export class KubeTransport {
  readonly server: string;
  private readonly secrets = new Set<string>();

  constructor(
    private readonly kc: KubeConfig,
    /** The deadline of every request: until the whole answer (a stream: its headers) has arrived. */
    readonly timeoutMs: number,
  ) {
    this.server = kc.getCurrentCluster()?.server.replace(/\/+$/, "") ?? "";
  }

  /** Credentials seen so far, for keeping them out of messages. */
  knownSecrets(): string[] {
    return [...this.secrets];
  }

  /** A JSON request; resolves to the parsed answer, throws ApiStatusError for a non-2xx one. */
  async json(path: string, options: RequestOptions = {}): Promise<unknown> {
    const { response, done } = await this.open(path, options);
    try {
      const text = await readText(response);
      if (isFailure(response)) throw statusError(response, text);
      if (text.trim() === "") return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new Error(`the API server answered with something other than JSON: ${text.slice(0, 120)}`);
      }
    } catch (error) {
      throw done.reasonFor(error);
    } finally {
      done.finish();
    }
  }

  /**
   * A streamed answer (watch, follow logs): resolves once the headers are in, with the body to read; the deadline
   * stops there and the caller's signal ends the stream.
   */
  async stream(path: string, options: StreamOptions = {}): Promise<IncomingMessage> {
    const { response, done, request } = await this.open(path, options);
    if (isFailure(response)) {
      try {
        throw statusError(response, await readText(response));
      } catch (error) {
        throw done.reasonFor(error);
      } finally {
        done.finish();
      }
    }
    done.stopDeadline();
    if (options.idleTimeoutMs !== undefined) {
      request.setTimeout(options.idleTimeoutMs, () => request.destroy(new Error("the stream went silent")));
    }
    response.once("close", () => {
      done.finish();
    });
    return response;
  }

  private async open(
    path: string,
    options: RequestOptions,
  ): Promise<{ response: IncomingMessage; request: http.ClientRequest; done: Deadline }> {
    const url = new URL(this.server + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const done = new Deadline(this.timeoutMs, options.signal);
    try {
      const requestOptions: https.RequestOptions = {
        method: options.method ?? "GET",
        headers: { Accept: "application/json, */*" },
      };
      // Exec plugins and token files may take a while: the deadline covers getting credentials too.
      await done.race(this.kc.applyToHTTPSOptions(requestOptions));
      this.remember(requestOptions);
      const body = options.body === undefined ? undefined : JSON.stringify(options.body);
      const headers: http.OutgoingHttpHeaders = { ...(requestOptions.headers as http.OutgoingHttpHeaders) };
      if (body !== undefined) headers["Content-Type"] = options.contentType ?? "application/json";
      const module = url.protocol === "https:" ? https : http;
      let request: http.ClientRequest | undefined;
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        request = module.request(url, { ...requestOptions, headers, signal: done.signal }, resolve);
        request.once("error", reject);
        request.end(body);
      });
      return { response, request: request!, done };
    } catch (error) {
      done.finish();
      throw done.reasonFor(error);
    }
  }

  private remember(options: https.RequestOptions): void {
    const secrets = this.secretsOf(options);
    for (const secret of secrets) {
      // Re-inserted to count as recent: rotated tokens (exec plugins, projected service account tokens) come and go,
      // and only the latest few can still be in an answer.
      this.secrets.delete(secret);
      this.secrets.add(secret);
    }
    for (const old of [...this.secrets].slice(0, Math.max(0, this.secrets.size - 16)))
      this.secrets.delete(old);
  }

  private secretsOf(options: https.RequestOptions): string[] {
    const secrets: string[] = [];
    const headers = options.headers as Record<string, unknown> | undefined;
    const authorization = headers?.Authorization ?? headers?.authorization;
    if (typeof authorization === "string") {
      secrets.push(authorization);
      const credential = authorization.replace(/^\S+\s+/, "");
      if (credential !== authorization) secrets.push(credential);
    }
    if (typeof options.auth === "string")
      secrets.push(options.auth, Buffer.from(options.auth).toString("base64"));
    return secrets;
  }
}

/** One request's deadline and the caller's signal, merged into one signal for node:http. */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onCallerAbort: () => void;

  constructor(
    timeoutMs: number,
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => {
      this.controller.abort(new RequestTimeoutError(timeoutMs));
    }, timeoutMs);
    this.onCallerAbort = () => {
      this.controller.abort(callerSignal?.reason);
    };
    if (callerSignal?.aborted) this.onCallerAbort();
    else callerSignal?.addEventListener("abort", this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  stopDeadline(): void {
    clearTimeout(this.timer);
  }

  finish(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener("abort", this.onCallerAbort);
  }

  /** Whatever node:http threw after an abort, the abort's own reason (our timeout, or the caller's) says why. */
  reasonFor(error: unknown): unknown {
    return this.controller.signal.aborted ? (this.controller.signal.reason as unknown) : error;
  }

  race<T>(promise: Promise<T>): Promise<T> {
    const { signal } = this.controller;
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        reject(signal.reason as Error);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      promise.then(resolve, reject).finally(() => {
        signal.removeEventListener("abort", onAbort);
      });
    });
  }
}

function isFailure(response: IncomingMessage): boolean {
  return (response.statusCode ?? 500) >= 300;
}

function statusError(response: IncomingMessage, text: string): ApiStatusError {
  const code = response.statusCode ?? 500;
  let status: KubeStatus | undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === "object" && parsed !== null && (parsed as KubeStatus).kind === "Status") {
      status = parsed;
    }
  } catch {
    // Not JSON: a proxy's page or a plain-text error; the text is kept instead.
  }
  return new ApiStatusError(code, status, text);
}

async function readText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
