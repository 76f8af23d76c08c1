import type { Pack } from "@babyhelm/manifest-sdk";
import { classic } from "./classic/classic.pack.js";
import { defaultPack } from "./default/default.pack.js";

export { classic, defaultPack };
export {
  classicApplicationSchema,
  classicProjectSchema,
  type ClassicAppSpec,
  type ClassicAppValues,
  type ClassicProjectSpec,
  type ClassicProjectValues,
} from "./classic/classic.schema.js";
export {
  defaultApplicationSchema,
  type DefaultAppSpec,
  type DefaultAppValues,
} from "./default/default-application.js";
export {
  defaultProjectSchema,
  type DefaultProjectSpec,
  type DefaultProjectValues,
} from "./default/default-project.schema.js";

/** Every pack version this package ships: `createRenderer({ packs })` renders them all. */
export const packs: readonly Pack[] = [classic, defaultPack];
