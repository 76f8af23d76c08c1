// The app's Secret as the server applies it, and what a refusal of it may say: never a value, as given or as the
// base64 the Secret carries (API servers quote what they were sent in some messages).
import { describe, expect, it } from "vitest";
import type { KubernetesObject } from "@babyhelm/manifest-sdk";
import { applyAppSecret, secretObject } from "../../src/applications/app-secrets.service.js";
import { ClusterError } from "../../src/cluster/cluster-errors.js";
import type { Cluster } from "../../src/cluster/cluster.js";

const VALUE = "correct-horse-battery-staple";
const project = { name: "shop", namespace: "shop" };

function refusingCluster(message: (object: KubernetesObject) => string): Cluster {
  return {
    apply: (objects: readonly KubernetesObject[]) =>
      Promise.reject(
        new ClusterError("invalid", message(objects[0]!), {
          status: 422,
          causes: [{ field: "data[DB_PASSWORD]", message: message(objects[0]!) }],
        }),
      ),
  } as unknown as Cluster;
}

describe("the app's Secret", () => {
  it("is the app's, Opaque, with the values base64-encoded and the version on it", () => {
    expect(secretObject(project, "web", { DB_PASSWORD: VALUE }, "v3-0a1b2c3d")).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "web-secrets",
        namespace: "shop",
        labels: { "babyhelm.io/project": "shop", "babyhelm.io/app": "web" },
        annotations: { "babyhelm.io/secrets-version": "v3-0a1b2c3d" },
      },
      type: "Opaque",
      data: { DB_PASSWORD: Buffer.from(VALUE).toString("base64") },
    });
  });

  it("is refused without a value in the error's message or causes", async () => {
    const echoing = refusingCluster(
      (object) =>
        `Secret "web-secrets" is invalid: data: ${JSON.stringify((object as { data?: unknown }).data)} (${VALUE})`,
    );
    const error = await applyAppSecret(echoing, project, "web", { DB_PASSWORD: VALUE }, "v1-00000000").then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ClusterError);
    const shown = JSON.stringify({
      message: (error as ClusterError).message,
      causes: (error as ClusterError).causes,
    });
    expect(shown).toContain("web-secrets");
    expect(shown).toContain("[secret]");
    expect(shown).not.toContain(VALUE);
    expect(shown).not.toContain(Buffer.from(VALUE).toString("base64"));
    expect((error as ClusterError).status).toBe(422);
  });
});
