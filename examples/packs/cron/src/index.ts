import type { Pack } from "@babyhelm/manifest-sdk";
import { cron } from "./cron.pack.js";

export { cron };
export {
  cronApplicationSchema,
  cronProjectSchema,
  type CronAppSpec,
  type CronAppValues,
} from "./cron.schema.js";

/** What `BABYHELM_PACKS` and `babyhelm --packs` read. */
export const packs: readonly Pack[] = [cron];
