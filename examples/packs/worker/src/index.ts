import type { Pack } from "@babyhelm/manifest-sdk";
import { worker } from "./worker.pack.js";

export { worker };
export {
  workerApplicationSchema,
  workerProjectSchema,
  type WorkerAppSpec,
  type WorkerAppValues,
} from "./worker.schema.js";

/** What `BABYHELM_PACKS` and `babyhelm --packs` read. */
export const packs: readonly Pack[] = [worker];
