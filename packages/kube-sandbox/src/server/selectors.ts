// labelSelector / fieldSelector query parameters, in the apimachinery string syntax.
import type { StoredObject } from "../contract.js";
import { badRequest } from "./status.js";

type Requirement =
  | { key: string; operator: "in" | "notin"; values: string[] }
  | { key: string; operator: "exists" | "!exists" };

export type Selector = (object: StoredObject) => boolean;

/** Splits on commas outside parentheses: "a in (x,y),b" → ["a in (x,y)", "b"]. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of selector) {
    if (char === "(") depth++;
    if (char === ")") depth--;
    if (char === "," && depth === 0) {
      terms.push(current);
      current = "";
    } else current += char;
  }
  terms.push(current);
  return terms.map((term) => term.trim()).filter((term) => term !== "");
}

function parseLabelTerm(term: string): Requirement {
  const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (setMatch) {
    const values = setMatch[3]!.split(",").map((value) => value.trim());
    return { key: setMatch[1]!, operator: setMatch[2] as "in" | "notin", values };
  }
  const comparison = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (comparison) {
    const operator = comparison[2] === "!=" ? "notin" : "in";
    return { key: comparison[1]!, operator, values: [comparison[3]!] };
  }
  const existence = /^(!?)\s*([^=!\s()]+)$/.exec(term);
  if (existence) return { key: existence[2]!, operator: existence[1] === "!" ? "!exists" : "exists" };
  throw badRequest(
    `unable to parse requirement: found '${term}', expected: identifier, '!', 'in', 'notin', '=', '==', '!='`,
  );
}

function matches(requirement: Requirement, value: string | undefined): boolean {
  switch (requirement.operator) {
    case "exists":
      return value !== undefined;
    case "!exists":
      return value === undefined;
    case "in":
      return value !== undefined && requirement.values.includes(value);
    case "notin":
      return value === undefined || !requirement.values.includes(value);
  }
}

export function parseLabelSelector(selector: string | null | undefined): Selector | undefined {
  if (!selector) return undefined;
  const requirements = splitTerms(selector).map(parseLabelTerm);
  return (object) =>
    requirements.every((requirement) => matches(requirement, object.metadata.labels?.[requirement.key]));
}

/** A field's value as field selectors see it: a string, or undefined when absent. */
function fieldValue(object: StoredObject, path: string): string | undefined {
  let current: unknown = object;
  for (const part of path.split(".")) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  if (current === undefined || current === null) return undefined;
  if (typeof current === "string") return current;
  if (typeof current === "number" || typeof current === "boolean") return String(current);
  return JSON.stringify(current);
}

/**
 * Field selectors support only "=", "==" and "!=". The real server allows a per-kind list of fields
 * (metadata.name, metadata.namespace, status.phase, involvedObject.* ...); any dotted path is accepted here.
 */
export function parseFieldSelector(selector: string | null | undefined): Selector | undefined {
  if (!selector) return undefined;
  const requirements = splitTerms(selector).map((term) => {
    const match = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!match) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    return { path: match[1]!, negate: match[2] === "!=", value: match[3]! };
  });
  return (object) =>
    requirements.every(({ path, negate, value }) => ((fieldValue(object, path) ?? "") === value) !== negate);
}

export function combineSelectors(...selectors: (Selector | undefined)[]): Selector {
  const active = selectors.filter((selector): selector is Selector => selector !== undefined);
  return (object) => active.every((selector) => selector(object));
}
