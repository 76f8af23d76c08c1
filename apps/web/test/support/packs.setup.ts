// Lists the template packs as `apps.packs` does, from the packs themselves (@babyhelm/template-pack-default) with the
// calls apps/server's app.router.ts makes, so that the form's tests follow the schemas the server sends. A vitest
// global setup runs in Node: in the happy-dom tests, Vite's browser transform would rewrite the packs'
// `new URL(…, import.meta.url)` template folders and they could not load. The tests read the list with
// inject("packs") (test/support/packs.ts).
import type { TestProject } from "vitest/node";
import { createRenderer, DEFAULT_PACK_REF } from "@babyhelm/manifest-sdk";
import { packs } from "@babyhelm/template-pack-default";
import type { ProcedureOutput } from "./fake-api.js";

declare module "vitest" {
  export interface ProvidedContext {
    packs: ProcedureOutput<"apps.packs">;
  }
}

export default function providePacks(project: TestProject): void {
  const renderer = createRenderer({ packs });
  project.provide(
    "packs",
    renderer.listPacks().map((pack) => ({
      ...pack,
      default: renderer.resolvePack(DEFAULT_PACK_REF).ref === pack.ref,
      openToNewApps: true,
      specSchema: renderer.resolvePack(pack.ref).jsonSchema("application"),
    })),
  );
}
