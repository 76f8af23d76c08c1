import type { Pack } from "@babyhelm/manifest-sdk";
import { classic } from "./classic/classic.pack.js";
import { defaultPack21 } from "./default/default-2-1.pack.js";
import { defaultPack } from "./default/default.pack.js";

export { classic, defaultPack, defaultPack21 };
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
  defaultApplication21Schema,
  type DefaultApp21Spec,
  type DefaultApp21Values,
} from "./default/default-application-2-1.js";
export { hostTlsSecretName } from "./default/default-application-2-1.model.js";
export {
  defaultProject21Schema,
  defaultProjectSchema,
  type DefaultProject21Spec,
  type DefaultProject21Values,
  type DefaultProjectSpec,
  type DefaultProjectValues,
} from "./default/default-project.schema.js";

/**
 * Every pack version this package ships: `createRenderer({ packs })` renders them all, and a range such as
 * "default@2" picks the newest (default@2.1.0), which new apps get; apps pinned to an exact version keep it.
 */
export const packs: readonly Pack[] = [classic, defaultPack, defaultPack21];
