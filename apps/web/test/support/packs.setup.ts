// Lists the template packs with the function `apps.packs` answers with, from the packs themselves
// (@babyhelm/template-pack-default), so that the form's tests follow the schemas the server sends. A vitest
// global setup runs in Node: in the happy-dom tests, Vite's browser transform would rewrite the packs'
// `new URL(…, import.meta.url)` template folders and they could not load. The tests read the list with
// inject("packs") (test/support/packs.ts).
import { cron } from "@babyhelm-examples/pack-cron";
import { worker } from "@babyhelm-examples/pack-worker";
import type { TestProject } from "vitest/node";
import { listPacks } from "@babyhelm/api/testing";
import { createRenderer, DEFAULT_PACK_REF } from "@babyhelm/manifest-sdk";
import { packs } from "@babyhelm/template-pack-default";
import type { ProcedureOutput } from "./fake-api.js";

declare module "vitest" {
  export interface ProvidedContext {
    packs: ProcedureOutput<"apps.packs">;
    /** The example packs an operator adds (BABYHELM_PACKS), as the server lists them beside the built-in ones. */
    operatorPacks: ProcedureOutput<"apps.packs">;
  }
}

export default function providePacks(project: TestProject): void {
  const config = { defaultPack: DEFAULT_PACK_REF, newAppPacks: undefined };
  project.provide("packs", listPacks({ renderer: createRenderer({ packs }), config }));
  project.provide(
    "operatorPacks",
    listPacks({ renderer: createRenderer({ packs: [...packs, worker, cron] }), config }).filter(
      (pack) => pack.name === "worker" || pack.name === "cron",
    ),
  );
}
