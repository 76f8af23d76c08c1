// The app document: what `babyhelm export app` and the dashboard's "Export as YAML" write, and what `babyhelm deploy`
// and "Deploy from YAML" read. One writer and one reader, so that an exported app deploys back unchanged.
import { ManifestInputError, type InputIssue } from "./errors.js";
import { parseSpecText, toYaml } from "./yaml.js";

// What a reader of parseAppDocument's refusals needs, without loading the SDK's renderer and validator.
export { formatIssue, ManifestInputError, type InputIssue } from "./errors.js";

export interface AppDocument {
  /** The app's name in its project. */
  name: string;
  /** The pack as name@version or a range ("default@2"); left out, the server's default pack for a new app. */
  pack?: string;
  /** The pack's values, without `name` (the document's name is the app's). */
  spec: Record<string, unknown>;
}

const DOCUMENT_FIELDS: ReadonlySet<string> = new Set(["name", "pack", "spec"]);

/**
 * Spec fields the platform fills in and users never write (default@2.1's `secretsVersion`, the label of the stored
 * secret values a revision uses): left out of documents and of comparisons, so an export deploys back unchanged.
 */
const PLATFORM_FILLED: readonly string[] = ["secretsVersion"];

function withoutPlatformFields(spec: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(spec).filter(([key]) => key !== "name" && !PLATFORM_FILLED.includes(key)),
  );
}

/** The document as YAML: `name`, `pack`, then `spec`, after a comment saying how to deploy it. */
export function appDocumentToYaml(document: AppDocument): string {
  const spec = withoutPlatformFields(document.spec);
  const ordered = {
    name: document.name,
    ...(document.pack === undefined ? {} : { pack: document.pack }),
    spec,
  };
  return `# BabyHelm app: deploy with \`babyhelm deploy -f FILE --project PROJECT\`\n${toYaml([ordered])}`;
}

/**
 * An app document from YAML or JSON text: `{ name, pack?, spec }`, or a bare spec (a mapping without `spec`) named by
 * `options.name` or its own `name`. `options.name`, when given, must agree with the document's. Throws
 * ManifestInputError naming each wrong field.
 */
export function parseAppDocument(text: string, options: { name?: string } = {}): AppDocument {
  const value = parseSpecText(text);
  if (!isMapping(value)) {
    throw new ManifestInputError(
      [{ path: "", message: `expected a mapping ({ name, pack, spec }), received ${describeValue(value)}` }],
      "Invalid app document",
    );
  }
  const issues: InputIssue[] = [];
  const wrapped = Object.hasOwn(value, "spec");
  const spec = wrapped ? value.spec : value;
  if (!isMapping(spec))
    issues.push({ path: "spec", message: `expected a mapping, received ${describeValue(spec)}` });
  if (wrapped) {
    for (const key of Object.keys(value))
      if (!DOCUMENT_FIELDS.has(key))
        issues.push({ path: key, message: "unknown field: an app document has name, pack and spec" });
    if (value.pack !== undefined && (typeof value.pack !== "string" || value.pack.trim() === ""))
      issues.push({ path: "pack", message: "must be a pack reference such as default@2" });
  }
  const specName = isMapping(spec) ? spec.name : undefined;
  const named = wrapped ? value.name : undefined;
  const name = options.name ?? named ?? specName;
  if (typeof name !== "string" || name === "") {
    issues.push({ path: "name", message: "required: the app's name (or pass --name)" });
  } else {
    if (named !== undefined && named !== name)
      issues.push({ path: "name", message: `is ${JSON.stringify(named)}, not "${name}"` });
    if (specName !== undefined && specName !== name)
      issues.push({ path: "spec.name", message: `must be the app's name "${name}" (or be left out)` });
  }
  if (issues.length > 0) throw new ManifestInputError(issues, "Invalid app document");
  const { name: _name, ...values } = spec as Record<string, unknown>;
  return {
    name: name as string,
    ...(wrapped && value.pack !== undefined ? { pack: (value.pack as string).trim() } : {}),
    spec: values,
  };
}

/**
 * Whether a document's spec is what an app runs: `running` is the stored spec (it holds the app's name), compared
 * value by value, key order aside. Deploying an equal spec makes no new revision.
 */
export function sameAppSpec(running: unknown, spec: Record<string, unknown>): boolean {
  if (!isMapping(running)) return false;
  return sameValue(withoutPlatformFields(running), withoutPlatformFields(spec));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => sameValue(item, b[index]))
    );
  }
  if (!isMapping(a) || !isMapping(b)) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key], b[key]))
  );
}

// Not input.ts's describeValue: that module brings zod, and the dashboard loads this one.
function describeValue(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "a list" : `a ${typeof value}`;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
