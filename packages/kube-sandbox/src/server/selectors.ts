// labelSelector / fieldSelector query parameters, in the apimachinery string syntax.
import {
  LabelSelectorError,
  parseLabelSelector as parseLabels,
  splitSelectorTerms,
  type LabelMatcher,
} from "@babyhelm/manifest-sdk";
import type { StoredObject } from "../contract.js";
import { badRequest } from "./status.js";

export type Selector = (object: StoredObject) => boolean;

export function parseLabelSelector(selector: string | null | undefined): Selector | undefined {
  if (!selector) return undefined;
  let matches: LabelMatcher;
  try {
    matches = parseLabels(selector);
  } catch (error) {
    if (error instanceof LabelSelectorError) throw badRequest(error.message);
    throw error;
  }
  return (object) => matches(object.metadata.labels);
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
  const requirements = splitSelectorTerms(selector).map((term) => {
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
