// The template packs as the server lists them (`apps.packs`), made from the packs themselves by packs.setup.ts.
import { inject } from "vitest";
import type { JsonSchema } from "../../src/lib/schema-check.js";

/** Every pack version, by name then newest first; default@2 is the default, as it is the server's. */
export const PACKS = inject("packs");

/** worker@1 and cron@1, the example packs an operator adds, as the server lists them. */
export const OPERATOR_PACKS = inject("operatorPacks");

/** The JSON Schema of a pack's application spec (its newest version unless told), as the form reads it. */
export function applicationSchema(name: string, version?: string): JsonSchema {
  const pack = PACKS.find(
    (candidate) => candidate.name === name && (version === undefined || candidate.version === version),
  );
  if (pack === undefined)
    throw new Error(`no pack named "${name}": ${PACKS.map((known) => known.ref).join(", ")}`);
  return pack.specSchema;
}
