// Every procedure, called by a creator, an editor, a viewer, a member of another project and an anonymous caller.
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@babyhelm/db";
import { testBackends } from "@babyhelm/db/testing";
import {
  CookieJar,
  errorOf,
  makeStreamingClient,
  startHarness,
  uniqueName,
  type ApiClient,
  type Harness,
  type SignedInClient,
} from "./support/harness.js";
import { packsWithUpgrade } from "./support/packs.js";

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
  /** The fixture project gets app "web" at revision 1, or at revision 2 (for roll backs). */
  app?: 1 | 2;
  /** The fixture project also holds a volume kept from a deleted app "old" (PersistentVolumeClaim old-data). */
  keptVolume?: true;
  call: (client: ApiClient, fixture: Fixture) => Promise<unknown>;
}

const spec = { image: "nginx:1.27", ports: [{ port: 80 }] };
const members: Caller[] = ["creator", "editor", "viewer"];
const editors: Caller[] = ["creator", "editor"];

/** The first status a subscription sends (or its error). */
function firstStatus(client: ApiClient, project: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const subscription = client.apps.watchStatus.subscribe(
      { project, name: "web" },
      {
        onData: ({ data: status }) => {
          subscription.unsubscribe();
          resolve(status);
        },
        onError: (error) => {
          subscription.unsubscribe();
          reject(error);
        },
      },
    );
  });
}

/** The first log line (or notice) a logs subscription sends, or its error. */
function firstLogLine(client: ApiClient, project: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const subscription = client.apps.logs.subscribe(
      { project, name: "web", tail: 1 },
      {
        onData: (line) => {
          subscription.unsubscribe();
          resolve(line);
        },
        onError: (error) => {
          subscription.unsubscribe();
          reject(error);
        },
      },
    );
  });
}

/** alerts.test past authorization: with no target set, the project's creator is told to set one first. */
function testAlert(client: ApiClient, project: string): Promise<unknown> {
  return client.alerts.test.mutate({ project }).catch((error: unknown) => {
    if (
      error instanceof TRPCClientError &&
      (error.data as { code?: string } | undefined)?.code === "PRECONDITION_FAILED"
    )
      return error;
    throw error;
  });
}

const rows: Row[] = [
  { procedure: "auth.me", allowed: CALLERS, call: (c) => c.auth.me.query() },
  {
    procedure: "auth.sessions.list",
    allowed: ["creator", "editor", "viewer", "nonMember"],
    call: (c) => c.auth.sessions.list.query(),
  },
  {
    procedure: "auth.tokens.list",
    allowed: ["creator", "editor", "viewer", "nonMember"],
    call: (c) => c.auth.tokens.list.query(),
  },
  {
    procedure: "auth.tokens.create",
    allowed: ["creator", "editor", "viewer", "nonMember"],
    call: (c) => c.auth.tokens.create.mutate({ name: "m" }),
  },
  {
    procedure: "projects.list",
    allowed: ["creator", "editor", "viewer", "nonMember"],
    call: (c) => c.projects.list.query({}),
  },
  {
    procedure: "projects.create",
    allowed: ["creator", "editor", "viewer", "nonMember"],
    call: (c) => c.projects.create.mutate({ name: uniqueName("mx") }),
  },
  {
    procedure: "projects.get",
    allowed: ["creator", "editor", "viewer"],
    call: (c, f) => c.projects.get.query({ name: f.project }),
  },
  {
    procedure: "projects.delete",
    allowed: ["creator"],
    call: (c, f) => c.projects.delete.mutate({ name: f.project }),
  },
  {
    procedure: "members.list",
    allowed: ["creator", "editor", "viewer"],
    call: (c, f) => c.members.list.query({ project: f.project }),
  },
  {
    procedure: "members.add",
    allowed: ["creator"],
    call: (c, f) => c.members.add.mutate({ project: f.project, email: f.outsider, role: "viewer" }),
  },
  {
    procedure: "members.invitations",
    allowed: ["creator"],
    call: (c, f) => c.members.invitations.query({ project: f.project }),
  },
  {
    procedure: "members.updateRole",
    allowed: ["creator"],
    call: (c, f) => c.members.updateRole.mutate({ project: f.project, email: f.extra, role: "editor" }),
  },
  {
    procedure: "members.remove",
    allowed: ["creator"],
    call: (c, f) => c.members.remove.mutate({ project: f.project, email: f.extra }),
  },
  {
    procedure: "members.transferOwnership",
    allowed: ["creator"],
    call: (c, f) => c.members.transferOwnership.mutate({ project: f.project, email: f.extra }),
  },
  {
    procedure: "audit.list",
    allowed: ["creator", "editor"],
    call: (c, f) => c.audit.list.query({ project: f.project }),
  },
  { procedure: "apps.packs", allowed: members, call: (c, f) => c.apps.packs.query({ project: f.project }) },
  {
    procedure: "apps.create",
    allowed: editors,
    call: (c, f) => c.apps.create.mutate({ project: f.project, name: "new", spec }),
  },
  {
    procedure: "apps.list",
    allowed: members,
    app: 1,
    call: (c, f) => c.apps.list.query({ project: f.project }),
  },
  {
    procedure: "apps.get",
    allowed: members,
    app: 1,
    call: (c, f) => c.apps.get.query({ project: f.project, name: "web" }),
  },
  {
    procedure: "apps.status",
    allowed: members,
    app: 1,
    call: (c, f) => c.apps.status.query({ project: f.project, name: "web" }),
  },
  { procedure: "apps.watchStatus", allowed: members, app: 1, call: (c, f) => firstStatus(c, f.project) },
  {
    procedure: "apps.revisions",
    allowed: members,
    app: 2,
    call: (c, f) => c.apps.revisions.query({ project: f.project, name: "web" }),
  },
  {
    procedure: "apps.suggestHost",
    allowed: members,
    app: 1,
    call: (c, f) => c.apps.suggestHost.query({ project: f.project, name: "api" }),
  },
  {
    procedure: "apps.previewManifests",
    allowed: members,
    app: 1,
    call: (c, f) =>
      c.apps.previewManifests.query({ project: f.project, name: "web", spec: { ...spec, replicas: 2 } }),
  },
  {
    procedure: "apps.update",
    allowed: editors,
    app: 1,
    call: (c, f) =>
      c.apps.update.mutate({
        project: f.project,
        name: "web",
        spec: { ...spec, replicas: 2 },
        expectedRevision: 1,
      }),
  },
  {
    procedure: "apps.rollback",
    allowed: editors,
    app: 2,
    call: (c, f) => c.apps.rollback.mutate({ project: f.project, name: "web", revision: 1 }),
  },
  {
    procedure: "apps.upgradePack",
    allowed: editors,
    app: 1,
    call: (c, f) => c.apps.upgradePack.mutate({ project: f.project, name: "web", to: "default@2.1" }),
  },
  {
    procedure: "apps.restart",
    allowed: editors,
    app: 1,
    call: (c, f) => c.apps.restart.mutate({ project: f.project, name: "web" }),
  },
  {
    procedure: "apps.redeploy",
    allowed: editors,
    app: 1,
    call: (c, f) => c.apps.redeploy.mutate({ project: f.project, name: "web" }),
  },
  {
    procedure: "apps.logs",
    allowed: members,
    app: 1,
    call: (c, f) => firstLogLine(c, f.project),
  },
  {
    procedure: "apps.metrics",
    allowed: members,
    app: 1,
    call: (c, f) => c.apps.metrics.query({ project: f.project, name: "web", range: "1h" }),
  },
  {
    procedure: "apps.secrets",
    allowed: members,
    app: 1,
    call: (c, f) => c.apps.secrets.query({ project: f.project, name: "web" }),
  },
  {
    procedure: "projects.volumes",
    allowed: members,
    keptVolume: true,
    call: (c, f) => c.projects.volumes.query({ name: f.project }),
  },
  {
    procedure: "projects.deleteVolume",
    allowed: editors,
    keptVolume: true,
    call: (c, f) => c.projects.deleteVolume.mutate({ name: f.project, volume: "old-data" }),
  },
  {
    procedure: "projects.usage",
    allowed: members,
    app: 1,
    call: (c, f) => c.projects.usage.query({ name: f.project }),
  },
  {
    procedure: "alerts.get",
    allowed: editors,
    call: (c, f) => c.alerts.get.query({ project: f.project }),
  },
  {
    procedure: "alerts.set",
    allowed: ["creator"],
    call: (c, f) =>
      c.alerts.set.mutate({
        project: f.project,
        target: { type: "slack", url: "https://hooks.example.com/x" },
      }),
  },
  { procedure: "alerts.test", allowed: ["creator"], call: (c, f) => testAlert(c, f.project) },
  {
    procedure: "apps.delete",
    allowed: editors,
    app: 1,
    call: (c, f) => c.apps.delete.mutate({ project: f.project, name: "web" }),
  },
  {
    procedure: "apps.delete (keepVolumes)",
    allowed: editors,
    app: 1,
    call: (c, f) => c.apps.delete.mutate({ project: f.project, name: "web", keepVolumes: true }),
  },
];

/** What a refused caller must get: anonymous callers must sign in; outsiders must not learn the project exists. */
const refusal: Record<Caller, string> = {
  creator: "FORBIDDEN",
  editor: "FORBIDDEN",
  viewer: "FORBIDDEN",
  nonMember: "NOT_FOUND",
  anonymous: "UNAUTHORIZED",
};

function defineMatrix() {
  for (const backend of testBackends()) {
    describe.skipIf(backend.skipReason !== undefined)(`authorization matrix on ${backend.name}`, () => {
      let db: Db;
      let harness: Harness;
      const users = {} as Record<Exclude<Caller, "anonymous"> | "extra" | "outsider", SignedInClient>;
      beforeAll(async () => {
        db = await backend.open();
        // The creator makes a fresh project for every caller of every row: far past the per-user limit.
        harness = await startHarness(db, {
          packs: packsWithUpgrade,
          env: { BABYHELM_MAX_PROJECTS_PER_USER: "100000" },
        });
        for (const name of ["creator", "editor", "viewer", "nonMember", "extra", "outsider"] as const) {
          users[name] = await harness.newUser(name.toLowerCase());
        }
      });
      afterAll(async () => {
        await harness?.stop();
        await db?.close();
      });

      async function freshProject(app: Row["app"], keptVolume: Row["keptVolume"]): Promise<Fixture> {
        const project = uniqueName("mx");
        const creator = users.creator.client;
        await creator.projects.create.mutate({ name: project });
        await creator.members.add.mutate({ project, email: users.editor.email, role: "editor" });
        await creator.members.add.mutate({ project, email: users.viewer.email, role: "viewer" });
        await creator.members.add.mutate({ project, email: users.extra.email, role: "viewer" });
        await users.nonMember.client.projects.create.mutate({ name: uniqueName("other") });
        if (app !== undefined) {
          await creator.apps.create.mutate({ project, name: "web", pack: "default@2.0.0", spec });
          if (app === 2)
            await creator.apps.update.mutate({
              project,
              name: "web",
              spec: { ...spec, replicas: 2 },
              expectedRevision: 1,
            });
        }
        if (keptVolume) {
          harness.sandbox.store.create("persistentvolumeclaims", {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: {
              name: "old-data",
              namespace: project,
              labels: { "babyhelm.io/project": project, "babyhelm.io/kept-from": "old" },
            },
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
          });
        }
        return { project, extra: users.extra.email, outsider: users.outsider.email };
      }

      for (const row of rows) {
        it(`${row.procedure}: ${row.allowed.join(", ")}`, async () => {
          for (const caller of CALLERS) {
            const fixture = await freshProject(row.app, row.keptVolume);
            const cookies = caller === "anonymous" ? new CookieJar() : users[caller].cookies;
            const client = makeStreamingClient(harness.url, cookies);
            const call = row.call(client, fixture);
            if (row.allowed.includes(caller)) {
              await call.catch((error: unknown) => {
                throw new Error(`${caller} may call ${row.procedure}, and it failed: ${String(error)}`);
              });
            } else {
              const error = await errorOf(call);
              expect(error.code, `${caller} calling ${row.procedure}: ${error.message}`).toBe(
                refusal[caller],
              );
            }
          }
        });
      }
    });
  }
}

defineMatrix();
