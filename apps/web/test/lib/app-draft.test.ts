// The deploy form's model against the JSON Schemas the server really sends: the packs' own (test/support/packs.ts).
import { describe, expect, it } from "vitest";
import {
  draftIssues,
  emptyDraft,
  placeIssues,
  shapeOf,
  specFromDraft,
  type AppDraft,
} from "../../src/lib/app-draft.js";
import { schemaIssues } from "../../src/lib/schema-check.js";
import { applicationSchema } from "../support/packs.js";

const CLASSIC_SCHEMA = applicationSchema("classic");
const DEFAULT_SCHEMA = applicationSchema("default");

function draft(change: Partial<AppDraft>): AppDraft {
  return { ...emptyDraft(), name: "web", image: "nginx:1.27", ...change };
}

describe("specFromDraft", () => {
  it("gives only what was typed, numbers as numbers, leaving the rest to the pack's defaults", () => {
    const shape = shapeOf(DEFAULT_SCHEMA);
    expect(
      specFromDraft(
        draft({
          env: [
            { name: "LOG_LEVEL", value: "info" },
            { name: "", value: "" },
          ],
        }),
        shape,
      ),
    ).toEqual({
      image: "nginx:1.27",
      ports: [{ port: 80 }],
      env: [{ name: "LOG_LEVEL", value: "info" }],
      replicas: 1,
    });

    expect(
      specFromDraft(
        draft({
          ports: [
            { name: "http", port: "80", containerPort: "8080", protocol: "TCP" },
            { name: "dns", port: "53", containerPort: "", protocol: "UDP" },
          ],
          scaling: "auto",
          autoscaling: { min: "2", max: "6", cpuPercent: "70", memoryPercent: "" },
          resources: { requestsCpu: "250m", requestsMemory: "", limitsCpu: "", limitsMemory: "512Mi" },
          probes: {
            liveness: { type: "http", path: "/healthz", port: "" },
            readiness: { type: "tcp", path: "/ignored", port: "http" },
            startup: { type: "none", path: "", port: "" },
          },
          serviceType: "LoadBalancer",
          ingressHost: "shop.example.com",
          tls: "issuer",
          tlsClusterIssuer: "letsencrypt",
        }),
        shape,
      ),
    ).toEqual({
      image: "nginx:1.27",
      ports: [
        { name: "http", port: 80, containerPort: 8080 },
        { name: "dns", port: 53, protocol: "UDP" },
      ],
      autoscaling: { min: 2, max: 6, cpuPercent: 70 },
      resources: { requests: { cpu: "250m" }, limits: { memory: "512Mi" } },
      probes: { liveness: { type: "http", path: "/healthz" }, readiness: { type: "tcp", port: "http" } },
      service: { type: "LoadBalancer" },
      ingress: { host: "shop.example.com", tls: { clusterIssuer: "letsencrypt" } },
    });
  });

  it("makes classic@1's single port and `envs`", () => {
    const shape = shapeOf(CLASSIC_SCHEMA);
    expect(shape).toMatchObject({ ports: "single", envKey: "envs", scaling: false, ingress: false });
    expect(
      specFromDraft(
        draft({
          ports: [{ name: "", port: "80", containerPort: "", protocol: "TCP" }],
          env: [{ name: "A", value: "1" }],
        }),
        shape,
      ),
    ).toEqual({
      image: "nginx:1.27",
      ports: { port: 80, targetPort: 80 },
      envs: [{ name: "A", value: "1" }],
    });
  });
});

describe("draftIssues: the pack's JSON Schema, checked in the browser", () => {
  it("names the field and says what is expected", () => {
    const issues = draftIssues(
      draft({
        name: "Web",
        image: "nginx 1.27",
        ports: [{ name: "", port: "70000", containerPort: "eighty", protocol: "TCP" }],
        replicas: "-1",
        env: [
          { name: "OK", value: "1" },
          { name: "1BAD", value: "2" },
          { name: "OK", value: "3" },
        ],
        resources: { requestsCpu: "lots", requestsMemory: "", limitsCpu: "", limitsMemory: "" },
      }),
      DEFAULT_SCHEMA,
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        {
          path: "name",
          message:
            "must be lowercase letters, digits and '-', starting with a letter and not ending with '-'",
        },
        {
          path: "image",
          message:
            "must be an image reference such as nginxinc/nginx-unprivileged:1.27 or ghcr.io/org/app:v1, without spaces",
        },
        { path: "ports[0].port", message: "must be at most 65535" },
        { path: "ports[0].containerPort", message: "must be a whole number" },
        { path: "replicas", message: "must be at least 0" },
        {
          path: "env[1].name",
          message: "must be letters, digits, '_', '.' and '-', not starting with a digit",
        },
        { path: "env[2].name", message: "repeats variable 1 (OK)" },
        {
          path: "resources.requests.cpu",
          message: "must be a Kubernetes quantity such as 250m (a quarter of a core) or 1",
        },
      ]),
    );
  });

  it("says what is missing", () => {
    const issues = draftIssues({ ...emptyDraft(), ports: [] }, DEFAULT_SCHEMA);
    expect(issues).toEqual([
      { path: "name", message: "is required" },
      { path: "image", message: "is required" },
      { path: "ports", message: "needs at least one entry" },
    ]);
    expect(draftIssues(draft({}), DEFAULT_SCHEMA)).toEqual([]);
  });

  it("checks a probe against the variant its type chose", () => {
    const issues = schemaIssues(DEFAULT_SCHEMA, {
      name: "web",
      image: "nginx:1.27",
      ports: [{ port: 80 }],
      probes: { liveness: { type: "http", path: "healthz" }, readiness: { type: "tcp", port: 0 } },
    });
    expect(issues).toEqual([
      { path: "probes.liveness.path", message: "must start with '/' and use only URL path characters" },
      { path: "probes.readiness.port", message: "must be at least 1" },
    ]);
  });
});

describe("placeIssues: the server's issues beside the inputs they are about", () => {
  it("maps spec paths onto the form's rows, counting empty env rows the server never saw", () => {
    const form = draft({
      env: [
        { name: "", value: "" },
        { name: "A", value: "1" },
        { name: "B C", value: "2" },
      ],
      ports: [
        { name: "", port: "80", containerPort: "", protocol: "TCP" },
        { name: "", port: "81", containerPort: "", protocol: "TCP" },
      ],
    });
    const placed = placeIssues(
      [
        { path: "spec.ports[1].name", message: "is required when there are several ports" },
        { path: "spec.env[1].name", message: "must be a valid name" },
        { path: "spec.resources.requests", message: "requests may not exceed limits" },
        { path: "name", message: "is taken" },
        { path: "spec", message: "must be an object" },
        { path: "spec.ingress.host", message: "no Ingress input in this form state" },
      ],
      form,
      shapeOf(DEFAULT_SCHEMA),
    );
    expect(Object.fromEntries(placed.byPath)).toEqual({
      "ports[1].name": "is required when there are several ports",
      "env[2].name": "must be a valid name",
      resources: "requests may not exceed limits",
      name: "is taken",
      "ingress.host": "no Ingress input in this form state",
    });
    expect(placed.unplaced).toEqual([{ path: "spec", message: "must be an object" }]);
  });

  it("maps classic@1's paths onto the same inputs", () => {
    const form = draft({ env: [{ name: "X", value: "1" }] });
    const placed = placeIssues(
      [
        { path: "spec.ports.targetPort", message: "must be at most 65535" },
        { path: "spec.envs[0].name", message: "bad" },
      ],
      form,
      shapeOf(CLASSIC_SCHEMA),
    );
    expect(Object.fromEntries(placed.byPath)).toEqual({
      "ports[0].containerPort": "must be at most 65535",
      "env[0].name": "bad",
    });
  });
});
