// Shared test plumbing: one sandbox per test file, and a fetch wrapper that speaks to it like a client.
import { afterAll, beforeAll } from "vitest";
import { startSandbox, type Sandbox, type SandboxOptions } from "../src/index.js";

export async function testSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ readyDelayMs: 20, ...options });
}

/** The test file's HTTP client of a sandbox started before its tests and stopped after them. */
export function fileSandboxApi(options: SandboxOptions = {}): ReturnType<typeof client> {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await testSandbox(options);
  });
  afterAll(async () => {
    await sandbox?.stop();
  });
  return (path, requestOptions) => {
    if (sandbox === undefined)
      throw new Error("the sandbox starts in beforeAll: call the API from a test or hook");
    return client(sandbox)(path, requestOptions);
  };
}

export interface ApiResponse {
  status: number;
  body: any;
  headers: Headers;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  contentType?: string;
  token?: string | null;
}

export function client(sandbox: Sandbox) {
  return async (path: string, options: RequestOptions = {}): Promise<ApiResponse> => {
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? sandbox.token : options.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["Content-Type"] = options.contentType ?? "application/json";
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    }
    const response = await fetch(`${sandbox.url}${path}`, { method: options.method ?? "GET", headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // plain text (logs)
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
}

export function deployment(
  name: string,
  extra: { replicas?: number; image?: string; namespace?: string; labels?: Record<string, string> } = {},
) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name,
      ...(extra.namespace ? { namespace: extra.namespace } : {}),
      labels: extra.labels ?? { app: name },
    },
    spec: {
      replicas: extra.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: "web", image: extra.image ?? "nginx:1.27", ports: [{ containerPort: 80 }] }],
        },
      },
    },
  };
}

let counter = 0;
/** A namespace name unique within the test run. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
