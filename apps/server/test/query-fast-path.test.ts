// The query fast path must answer exactly as tRPC's adapter would: the same requests go to a server with it and to
// one without it (same services, database and clock), and status, body and headers are compared byte for byte.
// Only the framing differs: the fast path sends Content-Length, the adapter streams its body chunked.
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "@babyhelm/api";
import { createSession } from "@babyhelm/api/testing";
import { createDb, type Db } from "@babyhelm/db";
import { createHttpServer } from "../src/http/http-server.js";
import { startHarness, uniqueName, type Harness } from "./support/harness.js";

interface RawResponse {
  status: number;
  /** Name, value, name, value…, as they came on the wire, without Date and the framing headers. */
  headers: string[];
  framing: "content-length" | "chunked" | "none";
  body: Buffer;
}

const FRAMING_AND_TIME = new Set(["date", "content-length", "transfer-encoding"]);

function get(base: string, path: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${base}${path}`, { headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const pairs: string[] = [];
        for (let index = 0; index < response.rawHeaders.length; index += 2) {
          const name = response.rawHeaders[index]!;
          if (!FRAMING_AND_TIME.has(name.toLowerCase())) pairs.push(name, response.rawHeaders[index + 1]!);
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
          body: Buffer.concat(chunks),
        });
      });
      response.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

const input = (value: unknown) => `input=${encodeURIComponent(JSON.stringify(value))}`;

describe("the query fast path", () => {
  // A still clock: a renewed session's cookie carries the same Expires from both servers.
  const clock = new Date();
  let db: Db;
  let harness: Harness;
  let adapterOnly: ReturnType<typeof createHttpServer>;
  let adapterUrl: string;
  let project: string;
  let apiToken: string;
  let renewingSession: { token: string; sessionId: string };

  beforeAll(async () => {
    db = await createDb({});
    harness = await startHarness(db, { now: () => clock });
    adapterOnly = createHttpServer(harness.server.services, { queryFastPath: false });
    await new Promise<void>((resolve) => adapterOnly.listen(0, "127.0.0.1", resolve));
    adapterUrl = `http://127.0.0.1:${(adapterOnly.address() as AddressInfo).port}`;

    const user = await harness.newUser("fast");
    project = uniqueName("fast");
    await user.client.projects.create.mutate({ name: project });
    apiToken = (await user.client.auth.tokens.create.mutate({ name: "fast" })).token;
    const { id: userId } = await db.kysely
      .selectFrom("users")
      .select("id")
      .where("email", "=", user.email)
      .executeTakeFirstOrThrow();
    const { token, sessionId } = await createSession(db.kysely, userId, "test", clock);
    renewingSession = { token, sessionId };
  });
  afterAll(async () => {
    await new Promise((resolve) => adapterOnly?.close(resolve));
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
  const cases: {
    name: string;
    path: () => string;
    headers?: () => Record<string, string>;
    before?: () => Promise<void>;
    /** Whether the fast path answers it (else both go through the adapter). */
    fast: boolean;
    status: number;
  }[] = [
    {
      name: "a list with input",
      path: () => `/trpc/projects.list?${input({ limit: 5 })}`,
      headers: bearer,
      fast: true,
      status: 200,
    },
    {
      name: "a list without input",
      path: () => "/trpc/projects.list",
      headers: bearer,
      fast: true,
      status: 200,
    },
    { name: "null data", path: () => "/trpc/auth.me", fast: true, status: 200 },
    { name: "an empty input", path: () => "/trpc/auth.me?input=", fast: true, status: 200 },
    {
      name: "one project",
      path: () => `/trpc/projects.get?${input({ name: project })}`,
      headers: bearer,
      fast: true,
      status: 200,
    },
    {
      name: "NOT_FOUND",
      path: () => `/trpc/projects.get?${input({ name: "no-such-project" })}`,
      headers: bearer,
      fast: true,
      status: 404,
    },
    {
      name: "UNAUTHORIZED with input",
      path: () => `/trpc/projects.get?${input({ name: project })}`,
      fast: true,
      status: 401,
    },
    {
      name: "UNAUTHORIZED with a bad token",
      path: () => "/trpc/projects.list",
      headers: () => ({ authorization: "Bearer bhp_nope" }),
      fast: true,
      status: 401,
    },
    {
      name: "BAD_REQUEST with zod issues",
      path: () => `/trpc/projects.list?${input({ limit: 0, cursor: 7 })}`,
      headers: bearer,
      fast: true,
      status: 400,
    },
    {
      name: "BAD_REQUEST on a name",
      path: () => `/trpc/projects.get?${input({ name: "" })}`,
      headers: bearer,
      fast: true,
      status: 400,
    },
    {
      name: "BAD_REQUEST on a cursor",
      path: () => `/trpc/projects.list?${input({ cursor: "garbage" })}`,
      headers: bearer,
      fast: true,
      status: 400,
    },
    {
      name: "FieldError issues",
      path: () => `/trpc/apps.previewManifests?${input({ project, name: "web", spec: "not an object" })}`,
      headers: bearer,
      fast: true,
      status: 400,
    },
    {
      name: "FieldError issues from a pack",
      path: () =>
        `/trpc/apps.previewManifests?${input({ project, name: "web", spec: { image: 42, replicas: "many" } })}`,
      headers: bearer,
      fast: true,
      status: 400,
    },
    {
      name: "a renewed session's cookie",
      path: () => "/trpc/auth.me",
      headers: () => ({ cookie: `babyhelm_session=${renewingSession.token}` }),
      before: makeSessionDueForRenewal,
      fast: true,
      status: 200,
    },
    { name: "a mutation by GET", path: () => "/trpc/auth.logout", headers: bearer, fast: false, status: 405 },
    {
      name: "a batch",
      path: () => `/trpc/projects.list,auth.me?batch=1&${input({ 0: { limit: 1 } })}`,
      headers: bearer,
      fast: false,
      status: 200,
    },
    {
      name: "input that is not JSON",
      path: () => "/trpc/projects.list?input=%7Bnope",
      headers: bearer,
      fast: false,
      status: 400,
    },
    {
      name: "another query parameter",
      path: () => "/trpc/auth.me?connectionParams=1",
      fast: false,
      status: 400,
    },
    {
      name: "an unknown procedure",
      path: () => "/trpc/projects.nothing",
      headers: bearer,
      fast: false,
      status: 404,
    },
    {
      name: "an encoded path",
      path: () => "/trpc/projects%2Elist",
      headers: bearer,
      fast: false,
      status: 200,
    },
    {
      name: "a streaming accept header",
      path: () => "/trpc/auth.me",
      headers: () => ({ "trpc-accept": "application/jsonl" }),
      fast: false,
      status: 400,
    },
  ];

  it.each(cases)("answers $name as the adapter does", async (testCase) => {
    const headers = {
      ...testCase.headers?.(),
      "x-request-id": `same-${testCase.name.replaceAll(/\W/g, "-")}`,
    };
    await testCase.before?.();
    const fast = await get(harness.url, testCase.path(), headers);
    await testCase.before?.();
    const adapter = await get(adapterUrl, testCase.path(), headers);

    expect(adapter.status).toBe(testCase.status);
    expect(fast.status).toBe(adapter.status);
    expect(fast.headers).toEqual(adapter.headers);
    expect(fast.body.toString("utf8")).toBe(adapter.body.toString("utf8"));
    expect(fast.body.equals(adapter.body)).toBe(true);
    expect(adapter.framing).toBe("chunked");
    expect(fast.framing).toBe(testCase.fast ? "content-length" : "chunked");
  });

  it("carries the error formatter's fields and the session cookie", async () => {
    const zod = await get(harness.url, `/trpc/projects.list?${input({ limit: 0 })}`, bearer());
    expect(JSON.parse(zod.body.toString())).toMatchObject({
      error: {
        data: { code: "BAD_REQUEST", httpStatus: 400, path: "projects.list", issues: [{ path: "limit" }] },
      },
    });
    const field = await get(
      harness.url,
      `/trpc/apps.previewManifests?${input({ project, name: "web", spec: "not an object" })}`,
      bearer(),
    );
    expect(JSON.parse(field.body.toString())).toMatchObject({
      error: { data: { code: "BAD_REQUEST", issues: [{ path: "spec", message: expect.any(String) }] } },
    });
    await makeSessionDueForRenewal();
    const renewed = await get(harness.url, "/trpc/auth.me", {
      cookie: `babyhelm_session=${renewingSession.token}`,
    });
    expect(renewed.headers).toContain("Set-Cookie");
    expect(renewed.headers[renewed.headers.indexOf("Set-Cookie") + 1]).toMatch(
      /^babyhelm_session=[a-z2-7]+; HttpOnly; SameSite=Lax; Path=\/; Expires=/,
    );
  });

  it("answers internal errors as the adapter does, hiding them behind the request id", async () => {
    await db.kysely.schema.alterTable("project_members").renameTo("project_members_moved").execute();
    try {
      const path = `/trpc/projects.list?${input({})}`;
      const headers = { ...bearer(), "x-request-id": "same-internal" };
      const fast = await get(harness.url, path, headers);
      const adapter = await get(adapterUrl, path, headers);
      expect(adapter.status).toBe(500);
      expect(fast.status).toBe(500);
      expect(fast.headers).toEqual(adapter.headers);
      expect(fast.body.equals(adapter.body)).toBe(true);
      expect(JSON.parse(fast.body.toString())).toMatchObject({
        error: { message: "Internal error (request same-internal); the server log has the details." },
      });
      expect(fast.framing).toBe("content-length");
    } finally {
      await db.kysely.schema.alterTable("project_members_moved").renameTo("project_members").execute();
    }
  });

  it("keeps tRPC's typed client working through httpLink and httpBatchLink", async () => {
    for (const link of [httpLink, httpBatchLink]) {
      const client = createTRPCClient<AppRouter>({
        links: [link({ url: `${harness.url}/trpc`, headers: bearer })],
      });
      const [list, one, missing] = await Promise.all([
        client.projects.list.query({ limit: 5 }),
        client.projects.get.query({ name: project }),
        client.projects.get.query({ name: "no-such-project" }).catch((error: unknown) => error),
      ]);
      expect(list.items.map((item) => item.name)).toContain(project);
      expect(one).toMatchObject({ name: project, role: "creator" });
      expect(missing).toBeInstanceOf(TRPCClientError);
      expect((missing as TRPCClientError<AppRouter>).data).toMatchObject({
        code: "NOT_FOUND",
        httpStatus: 404,
      });
    }
  });
});
