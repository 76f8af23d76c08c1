import type { KubernetesObject, Pack } from "@babyhelm/manifest-sdk";
import { classic, defaultPack } from "@babyhelm/template-pack-default";

/**
 * A newer default pack, as a server upgrade would bring: the same values, and one more annotation on every object,
 * so that tests can see which version rendered an app.
 */
export const defaultPackNext: Pack = {
  ...defaultPack,
  version: "2.1.0",
  ref: "default@2.1.0",
  description: `${defaultPack.description} (test release 2.1.0)`,
  jsonSchema: (target) => defaultPack.jsonSchema(target),
  parseValues: (target, input) => defaultPack.parseValues(target, input),
  render: (target, input) =>
    defaultPack.render(target, input).map((object: KubernetesObject) => ({
      ...object,
      metadata: {
        ...object.metadata,
        annotations: { ...object.metadata.annotations, "example.com/pack": "2.1.0" },
      },
    })),
};

/** The server before the upgrade: default@2.0.0 is the newest default@2. */
export const packsBeforeUpgrade: readonly Pack[] = [classic, defaultPack];
export const packsWithUpgrade: readonly Pack[] = [classic, defaultPack, defaultPackNext];
