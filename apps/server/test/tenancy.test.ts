// Tenant isolation on a shared cluster: one project's members can never take what another project routes or runs
// (Ingress hosts, component namespaces, other apps' objects), nor configure controllers beyond their app.
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@babyhelm/db";
import { errorOf, uniqueName, type ApiClient, type Harness } from "./support/harness.js";
import { onEveryBackend } from "./support/suites.js";

const nginx = { image: "nginx:1.27", ports: [{ port: 80 }] };

function withIngress(host: string, annotations?: Record<string, string>) {
  return { ...nginx, ingress: { host, ...(annotations === undefined ? {} : { annotations }) } };
}

async function newProject(harness: Harness, prefix: string): Promise<{ client: ApiClient; project: string }> {
  const { client } = await harness.newUser(prefix);
  const project = uniqueName(prefix);
  await client.projects.create.mutate({ name: project });
  return { client, project };
}

onEveryBackend(
  "tenant isolation",
  (suite) => {
    let db: Db;
    let harness: Harness;
    let a: { client: ApiClient; project: string };
    let b: { client: ApiClient; project: string };
    beforeAll(async () => {
      ({ db, harness } = suite);
      a = await newProject(harness, "tenant-a");
      b = await newProject(harness, "tenant-b");
    });

    describe("Ingress hosts", () => {
      it("are claimed platform-wide: a second project cannot route a host another app serves", async () => {
        const host = `${uniqueName("shop")}.apps.example.com`;
        await a.client.apps.create.mutate({ project: a.project, name: "shop", spec: withIngress(host) });
        const taken = await errorOf(
          b.client.apps.create.mutate({ project: b.project, name: "thief", spec: withIngress(host) }),
        );
        expect(taken.code).toBe("CONFLICT");
        expect(taken.data.issues).toEqual([
          {
            path: "spec.ingress.host",
            message: "is served by another app on this platform: choose another host",
          },
        ]);
        // Neither the other project's name nor its app is told.
        expect(taken.message).not.toContain(a.project);
        expect(harness.sandbox.store.get("deployments", b.project, "thief")).toBeUndefined();

        const preview = await errorOf(
          b.client.apps.previewManifests.query({
            project: b.project,
            name: "thief",
            spec: withIngress(host),
          }),
        );
        expect(preview.code).toBe("CONFLICT");

        // An update cannot take it either, and a host is released when its app stops serving it.
        await b.client.apps.create.mutate({ project: b.project, name: "other", spec: nginx });
        const update = await errorOf(
          b.client.apps.update.mutate({
            project: b.project,
            name: "other",
            spec: withIngress(host),
            expectedRevision: 1,
          }),
        );
        expect(update.code).toBe("CONFLICT");
        await a.client.apps.update.mutate({
          project: a.project,
          name: "shop",
          spec: withIngress(`moved-${host}`),
          expectedRevision: 1,
        });
        await b.client.apps.update.mutate({
          project: b.project,
          name: "other",
          spec: withIngress(host),
          expectedRevision: 1,
        });
        // Rolling back to the old host finds it served by the other project now.
        const rollback = await errorOf(
          a.client.apps.rollback.mutate({ project: a.project, name: "shop", revision: 1 }),
        );
        expect(rollback.code).toBe("CONFLICT");
        // Deleting an app frees its hosts.
        await b.client.apps.delete.mutate({ project: b.project, name: "other" });
        await a.client.apps.rollback.mutate({ project: a.project, name: "shop", revision: 1 });
        const rows = await db.kysely
          .selectFrom("ingress_hosts")
          .select("host")
          .where("host", "like", `%${host}`)
          .execute();
        expect(rows.map((row) => row.host).sort()).toEqual([host]);
      });

      it("claims every host of a several-host app, naming the taken one's field, and releases them on delete", async () => {
        const first = `${uniqueName("multi")}.apps.example.com`;
        const second = `api-${first}`;
        const hosts = (list: string[]) => ({ ...nginx, ingress: { hosts: list.map((host) => ({ host })) } });
        await a.client.apps.create.mutate({
          project: a.project,
          name: "multi",
          spec: hosts([first, second]),
        });
        const taken = await errorOf(
          b.client.apps.create.mutate({
            project: b.project,
            name: "grab",
            spec: hosts([`free-${first}`, second]),
          }),
        );
        expect(taken.code).toBe("CONFLICT");
        expect(taken.data.issues).toEqual([
          {
            path: "spec.ingress.hosts[1].host",
            message: "is served by another app on this platform: choose another host",
          },
        ]);
        expect(harness.sandbox.store.get("deployments", b.project, "grab")).toBeUndefined();
        const held = await db.kysely
          .selectFrom("ingress_hosts")
          .select("host")
          .where("host", "in", [first, second, `free-${first}`])
          .execute();
        expect(held.map((row) => row.host).sort()).toEqual([second, first].sort());

        await a.client.apps.delete.mutate({ project: a.project, name: "multi" });
        await b.client.apps.create.mutate({
          project: b.project,
          name: "grab",
          spec: hosts([`free-${first}`, second]),
        });
      });

      it("lets no project delete another project's kept volume", async () => {
        harness.sandbox.store.create("persistentvolumeclaims", {
          apiVersion: "v1",
          kind: "PersistentVolumeClaim",
          metadata: {
            name: "kept-data",
            namespace: a.project,
            labels: { "babyhelm.io/project": a.project, "babyhelm.io/kept-from": "kept" },
          },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
        });
        const refused = await errorOf(
          b.client.projects.deleteVolume.mutate({ name: b.project, volume: "kept-data" }),
        );
        expect(refused.code).toBe("NOT_FOUND");
        const outsider = await errorOf(
          b.client.projects.deleteVolume.mutate({ name: a.project, volume: "kept-data" }),
        );
        expect(outsider.code).toBe("NOT_FOUND");
        expect(harness.sandbox.store.get("persistentvolumeclaims", a.project, "kept-data")).toBeDefined();
      });

      it("goes to exactly one of two apps that claim the same host at once", async () => {
        const host = `${uniqueName("race")}.apps.example.com`;
        const results = await Promise.allSettled([
          a.client.apps.create.mutate({ project: a.project, name: "race-a", spec: withIngress(host) }),
          b.client.apps.create.mutate({ project: b.project, name: "race-b", spec: withIngress(host) }),
        ]);
        expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
        const holders = await db.kysely
          .selectFrom("ingress_hosts")
          .select("app_id")
          .where("host", "=", host)
          .execute();
        expect(holders).toHaveLength(1);
      });

      it("are not suggested without a platform domain", async () => {
        expect(await a.client.apps.suggestHost.query({ project: a.project, name: "web" })).toEqual({
          host: null,
        });
      });

      it("refuses wildcards", async () => {
        const error = await errorOf(
          b.client.apps.create.mutate({
            project: b.project,
            name: "wild",
            spec: withIngress("*.example.com"),
          }),
        );
        expect(error.code).toBe("BAD_REQUEST");
        expect(error.data.issues).toEqual([
          { path: "spec.ingress.host", message: expect.stringMatching(/is a wildcard/) as string },
        ]);
      });
    });

    describe("annotations", () => {
      it("refuses the families that reach beyond the app, and keeps ordinary ones", async () => {
        for (const key of [
          "nginx.ingress.kubernetes.io/server-snippet",
          "nginx.ingress.kubernetes.io/configuration-snippet",
          "nginx.ingress.kubernetes.io/auth-url",
          "nginx.ingress.kubernetes.io/server-alias",
          "external-dns.alpha.kubernetes.io/hostname",
        ]) {
          const error = await errorOf(
            b.client.apps.create.mutate({
              project: b.project,
              name: "snippet",
              spec: withIngress(`${uniqueName("snippet")}.example.com`, { [key]: "x" }),
            }),
          );
          expect(error.code, key).toBe("BAD_REQUEST");
          expect(error.data.issues, key).toEqual([
            { path: "spec.ingress.annotations", message: expect.stringContaining(key) as string },
          ]);
        }
        const service = await errorOf(
          b.client.apps.create.mutate({
            project: b.project,
            name: "metallb",
            spec: {
              ...nginx,
              service: { annotations: { "metallb.universe.tf/loadBalancerIPs": "10.0.0.7" } },
            },
          }),
        );
        expect(service.data.issues).toEqual([
          { path: "spec.service.annotations", message: expect.stringContaining("metallb") as string },
        ]);
        await b.client.apps.create.mutate({
          project: b.project,
          name: "ordinary",
          spec: withIngress(`${uniqueName("ordinary")}.example.com`, {
            "nginx.ingress.kubernetes.io/proxy-body-size": "8m",
          }),
        });
      });
    });

    describe("namespaces", () => {
      it("keeps well-known component namespaces from projects", async () => {
        for (const name of ["ingress-nginx", "cert-manager", "monitoring"]) {
          const error = await errorOf(a.client.projects.create.mutate({ name }));
          expect(error.code, name).toBe("BAD_REQUEST");
          expect(error.data.issues, name).toEqual([
            { path: "name", message: expect.stringMatching(/reserved for a cluster component/) as string },
          ]);
          expect(harness.sandbox.store.get("namespaces", undefined, name)).toBeUndefined();
        }
      });

      it("admits the ingress controller by the operator's namespace label, not by a namespace name", () => {
        const [policy] = harness.sandbox.store.list("networkpolicies", a.project) as unknown as {
          spec: { ingress: { from: { namespaceSelector?: { matchLabels: Record<string, string> } }[] }[] };
        }[];
        const selectors = policy!.spec.ingress.flatMap((rule) =>
          rule.from.map((peer) => peer.namespaceSelector),
        );
        expect(selectors).toContainEqual({ matchLabels: { "babyhelm.io/ingress-controller": "true" } });
        expect(JSON.stringify(policy)).not.toContain("kubernetes.io/metadata.name");
      });
    });

    describe("objects of others", () => {
      it("refuses an update that would take over an object BabyHelm did not create", async () => {
        await b.client.apps.create.mutate({ project: b.project, name: "quiet", spec: nginx });
        harness.sandbox.store.create("ingresses", {
          apiVersion: "networking.k8s.io/v1",
          kind: "Ingress",
          metadata: { name: "quiet", namespace: b.project },
          spec: { rules: [{ host: "handmade.example.com" }] },
        });
        const error = await errorOf(
          b.client.apps.update.mutate({
            project: b.project,
            name: "quiet",
            spec: withIngress(`${uniqueName("quiet")}.example.com`),
            expectedRevision: 1,
          }),
        );
        expect(error.code).toBe("CONFLICT");
        expect(error.message).toMatch(/Ingress "quiet" already exists .* BabyHelm did not create it/);
        const untouched = harness.sandbox.store.get("ingresses", b.project, "quiet") as unknown as {
          spec: { rules: { host: string }[] };
        };
        expect(untouched.spec.rules[0]!.host).toBe("handmade.example.com");
      });
    });
  },
  {},
);

onEveryBackend(
  "platform settings for tenants",
  (suite) => {
    let harness: Harness;
    let client: ApiClient;
    let project: string;
    beforeAll(async () => {
      ({ harness } = suite);
      ({ client, project } = await newProject(harness, "settings"));
    });

    it("keeps Ingress hosts inside BABYHELM_INGRESS_DOMAINS", async () => {
      const outside = await errorOf(
        client.apps.create.mutate({ project, name: "outside", spec: withIngress("shop.example.org") }),
      );
      expect(outside.code).toBe("BAD_REQUEST");
      expect(outside.data.issues).toEqual([
        {
          path: "spec.ingress.host",
          message: expect.stringMatching(
            /not under this platform's domains \(apps\.example\.test\)/,
          ) as string,
        },
      ]);
      expect(await client.apps.suggestHost.query({ project, name: "inside" })).toEqual({
        host: `inside-${project}.apps.example.test`,
      });
      await client.apps.create.mutate({
        project,
        name: "inside",
        spec: withIngress(`inside-${project}.apps.example.test`),
      });
      // Taken now: the next free one is offered.
      expect(await client.apps.suggestHost.query({ project, name: "inside" })).toEqual({
        host: `inside-${project}-2.apps.example.test`,
      });
    });

    it("accepts only allow-listed annotations when the operator sets a list", async () => {
      const refused = await errorOf(
        client.apps.create.mutate({
          project,
          name: "listed",
          spec: withIngress(`listed-${project}.apps.example.test`, {
            "nginx.ingress.kubernetes.io/proxy-body-size": "8m",
          }),
        }),
      );
      expect(refused.data.issues).toEqual([
        {
          path: "spec.ingress.annotations",
          message: expect.stringContaining("not on this platform's allow-list") as string,
        },
      ]);
      await client.apps.create.mutate({
        project,
        name: "listed",
        spec: withIngress(`listed-${project}.apps.example.test`, {
          "cert-manager.io/cluster-issuer": "letsencrypt",
        }),
      });
    });

    it("lets new apps use only the packs the operator names, and says which in the packs list", async () => {
      const error = await errorOf(
        client.apps.create.mutate({
          project,
          name: "old-style",
          pack: "classic@1",
          spec: { image: "nginx:1.27" },
        }),
      );
      expect(error.code).toBe("BAD_REQUEST");
      expect(error.data.issues).toEqual([
        { path: "pack", message: expect.stringMatching(/new apps on this platform use default/) as string },
      ]);
      const packs = await client.apps.packs.query({ project });
      expect(packs.map((pack) => [pack.name, pack.openToNewApps])).toEqual(
        expect.arrayContaining([
          ["classic", false],
          ["default", true],
        ]),
      );
    });

    it("reserves the namespaces the operator lists instead of the defaults", async () => {
      const error = await errorOf(client.projects.create.mutate({ name: "team-infra" }));
      expect(error.data.issues).toEqual([
        { path: "name", message: expect.stringMatching(/reserved/) as string },
      ]);
      const created = await client.projects.create.mutate({ name: uniqueName("monitoring") });
      expect(created.name).toMatch(/^monitoring-/);
    });
  },
  {
    env: {
      BABYHELM_INGRESS_DOMAINS: "apps.example.test",
      BABYHELM_ANNOTATION_ALLOWLIST: "cert-manager.io/*",
      BABYHELM_NEW_APP_PACKS: "default",
      BABYHELM_RESERVED_NAMESPACES: "team-infra",
    },
  },
);
