// Upgrading an app from default@2.0.0 to default@2.1.0: an unchanged spec renders the same objects (2.1 has no
// documented difference for 2.0 specs: no new label, no new default), and a spec that takes up 2.1's fields shows
// exactly those fields in the SDK's diff, which is what the dashboard shows before an upgrade.
import { describe, expect, it } from "vitest";
import { diffManifests, formatDiff, type FieldChange } from "@babyhelm/manifest-sdk";
import { goldenCases } from "./helpers/golden.js";
import { render } from "./helpers/renderer.js";

/** What 2.1.0 renders differently from 2.0.0 for a 2.0.0 spec. The README's "Versioning" section says the same. */
const DOCUMENTED_DIFFERENCES: readonly string[] = [];

const goldenInput = (ref: string, name: string): Record<string, unknown> =>
  goldenCases(ref).find((golden) => golden.name === name)!.input as Record<string, unknown>;

function upgrade(spec20: unknown, spec21: unknown) {
  return diffManifests(
    render("default@2.0.0", "application", spec20),
    render("default@2.1.0", "application", spec21),
  );
}

const paths = (fields: readonly FieldChange[] | undefined) => (fields ?? []).map((field) => field.path);

describe("default@2.0.0 → default@2.1.0", () => {
  const cases20 = goldenCases("default@2.0.0");

  it.each(cases20.map((golden) => [golden.name, golden] as const))(
    "%s renders the same objects with 2.1.0",
    (_name, golden) => {
      const before = render("default@2.0.0", golden.target, golden.input);
      const after = render("default@2.1.0", golden.target, golden.input);
      expect(diffManifests(before, after).map((change) => change.object)).toEqual(DOCUMENTED_DIFFERENCES);
      expect(after).toStrictEqual(before);
    },
  );

  it("covers every 2.0.0 golden, applications and projects", () => {
    expect(cases20.length).toBeGreaterThanOrEqual(8);
    expect(new Set(cases20.map((golden) => golden.target))).toEqual(new Set(["application", "project"]));
  });

  it("shows the upgrade of examples/app.yaml to the full 2.1 sample field by field", () => {
    const changes = upgrade(
      goldenInput("default@2.0.0", "application-example"),
      goldenInput("default@2.1.0", "application-full"),
    );
    expect(changes.map((change) => `${change.change} ${change.object}`)).toEqual([
      "changed Deployment/web",
      "added Ingress/web",
      "added ConfigMap/web-files",
    ]);
    const deployment = changes[0]!;
    expect(paths(deployment.fields)).toEqual([
      "spec.template.metadata.annotations",
      "spec.template.spec.containers[0].env[1]",
      "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
      "spec.template.spec.containers[0].command",
      "spec.template.spec.containers[0].args",
      "spec.template.spec.containers[0].volumeMounts",
      "spec.template.spec.volumes",
    ]);
    expect(deployment.fields![1]!.after).toEqual({
      name: "SESSION_KEY",
      valueFrom: { secretKeyRef: { name: "web-secrets", key: "SESSION_KEY" } },
    });
    const text = formatDiff(changes);
    expect(text).toContain(
      '+ spec.template.metadata.annotations: {"babyhelm.io/secrets-version":"v2-77aa01"',
    );
    expect(text).toContain(
      "~ spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem: false -> true",
    );
    expect(text).toContain("+ ConfigMap/web-files added");
  });

  it("shows a ReadWriteOnce volume as a new claim and a switch to Recreate", () => {
    const spec20 = goldenInput("default@2.0.0", "application-replicas");
    const changes = upgrade(spec20, {
      ...spec20,
      volumes: [{ name: "data", mountPath: "/data", persistent: { size: "1Gi" } }],
    });
    expect(changes.map((change) => `${change.change} ${change.object}`)).toEqual([
      "changed Deployment/worker",
      "added PersistentVolumeClaim/worker-data",
    ]);
    expect(changes[0]!.fields).toEqual([
      { path: "spec.strategy.type", before: "RollingUpdate", after: "Recreate" },
      { path: "spec.strategy.rollingUpdate", before: { maxSurge: "25%", maxUnavailable: 0 } },
      {
        path: "spec.template.spec.containers[0].volumeMounts",
        after: [{ name: "data", mountPath: "/data" }],
      },
      {
        path: "spec.template.spec.volumes",
        after: [{ name: "data", persistentVolumeClaim: { claimName: "worker-data" } }],
      },
    ]);
  });
});
