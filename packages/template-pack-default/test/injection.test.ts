// Injection: user text that would break a template pasting it raw reaches the manifest unchanged and adds no
// structure; text that a field's rule does not allow is refused, never rendered.
import { describe, expect, it } from "vitest";
import { parseManifests, toYaml, validateManifests } from "@babyhelm/manifest-sdk";
import { inputErrorOf, render, type Target } from "./helpers/renderer.js";

const KIB = 1024;
const mixed = `a: b # c\n---\nkind: Secret\n{{ .Values }} <%= it %> "q" 'q' \\ \t é 世界 😀 `;
const HOSTILE: readonly string[] = [
  "line1\nline2",
  "trailing newline\n",
  "\n",
  " \n",
  " \n\n",
  "\n \n",
  "a\n \n\tb\n  ",
  "\r\nwindows\r\n",
  'say "hi"',
  "it's",
  "key: value",
  "# not a comment",
  "value # not a comment",
  "---",
  "--- \nkind: Secret\nmetadata:\n  name: pwned",
  "...",
  "{{ .Values.secret }}",
  "<% it.values %>",
  "<%= process.exit(1) %>",
  "<%~ it.json %>",
  "\ttabbed\t",
  "C:\\temp\\dir\\",
  "\\n is not a newline",
  "héllo 世界 😀 \u2028 \u0085 \ufeff",
  "- item",
  "[a, b]",
  "{a: 1}",
  "&anchor",
  "*alias",
  "!!binary AAAA",
  "%YAML 1.2",
  "@at `tick` |pipe >fold",
  "null",
  "true",
  "0o17",
  "",
  "  padded  ",
  "x".repeat(KIB),
  mixed.repeat(Math.ceil(KIB / mixed.length)).slice(0, KIB),
];

it("keeps a first line of spaces through toYaml and parseManifests", () => {
  const objects = render("default@2", "application", {
    ...defaultAppSpec(),
    env: [{ name: "V", value: " \n" }],
  });
  expect(parseManifests(toYaml(objects))).toStrictEqual(objects);
});

/** The structure of a value: keys and array lengths kept, every scalar replaced by its type. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, shape(field)]));
  }
  return typeof value;
}

interface FreeTextField {
  pack: string;
  target: Target;
  field: string;
  spec: (text: string) => Record<string, unknown>;
  /** Where the text must appear, unchanged, in the rendered objects. */
  read: (objects: any[]) => unknown;
}

function defaultAppSpec() {
  return { name: "web", image: "nginx:1.27", ports: [{ name: "http", port: 80 }] };
}
const defaultApp = defaultAppSpec();
const FREE_TEXT: readonly FreeTextField[] = [
  {
    pack: "classic@1",
    target: "application",
    field: "envs[].value",
    spec: (text) => ({
      name: "web",
      image: "nginx",
      ports: { port: 80, targetPort: 80 },
      envs: [{ name: "V", value: text }],
    }),
    read: (objects): unknown => objects[0].spec.template.spec.containers[0].env[0].value,
  },
  {
    pack: "default@2",
    target: "application",
    field: "env[].value",
    spec: (text) => ({
      ...defaultApp,
      env: [
        { name: "V", value: text },
        { name: "W", value: text },
      ],
    }),
    read: (objects): unknown => objects[0].spec.template.spec.containers[0].env[1].value,
  },
  {
    pack: "default@2",
    target: "application",
    field: "service.annotations",
    spec: (text) => ({ ...defaultApp, service: { annotations: { "example.com/note": text } } }),
    read: (objects): unknown => objects[1].metadata.annotations["example.com/note"],
  },
  {
    pack: "default@2",
    target: "application",
    field: "ingress.annotations",
    spec: (text) => ({
      ...defaultApp,
      ingress: { host: "web.example.com", annotations: { "example.com/note": text } },
    }),
    read: (objects): unknown =>
      objects.find((object) => object.kind === "Ingress").metadata.annotations["example.com/note"],
  },
  {
    pack: "default@2.1",
    target: "application",
    field: "files[].content",
    spec: (text) => ({ ...defaultApp, files: [{ path: "/etc/app/config", content: text }] }),
    read: (objects): unknown => objects.find((object) => object.kind === "ConfigMap").data["0-config"],
  },
  {
    pack: "default@2.1",
    target: "application",
    field: "command[] and args[]",
    spec: (text) => ({ ...defaultApp, command: [text], args: ["--flag", text] }),
    read: (objects): unknown => objects[0].spec.template.spec.containers[0].args[1],
  },
  {
    pack: "default@2.1",
    target: "application",
    field: "secretsVersion",
    // Never empty: the annotation is left out when secretsVersion is, and an empty text is a value like any other.
    spec: (text) => ({ ...defaultApp, secrets: [{ name: "S" }], secretsVersion: `v-${text}` }),
    read: (objects): unknown =>
      String(objects[0].spec.template.metadata.annotations["babyhelm.io/secrets-version"]).slice(2),
  },
];

describe.each(FREE_TEXT)("$pack $field", ({ pack, target, spec, read }) => {
  const reference = render(pack, target, spec("plain"));

  it.each(HOSTILE.map((text) => [JSON.stringify(text).slice(0, 60), text] as const))(
    "keeps %s unchanged and adds no structure",
    (_label, text) => {
      const objects = render(pack, target, spec(text));
      expect(read(objects)).toBe(text);
      expect(objects.map(shape)).toEqual(reference.map(shape));
      expect(validateManifests(objects)).toEqual([]);
      expect(parseManifests(toYaml(objects))).toStrictEqual(objects);
    },
  );
});

interface RestrictedField {
  pack: string;
  target: Target;
  field: string;
  spec: (text: string) => Record<string, unknown>;
}

const classicApp = (overrides: Record<string, unknown>) => ({
  name: "web",
  image: "nginx",
  ports: { port: 80, targetPort: 80 },
  envs: [],
  ...overrides,
});
const ingress = (overrides: Record<string, unknown>) => ({
  ...defaultApp,
  ingress: { host: "web.example.com", ...overrides },
});
const RESTRICTED: readonly RestrictedField[] = [
  { pack: "classic@1", target: "application", field: "name", spec: (text) => classicApp({ name: text }) },
  { pack: "classic@1", target: "application", field: "image", spec: (text) => classicApp({ image: text }) },
  {
    pack: "classic@1",
    target: "application",
    field: "envs[0].name",
    spec: (text) => classicApp({ envs: [{ name: text, value: "x" }] }),
  },
  { pack: "classic@1", target: "project", field: "name", spec: (text) => ({ name: text }) },
  {
    pack: "default@2",
    target: "application",
    field: "name",
    spec: (text) => ({ ...defaultApp, name: text }),
  },
  {
    pack: "default@2",
    target: "application",
    field: "image",
    spec: (text) => ({ ...defaultApp, image: text }),
  },
  {
    pack: "default@2",
    target: "application",
    field: "component",
    spec: (text) => ({ ...defaultApp, component: text }),
  },
  {
    pack: "default@2",
    target: "application",
    field: "env[0].name",
    spec: (text) => ({ ...defaultApp, env: [{ name: text, value: "x" }] }),
  },
  {
    pack: "default@2",
    target: "application",
    field: "ports[0].name",
    spec: (text) => ({ ...defaultApp, ports: [{ name: text, port: 80 }] }),
  },
  {
    pack: "default@2",
    target: "application",
    field: "imagePullSecrets[0]",
    spec: (text) => ({ ...defaultApp, imagePullSecrets: [text] }),
  },
  {
    pack: "default@2",
    target: "application",
    field: "service.loadBalancerClass",
    spec: (text) => ({ ...defaultApp, service: { type: "LoadBalancer", loadBalancerClass: text } }),
  },
  {
    pack: "default@2",
    target: "application",
    field: "ingress.host",
    spec: (text) => ingress({ host: text }),
  },
  {
    pack: "default@2",
    target: "application",
    field: "ingress.path",
    spec: (text) => ingress({ path: `/${text}` }),
  },
  {
    pack: "default@2",
    target: "application",
    field: "ingress.className",
    spec: (text) => ingress({ className: text }),
  },
  {
    pack: "default@2",
    target: "application",
    field: "ingress.tls.secretName",
    spec: (text) => ingress({ tls: { secretName: text } }),
  },
  {
    pack: "default@2",
    target: "application",
    field: "ingress.tls.clusterIssuer",
    spec: (text) => ingress({ tls: { clusterIssuer: text } }),
  },
  {
    pack: "default@2",
    target: "application",
    field: "probes.liveness.path",
    spec: (text) => ({ ...defaultApp, probes: { liveness: { type: "http", path: `/${text}` } } }),
  },
  { pack: "default@2", target: "project", field: "name", spec: (text) => ({ name: text }) },
  {
    pack: "default@2",
    target: "project",
    field: 'networkPolicy.ingressNamespaceSelector["example.com/team"]',
    spec: (text) => ({
      name: "shop",
      networkPolicy: { ingressNamespaceSelector: { "example.com/team": text } },
    }),
  },
  {
    pack: "default@2.1",
    target: "application",
    field: "secrets[0].name",
    spec: (text) => ({ ...defaultApp, secrets: [{ name: text }] }),
  },
  {
    pack: "default@2.1",
    target: "application",
    field: "secrets[0].secretRef.key",
    spec: (text) => ({ ...defaultApp, secrets: [{ name: "S", secretRef: { name: "s", key: text } }] }),
  },
  {
    pack: "default@2.1",
    target: "application",
    field: "volumes[0].name",
    spec: (text) => ({ ...defaultApp, volumes: [{ name: text, mountPath: "/data", scratch: {} }] }),
  },
  {
    pack: "default@2.1",
    target: "application",
    field: "volumes[0].mountPath",
    spec: (text) => ({ ...defaultApp, volumes: [{ name: "data", mountPath: `/${text}`, scratch: {} }] }),
  },
  {
    pack: "default@2.1",
    target: "application",
    field: "files[0].path",
    spec: (text) => ({ ...defaultApp, files: [{ path: `/etc/${text}`, content: "" }] }),
  },
  {
    pack: "default@2.1",
    target: "application",
    field: "ingress.hosts[0].host",
    spec: (text) => ({ ...defaultApp, ingress: { hosts: [{ host: text }] } }),
  },
];

// Texts with a character no name, image, host or path rule allows: whitespace, double quotes, comment, flow and
// template syntax, backslashes, non-ASCII (the mixed 1 KiB text among them).
const STRUCTURAL = HOSTILE.filter((text) => /[\s"#{}<>\\]|[^\x20-\x7e]/.test(text));

describe.each(RESTRICTED)("$pack $field", ({ pack, target, field, spec }) => {
  it("refuses text its rule does not allow, naming the field", () => {
    expect(STRUCTURAL.length).toBeGreaterThan(20);
    for (const text of STRUCTURAL) {
      const error = inputErrorOf(pack, target, spec(text));
      expect(
        error.issues.map((issue) => issue.path),
        JSON.stringify(text),
      ).toContain(field);
    }
  });
});

it("refuses annotation keys that are not qualified names", () => {
  for (const key of ["a: b", "x\ny", "{{ k }}", "-lead", "a/b/c", "é"]) {
    const error = inputErrorOf("default@2", "application", {
      ...defaultApp,
      service: { annotations: { [key]: "v" } },
    });
    expect(error.issues.map((issue) => issue.path)).toContain(`service.annotations[${JSON.stringify(key)}]`);
  }
});
