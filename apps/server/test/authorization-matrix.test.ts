// Every procedure, called by a creator, an editor, a viewer, a member of another project and an anonymous caller.
import type { Db } from "@babyhelm/db";
import { testBackends } from "@babyhelm/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, type Harness, type SignedInClient, errorOf, startHarness, uniqueName } from "./support/harness.js";

type Caller = "creator" | "editor" | "viewer" | "nonMember" | "anonymous";
const CALLERS: Caller[] = ["creator", "editor", "viewer", "nonMember", "anonymous"];

interface Fixture {
  project: string;
  extra: string; // a fifth user, a viewer of the project
  outsider: string; // registered, not a member
}

interface Row {
  procedure: string;
  allowed: Caller[];
  call: (client: ApiClient, fixture: Fixture) => Promise<unknown>;
}

const rows: Row[] = [
  { procedure: "auth.me", allowed: CALLERS, call: (c) => c.auth.me.query() },
  { procedure: "auth.sessions.list", allowed: ["creator", "editor", "viewer", "nonMember"], call: (c) => c.auth.sessions.list.query() },
  { procedure: "auth.tokens.list", allowed: ["creator", "editor", "viewer", "nonMember"], call: (c) => c.auth.tokens.list.query() },
  { procedure: "auth.tokens.create", allowed: ["creator", "editor", "viewer", "nonMember"], call: (c) => c.auth.tokens.create.mutate({ name: "m" }) },
  { procedure: "projects.list", allowed: ["creator", "editor", "viewer", "nonMember"], call: (c) => c.projects.list.query({}) },
  { procedure: "projects.create", allowed: ["creator", "editor", "viewer", "nonMember"], call: (c) => c.projects.create.mutate({ name: uniqueName("mx") }) },
  { procedure: "projects.get", allowed: ["creator", "editor", "viewer"], call: (c, f) => c.projects.get.query({ name: f.project }) },
  { procedure: "projects.delete", allowed: ["creator"], call: (c, f) => c.projects.delete.mutate({ name: f.project }) },
  { procedure: "members.list", allowed: ["creator", "editor", "viewer"], call: (c, f) => c.members.list.query({ project: f.project }) },
  { procedure: "members.add", allowed: ["creator"], call: (c, f) => c.members.add.mutate({ project: f.project, email: f.outsider, role: "viewer" }) },
  { procedure: "members.updateRole", allowed: ["creator"], call: (c, f) => c.members.updateRole.mutate({ project: f.project, email: f.extra, role: "editor" }) },
  { procedure: "members.remove", allowed: ["creator"], call: (c, f) => c.members.remove.mutate({ project: f.project, email: f.extra }) },
  { procedure: "members.transferOwnership", allowed: ["creator"], call: (c, f) => c.members.transferOwnership.mutate({ project: f.project, email: f.extra }) },
  { procedure: "audit.list", allowed: ["creator", "editor"], call: (c, f) => c.audit.list.query({ project: f.project }) },
];

/** What a refused caller must get: anonymous callers must sign in; outsiders must not learn the project exists. */
const refusal: Record<Caller, string> = {
  creator: "FORBIDDEN",
  editor: "FORBIDDEN",
  viewer: "FORBIDDEN",
  nonMember: "NOT_FOUND",
  anonymous: "UNAUTHORIZED",
};

function defineMatrix(extraRows: Row[] = []) {
  for (const backend of testBackends()) {
    describe.skipIf(backend.skipReason !== undefined)(`authorization matrix on ${backend.name}`, () => {
      let db: Db;
      let harness: Harness;
      const users = {} as Record<Exclude<Caller, "anonymous"> | "extra" | "outsider", SignedInClient>;
      beforeAll(async () => {
        db = await backend.open();
        harness = await startHarness(db);
        for (const name of ["creator", "editor", "viewer", "nonMember", "extra", "outsider"] as const) {
          users[name] = await harness.newUser(name.toLowerCase());
        }
      });
      afterAll(async () => {
        await harness?.stop();
        await db?.close();
      });

      async function freshProject(): Promise<Fixture> {
        const project = uniqueName("mx");
        const creator = users.creator.client;
        await creator.projects.create.mutate({ name: project });
        await creator.members.add.mutate({ project, email: users.editor.email, role: "editor" });
        await creator.members.add.mutate({ project, email: users.viewer.email, role: "viewer" });
        await creator.members.add.mutate({ project, email: users.extra.email, role: "viewer" });
        await users.nonMember.client.projects.create.mutate({ name: uniqueName("other") });
        return { project, extra: users.extra.email, outsider: users.outsider.email };
      }

      for (const row of [...rows, ...extraRows]) {
        it(`${row.procedure}: ${row.allowed.join(", ")}`, async () => {
          for (const caller of CALLERS) {
            const fixture = await freshProject();
            const client = caller === "anonymous" ? harness.anonymous() : users[caller].client;
            const call = row.call(client, fixture);
            if (row.allowed.includes(caller)) {
              await call.catch((error: unknown) => {
                throw new Error(`${caller} may call ${row.procedure}, and it failed: ${String(error)}`);
              });
            } else {
              const error = await errorOf(call);
              expect(error.code, `${caller} calling ${row.procedure}: ${error.message}`).toBe(refusal[caller]);
            }
          }
        });
      }
    });
  }
}

defineMatrix();
