// Every procedure, fed hostile input as an attacker would send it over HTTP: NUL bytes and lone UTF-16 surrogates in
// every string, integers past PostgreSQL's int4, wrong types, prototype keys, junk at the top. Whatever comes in,
// the answer is a 4xx that names the problem, never a 5xx: a 5xx means input reached the database or a library
// unchecked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "@babyhelm/api";
import { createDb, type Db } from "@babyhelm/db";
import { startHarness, uniqueName, type Harness, type SignedInClient } from "./support/harness.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const HOSTILE_VALUES: readonly Json[] = [
  "nul\u0000byte",
  "\ud800",
  "lone \udfff low",
  2 ** 31,
  2 ** 53 + 2,
  -1,
  1.5,
  1e308,
  null,
  {},
  [],
  true,
  "",
  "x".repeat(70_000),
  // Cursors are base64url JSON of a sort key: ones whose numbers no int4 or timestamp column can hold.
  ...[2 ** 40, -(2 ** 40), [2 ** 53, "x"], ["2026-01-01T00:00:00Z", 2 ** 40], ["not a date", "\u0000"]].map(
    (key) => Buffer.from(JSON.stringify(key)).toString("base64url"),
  ),
];

/**
 * Each leaf of `value` replaced by each hostile value, one at a time, and each string with a NUL appended. None of
 * them is the valid input itself, so a mutation's baseline (delete this project) is never carried out.
 */
function mutations(value: Json, path: string[] = []): { path: string; input: Json }[] {
  const result: { path: string; input: Json }[] = [];
  const replaceAt = (root: Json, at: string[], replacement: Json): Json => {
    if (at.length === 0) return replacement;
    const [head, ...rest] = at as [string, ...string[]];
    if (Array.isArray(root))
      return root.map((item, index) => (String(index) === head ? replaceAt(item, rest, replacement) : item));
    const object = root as Record<string, Json>;
    return { ...object, [head]: replaceAt(object[head] ?? null, rest, replacement) };
  };
  const visit = (node: Json, at: string[]) => {
    if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) visit(child, [...at, key]);
      return;
    }
    for (const hostile of HOSTILE_VALUES)
      result.push({ path: at.join("."), input: replaceAt(value, at, hostile) });
    if (typeof node === "string") {
      result.push({ path: `${at.join(".")}+NUL`, input: replaceAt(value, at, `${node}\u0000`) });
    }
  };
  visit(value, path);
  result.push({ path: "(an unknown key)", input: { "unknown\u0000key": "\ud83d" } });
  result.push({ path: "(__proto__)", input: JSON.parse(`{"__proto__": {"polluted": true}}`) as Json });
  for (const whole of ["\u0000", 2 ** 40, [], null] as Json[])
    result.push({ path: "(whole input)", input: whole });
  return result;
}

describe("hostile input to every procedure", () => {
  let db: Db;
  let harness: Harness;
  let user: SignedInClient;
  const project = uniqueName("hostile");
  let tokenId: string;
  let sessionId: string;
  let cookie: string;

  beforeAll(async () => {
    db = await createDb({});
    harness = await startHarness(db);
    user = await harness.newUser("hostile");
    await user.client.projects.create.mutate({ name: project });
    await user.client.apps.create.mutate({
      project,
      name: "web",
      spec: { image: "nginx:1.27", ports: [{ port: 80 }], env: [{ name: "MODE", value: "on" }] },
    });
    const other = await harness.newUser("member");
    await user.client.members.add.mutate({ project, email: other.email, role: "viewer" });
    tokenId = (await user.client.auth.tokens.create.mutate({ name: "ci" })).id;
    sessionId = (await user.client.auth.sessions.list.query({})).items[0]!.id;
    cookie = user.cookies.header()!;
    baselines["members.add"] = { project, email: "someone-new@example.com", role: "viewer" };
    baselines["members.updateRole"] = { project, email: other.email, role: "editor" };
    baselines["members.remove"] = { project, email: "nobody@example.com" };
    baselines["members.transferOwnership"] = { project, email: "nobody@example.com" };
    baselines["members.invitations"] = { project };
    baselines["members.revokeInvitation"] = { project, email: "nobody@example.com" };
  });
  afterAll(async () => {
    await harness?.stop();
    await db?.close();
  });

  const app = () => ({ project, name: "web" });
  const spec = {
    image: "nginx:1.27",
    ports: [{ port: 80 }],
    env: [{ name: "MODE", value: "off" }],
    secrets: [{ name: "DB_PASSWORD" }],
    volumes: [{ name: "data", mountPath: "/data", persistent: { size: "1Gi" } }],
  };
  const secretValues = { DB_PASSWORD: "hunter2" };
  /** A valid input for each procedure, whose leaves the suite replaces one by one. */
  const baselines: Record<string, Json | (() => Json)> = {
    "auth.register": {
      email: "new-user@example.com",
      password: "correct horse battery staple",
      mode: "cookie",
    },
    "auth.login": { email: "nobody@example.com", password: "wrong password here", mode: "cookie" },
    "auth.me": null,
    "auth.sessions.list": { cursor: null, limit: 20 },
    "auth.sessions.revoke": () => ({ id: sessionId }),
    "auth.tokens.create": { name: "deploy", expiresInDays: 30 },
    "auth.tokens.list": { cursor: null, limit: 20 },
    "auth.tokens.revoke": () => ({ id: tokenId }),
    "projects.create": { name: "hostile-new" },
    "projects.list": { cursor: null, limit: 20 },
    "projects.get": () => ({ name: project }),
    "projects.usage": () => ({ name: project }),
    "projects.volumes": () => ({ name: project }),
    "projects.deleteVolume": () => ({ name: project, volume: "web-data" }),
    "projects.delete": () => ({ name: project }),
    "members.list": () => ({ project, cursor: null, limit: 20 }),
    "audit.list": () => ({ project, cursor: null, limit: 20 }),
    "apps.packs": null,
    "apps.create": () => ({ project, name: "other", pack: "default@2", spec, secretValues }),
    "apps.update": () => ({ ...app(), spec, expectedRevision: 1, secretValues }),
    "apps.rollback": () => ({ ...app(), revision: 1, expectedRevision: 1 }),
    "apps.upgradePack": () => ({ ...app(), to: "default@2", preview: true, expectedRevision: 1 }),
    "apps.restart": app,
    "apps.redeploy": app,
    "apps.delete": () => ({ ...app(), keepVolumes: true }),
    "apps.secrets": app,
    "apps.list": () => ({ project, cursor: null, limit: 20 }),
    "apps.get": app,
    "apps.status": app,
    "apps.watchStatus": app,
    "apps.revisions": () => ({ ...app(), cursor: null, limit: 20 }),
    "apps.logs": () => ({ ...app(), pod: "web-0", tail: 10, follow: false }),
    "apps.metrics": () => ({ ...app(), range: "1h" }),
    "apps.suggestHost": () => ({ project, name: "api" }),
    "apps.previewManifests": () => ({ project, name: "web", pack: "default@2", spec, secretValues }),
    "alerts.get": () => ({ project }),
    "alerts.set": () => ({
      project,
      target: { type: "slack", url: "https://hooks.slack.com/services/T/B/x" },
    }),
    "alerts.test": () => ({ project }),
  };
  // Their valid baselines end the session the suite runs in; their hostile inputs are sent last, below.
  const lastOnes = ["auth.logout", "auth.logoutAll"];

  /** The HTTP status and body of one call, as the typed client would send it. */
  async function call(
    path: string,
    type: string,
    input: Json | undefined,
  ): Promise<{ status: number; body: string }> {
    const encoded = input === undefined ? "" : encodeURIComponent(JSON.stringify(input));
    const headers: Record<string, string> = { cookie };
    if (type === "mutation") {
      const response = await fetch(`${harness.url}/trpc/${path}`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: input === undefined ? undefined : JSON.stringify(input),
      });
      return { status: response.status, body: await response.text() };
    }
    const url = `${harness.url}/trpc/${path}${input === undefined ? "" : `?input=${encoded}`}`;
    if (type === "subscription") {
      // An SSE stream answers 200 and sends its refusal as an event: read until the first one, then leave.
      const abort = new AbortController();
      const response = await fetch(url, {
        headers: { ...headers, accept: "text/event-stream" },
        signal: abort.signal,
      });
      const reader = response.body!.getReader();
      let text = "";
      const decoder = new TextDecoder();
      while (!/\n\n/.test(text.replace(/^: ping.*\n\n/gm, ""))) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
      }
      abort.abort();
      return { status: response.status, body: text };
    }
    const response = await fetch(url, { headers });
    return { status: response.status, body: await response.text() };
  }

  const procedures = Object.entries(
    appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
  ).map(([path, procedure]) => ({ path, type: procedure._def.type }));

  it("covers every procedure of the router", () => {
    expect(procedures.map((procedure) => procedure.path).sort()).toEqual(
      [...Object.keys(baselines), ...lastOnes].sort(),
    );
  });

  it.each(procedures.filter((procedure) => !lastOnes.includes(procedure.path)))(
    "$path never answers 5xx",
    async ({ path, type }) => {
      const baseline = baselines[path]!;
      const valid = typeof baseline === "function" ? baseline() : baseline;
      const failures: string[] = [];
      for (const { path: field, input } of mutations(valid ?? {})) {
        const { status, body } = await call(path, type, input);
        if (status >= 500 || body.includes("INTERNAL_SERVER_ERROR")) {
          failures.push(
            `${field} = ${JSON.stringify(input).slice(0, 120)} → ${status} ${body.slice(0, 200)}`,
          );
        }
      }
      expect(failures).toEqual([]);
    },
  );

  it.each(lastOnes)("%s never answers 5xx", async (path) => {
    for (const input of ["\u0000", { "\ud800": 2 ** 40 }, [null], 2 ** 53] as Json[]) {
      const { status, body } = await call(path, "mutation", input);
      expect({ input, status, body: body.includes("INTERNAL_SERVER_ERROR") }).toEqual({
        input,
        status: expect.any(Number) as number,
        body: false,
      });
      expect(status).toBeLessThan(500);
    }
  });
});
