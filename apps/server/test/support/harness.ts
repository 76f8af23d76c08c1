// One running server per test file: a database backend, a sandbox cluster, and clients that speak to it as users do.
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink, TRPCClientError } from "@trpc/client";
import { EventSource } from "eventsource";
import type { AppRouter } from "@babyhelm/api";
import { createCluster, createLogger, type Logger } from "@babyhelm/api/runtime";
import type { Db } from "@babyhelm/db";
import { startSandbox, type Sandbox } from "@babyhelm/kube-sandbox";
import type { Pack } from "@babyhelm/manifest-sdk";
import { loadConfig } from "../../src/config.js";
import { startServer, type RunningServer } from "../../src/server.js";

export interface Harness {
  server: RunningServer;
  sandbox: Sandbox;
  db: Db;
  url: string;
  /** A client without credentials. */
  anonymous(): ApiClient;
  /** Registers a new user (unique email) and returns a client signed in with its session cookie. */
  newUser(prefix?: string): Promise<SignedInClient>;
  /** A client sending this bearer token. */
  withToken(token: string): ApiClient;
  stop(): Promise<void>;
}

export type ApiClient = ReturnType<typeof createTRPCClient<AppRouter>>;
export interface SignedInClient {
  client: ApiClient;
  email: string;
  password: string;
  cookies: CookieJar;
}

/** Cheap argon2 parameters for tests: the algorithm is the same, the cost is what makes it slow. */
export const TEST_PASSWORD_COST = { memoryCost: 1024, timeCost: 1 };
export const TEST_PASSWORD = "correct horse battery staple";
export const TEST_SECRET_KEY = "test-secret-key-of-at-least-32-characters";

let counter = 0;
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid.toString(36)}-${Date.now().toString(36).slice(-4)}${counter}`;
}

export class CookieJar {
  readonly values = new Map<string, string>();

  header(): string | undefined {
    if (this.values.size === 0) return undefined;
    return [...this.values].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  store(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ""] = cookie.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === "" || /max-age=0/i.test(cookie)) this.values.delete(name);
      else this.values.set(name, value);
    }
  }
}

export function makeClient(
  url: string,
  options: {
    cookies?: CookieJar;
    token?: string;
    headers?: Record<string, string>;
    /** Send queries as POST too (the server allows it, for inputs too large for a URL). */
    methodOverride?: "POST";
    /** Receives the body of every answer, as sent: for tests that scan what a user was shown. */
    onAnswer?: (body: string) => void;
  } = {},
): ApiClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        ...(options.methodOverride === undefined ? {} : { methodOverride: options.methodOverride }),
        headers: () => {
          const headers: Record<string, string> = { ...options.headers };
          const cookie = options.cookies?.header();
          if (cookie !== undefined) headers.cookie = cookie;
          if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
          return headers;
        },
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          options.cookies?.store(response);
          if (options.onAnswer !== undefined) options.onAnswer(await response.clone().text());
          return response;
        },
      }),
    ],
  });
}

export async function startHarness(
  db: Db,
  options: {
    readyDelayMs?: number;
    env?: Record<string, string>;
    packs?: readonly Pack[];
    sandbox?: Sandbox;
    /** The deadline of each request to the cluster (default 3 s). */
    requestTimeoutMs?: number;
    /** The server's clock (default: the real one). */
    now?: () => Date;
    /** Where the server logs (default: silent, or TEST_LOG_LEVEL). */
    logger?: Logger;
    /** How long start-up waits for the cluster cache (default: the server's). */
    cacheSyncWaitMs?: number;
  } = {},
): Promise<Harness> {
  const sandbox = options.sandbox ?? (await startSandbox({ readyDelayMs: options.readyDelayMs ?? 20 }));
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    BABYHELM_CLUSTER: "sandbox",
    DRIFT_CHECK_INTERVAL_SECONDS: "0",
    // The API's tests never depend on whether the dashboard has been built.
    BABYHELM_WEB_DIR: "/nonexistent/babyhelm-web",
    // Background work would take faults a test injects for its own requests: tests run the sampler themselves.
    METRICS_SAMPLE_SECONDS: "0",
    // Else the key would be a file made in ./.data the first time a test stores an alert target.
    BABYHELM_SECRET_KEY: TEST_SECRET_KEY,
    // Every test user signs up from 127.0.0.1; the tests of the limit set their own.
    BABYHELM_REGISTRATIONS_PER_IP_HOUR: "100000",
    ...options.env,
  });
  const server = await startServer({
    config,
    db,
    cluster: createCluster(
      { mode: "sandbox", kubeconfigYaml: sandbox.kubeconfigYaml },
      { requestTimeoutMs: options.requestTimeoutMs ?? 3_000 },
    ),
    logger: options.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? "silent"),
    passwordCost: TEST_PASSWORD_COST,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.packs === undefined ? {} : { packs: options.packs }),
    ...(options.cacheSyncWaitMs === undefined ? {} : { cacheSyncWaitMs: options.cacheSyncWaitMs }),
  });
  const url = server.url;
  return {
    server,
    sandbox,
    db,
    url,
    anonymous: () => makeClient(url),
    withToken: (token) => makeClient(url, { token }),
    newUser: async (prefix = "user") => {
      const email = `${uniqueName(prefix)}@example.com`;
      const cookies = new CookieJar();
      const client = makeClient(url, { cookies });
      await client.auth.register.mutate({ email, password: TEST_PASSWORD });
      return { client, email, password: TEST_PASSWORD, cookies };
    },
    stop: async () => {
      await server.stop();
      if (options.sandbox === undefined) await sandbox.stop();
    },
  };
}

/** The tRPC error code of a rejected call (fails the test if it resolved). */
export async function errorOf(call: Promise<unknown>): Promise<{ code: string; message: string; data: any }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as { code?: string } | undefined;
      return { code: data?.code ?? "UNKNOWN", message: error.message, data };
    }
    throw error;
  }
  throw new Error("expected the call to fail, and it succeeded");
}

/** A client that also streams subscriptions (server-sent events), signed in with the given cookies. */
export function makeStreamingClient(url: string, cookies: CookieJar): ApiClient {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (operation) => operation.type === "subscription",
        true: httpSubscriptionLink({
          url: `${url}/trpc`,
          EventSource,
          eventSourceOptions: {
            fetch: (input, init) =>
              fetch(input, { ...init, headers: { ...init.headers, cookie: cookies.header() ?? "" } }),
          },
        }),
        false: httpLink({ url: `${url}/trpc`, headers: () => ({ cookie: cookies.header() ?? "" }) }),
      }),
    ],
  });
}
