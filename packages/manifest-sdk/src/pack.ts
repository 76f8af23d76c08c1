import { Eta, type TemplateFunction } from "eta";
import semver from "semver";
import { z } from "zod";
import { PackDefinitionError, PackError } from "./errors.js";
import { parseInput } from "./input.js";
import { DNS_1123_LABEL } from "./names.js";
import { ROLE_NAME } from "./templates.js";
import type {
  DescribedRole,
  KubernetesObject,
  PackDefinition,
  PackDescribes,
  PackTarget,
  TemplateContext,
} from "./types.js";
import { parseYamlDocuments, YamlSyntaxError } from "./yaml.js";

export const PACK_TARGETS: readonly PackTarget[] = ["application", "project"];
const DESCRIBED_ROLES: readonly DescribedRole[] = ["image", "env", "ports", "secrets", "replicas"];
/** The JSON Schema keyword that marks a described field. */
export const ROLE_KEYWORD = "x-babyhelm-role";

/** A pack ready to render: its definition validated and its templates compiled once. */
export interface Pack {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  /** "name@version" */
  readonly ref: string;
  /** The object kinds each target may emit. */
  readonly kinds: Readonly<Record<PackTarget, readonly string[]>>;
  /** Which application fields hold the image, env, ports, secrets, replicas (see PackDescribes); absent: none. */
  readonly describes?: Readonly<PackDescribes>;
  /** JSON Schema (draft 2020-12) of the input a target accepts, for editors and forms. */
  jsonSchema(target: PackTarget): Record<string, unknown>;
  /** Validates an input and returns the values the templates see (defaults applied). Throws ManifestInputError. */
  parseValues(target: PackTarget, input: unknown): unknown;
  /** Validates an input and renders its objects, in template order. Throws ManifestInputError or PackError. */
  render(target: PackTarget, input: unknown): KubernetesObject[];
}

// One engine for every pack: compiled templates are plain functions, so sharing it costs nothing.
const eta = new Eta({ autoEscape: false, autoTrim: false, cache: false });

/**
 * `it.json`: the value as JSON. `undefined` has no JSON form; "null" keeps the YAML valid and says what the value is.
 * Strings and numbers, nearly every value a template writes, are written without JSON.stringify, which profiling
 * put at a tenth of a render; the text is the same.
 */
export function templateJson(value: unknown): string {
  if (typeof value === "string") return isVerbatimJsonString(value) ? `"${value}"` : JSON.stringify(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  return JSON.stringify(value) ?? "null";
}

/** Whether JSON.stringify writes the string as it is between quotes: no quote, backslash, control or surrogate. */
function isVerbatimJsonString(value: string): boolean {
  // On long text JSON.stringify's native scan is the faster one.
  if (value.length > 256) return false;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return false;
  }
  return true;
}

interface CompiledTemplate {
  render: TemplateFunction;
  /** "target/role", for error messages; built once because render is a hot path. */
  label: string;
}

interface CompiledTarget {
  schema: z.ZodType;
  kinds: readonly string[];
  kindSet: ReadonlySet<string>;
  templates: readonly CompiledTemplate[];
}

export function definePack<AppSchema extends z.ZodType, ProjectSchema extends z.ZodType>(
  definition: PackDefinition<AppSchema, ProjectSchema>,
): Pack {
  const problems: string[] = [];
  const { name, version, description } = (definition ?? {}) as Partial<PackDefinition>;
  if (typeof name !== "string" || name.length > 63 || !DNS_1123_LABEL.test(name)) {
    problems.push(
      `name ${JSON.stringify(name)} must be a DNS-1123 label (lowercase letters, digits, "-"; at most 63)`,
    );
  }
  if (typeof version !== "string" || semver.valid(version) !== version) {
    problems.push(`version ${JSON.stringify(version)} must be a full semantic version such as "1.0.0"`);
  }
  if (typeof description !== "string") problems.push("description must be a string");
  const ref = `${String(name)}@${String(version)}`;
  const targets = {} as Record<PackTarget, CompiledTarget>;
  for (const target of PACK_TARGETS) {
    const compiled = compileTarget(
      target,
      (definition as Partial<PackDefinition> | undefined)?.[target],
      problems,
    );
    if (compiled !== undefined) targets[target] = compiled;
  }
  const schemas = new Map<PackTarget, Record<string, unknown>>();
  const describes = { ...(definition as Partial<PackDefinition> | undefined)?.describes };
  if (problems.length === 0 && Object.keys(describes).length > 0) {
    try {
      schemas.set("application", annotatedSchema(targets.application.schema, describes, problems));
    } catch (error) {
      problems.push(`describes: the application schema has no JSON Schema form: ${String(error)}`);
    }
  }
  if (problems.length > 0)
    throw new PackDefinitionError(problems, typeof name === "string" ? ref : undefined);

  const context = Object.freeze({ name: name!, version: version! });

  return Object.freeze({
    name: name!,
    version: version!,
    description: description!,
    ref,
    kinds: Object.freeze({ application: targets.application.kinds, project: targets.project.kinds }),
    ...(Object.keys(describes).length === 0 ? {} : { describes: Object.freeze(describes) }),
    jsonSchema(target: PackTarget): Record<string, unknown> {
      let schema = schemas.get(target);
      if (schema === undefined) {
        try {
          schema = z.toJSONSchema(targetOf(target).schema, { io: "input", unrepresentable: "any" });
        } catch (error) {
          throw new PackError(`the ${target} schema has no JSON Schema form: ${String(error)}`, {
            pack: ref,
            cause: error,
          });
        }
        schemas.set(target, schema);
      }
      return structuredClone(schema);
    },
    parseValues(target: PackTarget, input: unknown): unknown {
      return parseInput(targetOf(target).schema, input, { pack: ref, target });
    },
    render(target: PackTarget, input: unknown): KubernetesObject[] {
      const compiled = targetOf(target);
      const values: unknown = parseInput(compiled.schema, input, { pack: ref, target });
      const it: TemplateContext<unknown> = { values, pack: context, json: templateJson };
      const objects: KubernetesObject[] = [];
      for (const template of compiled.templates) {
        for (const document of renderTemplate(template, it, ref)) {
          objects.push(checkObject(document, compiled.kindSet, ref, template.label));
        }
      }
      return objects;
    },
  });

  function targetOf(target: PackTarget): CompiledTarget {
    if (!Object.hasOwn(targets, target)) {
      throw new TypeError(`unknown pack target ${JSON.stringify(target)} (application or project)`);
    }
    return targets[target];
  }
}

/**
 * The application's JSON Schema with each described field marked `"x-babyhelm-role": role`; a path that names no
 * property (or an unknown role) is a definition problem, so annotations always point at real fields.
 */
function annotatedSchema(
  schema: z.ZodType,
  describes: PackDescribes,
  problems: string[],
): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  for (const [role, path] of Object.entries(describes) as [string, unknown][]) {
    if (!(DESCRIBED_ROLES as readonly string[]).includes(role)) {
      problems.push(`describes.${role}: unknown role (one of ${DESCRIBED_ROLES.join(", ")})`);
      continue;
    }
    const property = typeof path === "string" ? propertyAt(json, path) : undefined;
    if (property === undefined) {
      problems.push(`describes.${role}: ${JSON.stringify(path)} is not a field of the application schema`);
      continue;
    }
    property[ROLE_KEYWORD] = role;
  }
  return json;
}

/** The property schema at a dotted path, through `properties` (and an `anyOf`/`oneOf` member that has it). */
function propertyAt(schema: Record<string, unknown>, path: string): Record<string, unknown> | undefined {
  let current: Record<string, unknown> | undefined = schema;
  for (const key of path.split(".")) {
    if (current === undefined) return undefined;
    const candidates: Record<string, unknown>[] = [
      current,
      ...(((current.anyOf ?? current.oneOf) as Record<string, unknown>[] | undefined) ?? []),
    ];
    current = candidates
      .map(
        (candidate) => (candidate.properties as Record<string, Record<string, unknown>> | undefined)?.[key],
      )
      .find((property) => property !== undefined);
  }
  return current;
}

function compileTarget(
  target: PackTarget,
  definition: unknown,
  problems: string[],
): CompiledTarget | undefined {
  if (definition === null || typeof definition !== "object") {
    problems.push(`${target}: missing (an object with schema, kinds and templates)`);
    return undefined;
  }
  const { schema, kinds, templates } = definition as Partial<Record<string, unknown>>;
  const before = problems.length;
  if (
    !(schema instanceof z.ZodType) &&
    typeof (schema as { safeParse?: unknown } | undefined)?.safeParse !== "function"
  ) {
    problems.push(`${target}.schema must be a zod schema`);
  }
  if (
    !Array.isArray(kinds) ||
    kinds.length === 0 ||
    !kinds.every((kind) => typeof kind === "string" && kind !== "")
  ) {
    problems.push(`${target}.kinds must be a non-empty array of kind names`);
  }
  const compiled: CompiledTemplate[] = [];
  if (templates === null || typeof templates !== "object" || Object.keys(templates).length === 0) {
    problems.push(`${target}.templates must map each role to an Eta template`);
  } else {
    for (const [role, source] of Object.entries(templates)) {
      if (!ROLE_NAME.test(role))
        problems.push(`${target}.templates: role "${role}" must match ${String(ROLE_NAME)}`);
      if (typeof source !== "string") {
        problems.push(`${target}.templates.${role} must be a string (the template source)`);
        continue;
      }
      try {
        compiled.push({ render: eta.compile(source), label: `${target}/${role}` });
      } catch (error) {
        problems.push(`${target}.templates.${role} does not compile: ${String(error)}`);
      }
    }
  }
  if (problems.length > before) return undefined;
  return {
    schema: schema as z.ZodType,
    kinds: Object.freeze([...(kinds as string[])]),
    kindSet: new Set(kinds as string[]),
    templates: compiled,
  };
}

function renderTemplate(template: CompiledTemplate, it: TemplateContext<unknown>, pack: string): unknown[] {
  let text: string;
  try {
    text = template.render.call(eta, it);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PackError(`template ${template.label} threw: ${reason}`, { pack, cause: error });
  }
  try {
    return parseYamlDocuments(text);
  } catch (error) {
    if (error instanceof YamlSyntaxError) {
      throw new PackError(`template ${template.label} rendered invalid YAML (${error.message})`, {
        pack,
        cause: error,
      });
    }
    throw error;
  }
}

function checkObject(
  document: unknown,
  kinds: ReadonlySet<string>,
  pack: string,
  label: string,
): KubernetesObject {
  const problem = objectProblem(document, kinds);
  if (problem !== undefined) throw new PackError(`template ${label} rendered ${problem}`, { pack });
  return document as KubernetesObject;
}

function objectProblem(document: unknown, kinds: ReadonlySet<string>): string | undefined {
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    return `a document that is not a mapping (${JSON.stringify(document)?.slice(0, 80) ?? "undefined"})`;
  }
  const object = document as Partial<KubernetesObject>;
  if (typeof object.apiVersion !== "string" || object.apiVersion === "")
    return "an object without apiVersion";
  if (typeof object.kind !== "string" || object.kind === "") return "an object without kind";
  const metadata = object.metadata;
  if (
    metadata === null ||
    typeof metadata !== "object" ||
    typeof metadata.name !== "string" ||
    metadata.name === ""
  ) {
    return `a ${object.kind} without metadata.name`;
  }
  if (!kinds.has(object.kind)) {
    return `a ${object.kind}, which is not among the pack's kinds (${[...kinds].join(", ")})`;
  }
  return undefined;
}
