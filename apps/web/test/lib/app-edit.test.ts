// Editing a deployed app's spec in the form: the spec read back as the form's inputs, what the form cannot show kept
// on save, someone else's version rebased under one's edits, and the form's own words for issues and warnings.
import { describe, expect, it } from "vitest";
import {
  draftFromSpec,
  imageWarning,
  rebaseDraft,
  shapeOf,
  specForEdit,
  specFromDraft,
} from "../../src/lib/app-draft.js";
import { overwrittenNames } from "../../src/lib/env-file.js";
import { afterOwnPath, describeIssue } from "../../src/lib/form-labels.js";
import { applicationSchema } from "../support/packs.js";

const DEFAULT = shapeOf(applicationSchema("default", "2.0.0"));
const CLASSIC = shapeOf(applicationSchema("classic"));

const STORED = {
  name: "web",
  image: "nginx:1.27",
  component: "frontend",
  ports: [{ name: "http", port: 80, containerPort: 8080 }],
  env: [{ name: "MODE", value: "production" }],
  autoscaling: { min: 2, max: 5, cpuPercent: 70 },
  resources: { requests: { cpu: "200m" } },
  probes: { liveness: { type: "http", path: "/healthz", port: "http", periodSeconds: 30 } },
  security: { readOnlyRootFilesystem: true },
  service: { annotations: { "example.com/lb": "internal" } },
  ingress: { host: "shop.example.com", className: "nginx", tls: { clusterIssuer: "letsencrypt" } },
  imagePullSecrets: ["registry"],
};

describe("draftFromSpec and specForEdit", () => {
  it("reads a default@2 spec into the form and saves it back unchanged, keeping what the form cannot show", () => {
    const draft = draftFromSpec(STORED, DEFAULT);
    expect(draft).toMatchObject({
      name: "web",
      image: "nginx:1.27",
      ports: [{ name: "http", port: "80", containerPort: "8080", protocol: "TCP" }],
      scaling: "auto",
      autoscaling: { min: "2", max: "5", cpuPercent: "70", memoryPercent: "" },
      probes: { liveness: { type: "http", path: "/healthz", port: "http" } },
      ingressHost: "shop.example.com",
      tls: "issuer",
      tlsClusterIssuer: "letsencrypt",
    });
    expect(specForEdit(STORED, specFromDraft(draft, DEFAULT))).toEqual(STORED);
  });

  it("changes what was edited, drops what the form removed, keeps the rest", () => {
    const draft = draftFromSpec(STORED, DEFAULT);
    const edited = {
      ...draft,
      image: "nginx:1.28",
      scaling: "fixed" as const,
      replicas: "3",
      ingressHost: "",
      probes: { ...draft.probes, liveness: { type: "tcp" as const, path: "", port: "http" } },
    };
    const spec = specForEdit(STORED, specFromDraft(edited, DEFAULT));
    expect(spec).toMatchObject({ image: "nginx:1.28", replicas: 3, component: "frontend" });
    expect(spec).not.toHaveProperty("autoscaling");
    expect(spec).not.toHaveProperty("ingress");
    expect(spec.probes).toEqual({ liveness: { type: "tcp", port: "http", periodSeconds: 30 } });
    expect(spec.service).toEqual(STORED.service);
    expect(spec.imagePullSecrets).toEqual(["registry"]);
  });

  it("reads classic@1's single port and envs", () => {
    const stored = {
      name: "legacy",
      image: "nginx:1.27",
      ports: { port: 80, targetPort: 8080 },
      envs: [{ name: "A", value: "1" }],
    };
    const draft = draftFromSpec(stored, CLASSIC);
    expect(draft.ports).toEqual([{ name: "", port: "80", containerPort: "8080", protocol: "TCP" }]);
    expect(draft.env).toEqual([{ name: "A", value: "1" }]);
    expect(specForEdit(stored, specFromDraft(draft, CLASSIC))).toEqual(stored);
  });
});

describe("rebaseDraft", () => {
  it("keeps the parts this person changed and takes the newer version's everywhere else", () => {
    const started = draftFromSpec(STORED, DEFAULT);
    const mine = { ...started, image: "nginx:1.28" };
    const theirs = { ...started, env: [{ name: "MODE", value: "staging" }] };
    expect(rebaseDraft(mine, started, theirs)).toEqual({
      ...started,
      image: "nginx:1.28",
      env: [{ name: "MODE", value: "staging" }],
    });
  });

  it("merges variables by name: both people's new ones stay, one's own changes and removals win", () => {
    const started = {
      ...draftFromSpec(STORED, DEFAULT),
      env: [
        { name: "A", value: "1" },
        { name: "B", value: "2" },
      ],
    };
    const mine = {
      ...started,
      env: [
        { name: "A", value: "mine" },
        { name: "NEW_MINE", value: "x" },
      ],
    };
    const theirs = {
      ...started,
      env: [
        { name: "A", value: "1" },
        { name: "B", value: "2" },
        { name: "NEW_THEIRS", value: "y" },
      ],
    };
    expect(rebaseDraft(mine, started, theirs).env).toEqual([
      { name: "A", value: "mine" },
      { name: "NEW_THEIRS", value: "y" },
      { name: "NEW_MINE", value: "x" },
    ]);
  });
});

describe("the form's words", () => {
  it("says issues with the form's labels, not spec paths", () => {
    const issue = {
      path: "spec.autoscaling.max",
      message: "autoscaling.max (5) must be at least autoscaling.min (5)",
    };
    expect(describeIssue(issue)).toBe("Max replicas must be at least Min replicas (5)");
    expect(afterOwnPath(issue)).toBe("must be at least Min replicas (5)");
    expect(
      describeIssue({ path: "spec.ports[1].port", message: "ports[1].port repeats ports[0].port" }),
    ).toBe("Port 2 repeats Port 1");
    expect(describeIssue({ path: "spec.image", message: "must not be empty" })).toBe(
      "Image must not be empty",
    );
    expect(describeIssue({ path: "spec.security.runAsUser", message: "must be a number" })).toBe(
      "security.runAsUser must be a number",
    );
  });

  it("warns of images without a tag or with latest, not of pinned ones", () => {
    expect(imageWarning("nginx")).toMatch(/No tag/);
    expect(imageWarning("registry.example:5000/team/app")).toMatch(/No tag/);
    expect(imageWarning("nginx:latest")).toMatch(/'latest'/);
    expect(imageWarning("nginx:1.27")).toBeUndefined();
    expect(imageWarning("registry.example:5000/app:1")).toBeUndefined();
    expect(imageWarning("nginx@sha256:0123")).toBeUndefined();
    expect(imageWarning("")).toBeUndefined();
  });

  it("names the variables a .env paste would overwrite", () => {
    const current = [
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ];
    expect(
      overwrittenNames(current, [
        { name: "A", value: "9" },
        { name: "B", value: "2" },
        { name: "C", value: "3" },
      ]),
    ).toEqual(["A"]);
  });
});
