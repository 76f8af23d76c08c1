// The /trpc handler (src/http/trpc-handler.ts) must answer exactly as tRPC's standalone node adapter would: the same
// requests go to the server and to a bare node:http server running tRPC's `createHTTPHandler` with the same options
// and services (same database and clock), and status, headers, framing and body are compared byte for byte. The
// headers the HTTP layer adds before tRPC (request id, nosniff, no-store) are http.test.ts's, and left out here.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter, createContextFactory, tagRequest } from "@babyhelm/api/runtime";
import { createSession } from "@babyhelm/api/testing";
import { createDb, type Db } from "@babyhelm/db";
import { MAX_BATCH_SIZE } from "../src/http/http-server.js";
import { startHarness, uniqueName, type Harness } from "./support/harness.js";

interface RawResponse {
  status: number;
  /** Name, value, name, value…, as they came on the wire, without Date, framing and the HTTP layer's own. */
  headers: string[];
  framing: "content-length" | "chunked" | "none";
  body: string;
}

const LEFT_OUT = new Set([
  "date",
  "content-length",
  "transfer-encoding",
  "x-request-id",
  "x-content-type-options",
  "cache-control",
]);
const MAX_BODY_SIZE = 1024 * 1024;
/** An SSE stream is read until it ends or for this long. */
const STREAM_READ_MS = 3_000;

function send(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${base}${path}`,
      { method: init.method ?? "GET", headers: init.headers, agent: false },
      (response) => {
        let body = "";
        const stop = setTimeout(() => response.destroy(), STREAM_READ_MS);
        const done = () => {
          clearTimeout(stop);
          const pairs: string[] = [];
          for (let index = 0; index < response.rawHeaders.length; index += 2) {
            const name = response.rawHeaders[index]!;
            if (!LEFT_OUT.has(name.toLowerCase())) pairs.push(name, response.rawHeaders[index + 1]!);
          }
          resolve({
            status: response.statusCode ?? 0,
            headers: pairs,
            framing:
              response.headers["content-length"] !== undefined
                ? "content-length"
                : response.headers["transfer-encoding"] === "chunked"
                  ? "chunked"
                  : "none",
            body,
          });
        };
        response.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
        response.on("end", done);
        response.on("close", done);
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(init.body);
  });
}

const input = (value: unknown) => `input=${encodeURIComponent(JSON.stringify(value))}`;

describe("the /trpc handler", () => {
  // A still clock: a renewed session's cookie carries the same Expires from both servers.
  const clock = new Date();
  let db: Db;
  let harness: Harness;
  let reference: Server;
  let referenceUrl: string;
  let project: string;
  let apiToken: string;
  let renewingSession: { token: string; sessionId: string };

  beforeAll(async () => {
    db = await createDb({});
    harness = await startHarness(db, { now: () => clock });
    const standalone = createHTTPHandler({
      router: appRouter,
      basePath: "/trpc/",
      maxBodySize: MAX_BODY_SIZE,
      maxBatchSize: MAX_BATCH_SIZE,
      allowMethodOverride: true,
      createContext: createContextFactory(harness.server.services),
      onError: () => undefined,
    });
    reference = createServer((req, res) => {
      const requestId = req.headers["x-request-id"];
      if (typeof requestId === "string") tagRequest(req, requestId);
      standalone(req, res);
    });
    await new Promise<void>((resolve) => reference.listen(0, "127.0.0.1", resolve));
    referenceUrl = `http://127.0.0.1:${(reference.address() as AddressInfo).port}`;

    const user = await harness.newUser("handler");
    project = uniqueName("handler");
    await user.client.projects.create.mutate({ name: project });
    apiToken = (await user.client.auth.tokens.create.mutate({ name: "handler" })).token;
    const { id: userId } = await db.kysely
      .selectFrom("users")
      .select("id")
      .where("email", "=", user.email)
      .executeTakeFirstOrThrow();
    const { token, sessionId } = await createSession(db.kysely, userId, "test", clock);
    renewingSession = { token, sessionId };
  });
  afterAll(async () => {
    await new Promise((resolve) => reference?.close(resolve));
    await harness?.stop();
    await db?.close();
  });

  /** Due for renewal again, and not remembered: each server's request renews it and sends the cookie. */
  async function makeSessionDueForRenewal() {
    await db.kysely
      .updateTable("sessions")
      .set({ expires_at: new Date(clock.getTime() + 10 * 86_400_000) })
      .where("id", "=", renewingSession.sessionId)
      .execute();
    harness.server.services.credentials.forgetSession(renewingSession.sessionId);
  }

  const bearer = () => ({ authorization: `Bearer ${apiToken}` });
  const json = { "content-type": "application/json" };
  const cases: {
    name: string;
    path: () => string;
    method?: string;
    headers?: () => Record<string, string>;
    body?: () => string;
    before?: () => Promise<void>;
    status: number;
  }[] = [
    {
      name: "a list with input",
      path: () => `/trpc/projects.list?${input({ limit: 5 })}`,
      headers: bearer,
      status: 200,
    },
    { name: "a list without input", path: () => "/trpc/projects.list", headers: bearer, status: 200 },
    { name: "null data", path: () => "/trpc/auth.me", status: 200 },
    {
      name: "NOT_FOUND",
      path: () => `/trpc/projects.get?${input({ name: "no-such-project" })}`,
      headers: bearer,
      status: 404,
    },
    { name: "UNAUTHORIZED", path: () => `/trpc/projects.get?${input({ name: project })}`, status: 401 },
    {
      name: "BAD_REQUEST with zod issues",
      path: () => `/trpc/projects.list?${input({ limit: 0, cursor: 7 })}`,
      headers: bearer,
      status: 400,
    },
    {
      name: "FieldError issues from a pack",
      path: () =>
        `/trpc/apps.previewManifests?${input({ project, name: "web", spec: { image: 42, replicas: "many" } })}`,
      headers: bearer,
      status: 400,
    },
    {
      name: "a renewed session's cookie",
      path: () => "/trpc/auth.me",
      headers: () => ({ cookie: `babyhelm_session=${renewingSession.token}` }),
      before: makeSessionDueForRenewal,
      status: 200,
    },
    { name: "a mutation by GET", path: () => "/trpc/auth.logout", headers: bearer, status: 405 },
    {
      name: "a batch",
      path: () => `/trpc/projects.list,auth.me?batch=1&${input({ 0: { limit: 1 } })}`,
      headers: bearer,
      status: 200,
    },
    {
      name: "a batch over the limit",
      path: () => `/trpc/${Array.from({ length: MAX_BATCH_SIZE + 1 }, () => "auth.me").join(",")}?batch=1`,
      status: 400,
    },
    {
      name: "a streamed batch",
      path: () => `/trpc/projects.list,auth.me?batch=1&${input({ 0: { limit: 1 } })}`,
      headers: () => ({ ...bearer(), "trpc-accept": "application/jsonl" }),
      status: 200,
    },
    { name: "input that is not JSON", path: () => "/trpc/projects.list?input=%7Bnope", status: 400 },
    { name: "an unknown procedure", path: () => "/trpc/projects.nothing", headers: bearer, status: 404 },
    { name: "an encoded path", path: () => "/trpc/projects%2Elist", headers: bearer, status: 200 },
    {
      name: "a Host that makes no URL",
      path: () => "/trpc/auth.me",
      headers: () => ({ host: "no such host" }),
      status: 400,
    },
    {
      name: "a subscription's refusal over SSE",
      path: () => `/trpc/apps.watchStatus?${input({ project, name: "no-such-app" })}`,
      headers: () => ({ ...bearer(), accept: "text/event-stream" }),
      status: 200,
    },
    {
      name: "a query by POST (method override)",
      method: "POST",
      path: () => "/trpc/projects.list",
      headers: () => ({ ...bearer(), ...json }),
      body: () => JSON.stringify({ limit: 2 }),
      status: 200,
    },
    {
      name: "a mutation refused on its input",
      method: "POST",
      path: () => "/trpc/projects.create",
      headers: () => ({ ...bearer(), ...json }),
      body: () => JSON.stringify({ name: "Not A Name!" }),
      status: 400,
    },
    {
      name: "a body that is not JSON",
      method: "POST",
      path: () => "/trpc/projects.create",
      headers: () => ({ ...bearer(), ...json }),
      body: () => "{nope",
      status: 400,
    },
    {
      name: "a body over the limit",
      method: "POST",
      path: () => "/trpc/projects.create",
      headers: () => ({ ...bearer(), ...json }),
      body: () => JSON.stringify({ name: "x".repeat(MAX_BODY_SIZE) }),
      status: 413,
    },
  ];

  it.each(cases)("answers $name as tRPC's node adapter does", async (testCase) => {
    const init = {
      method: testCase.method,
      headers: { ...testCase.headers?.(), "x-request-id": `same-${testCase.name.replaceAll(/\W/g, "-")}` },
      body: testCase.body?.(),
    };
    await testCase.before?.();
    const ours = await send(harness.url, testCase.path(), init);
    await testCase.before?.();
    const theirs = await send(referenceUrl, testCase.path(), init);

    expect(theirs.status).toBe(testCase.status);
    expect(ours.status).toBe(theirs.status);
    expect(ours.headers).toEqual(theirs.headers);
    expect(ours.framing).toBe(theirs.framing);
    expect(ours.body).toBe(theirs.body);
  });

  it("answers internal errors as tRPC's node adapter does, hiding them behind the request id", async () => {
    await db.kysely.schema.alterTable("project_members").renameTo("project_members_moved").execute();
    try {
      const path = `/trpc/projects.list?${input({})}`;
      const init = { headers: { ...bearer(), "x-request-id": "same-internal" } };
      const ours = await send(harness.url, path, init);
      const theirs = await send(referenceUrl, path, init);
      expect(theirs.status).toBe(500);
      expect(ours).toEqual(theirs);
      expect(JSON.parse(ours.body)).toMatchObject({
        error: { message: "Internal error (request same-internal); the server log has the details." },
      });
    } finally {
      await db.kysely.schema.alterTable("project_members_moved").renameTo("project_members").execute();
    }
  });
});
