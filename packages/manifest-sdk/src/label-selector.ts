// Kubernetes label selectors in the API's string syntax (`app=web,tier in (a,b),!canary`) and from a
// `LabelSelector` object (matchLabels and matchExpressions), so that one rule decides which objects a selector
// picks wherever BabyHelm needs to decide it: the sandbox API server, the server's cluster cache, and status.
// Written here because apimachinery's parser has no maintained JavaScript port; the grammar is small and fixed.
export type LabelMatcher = (labels: Readonly<Record<string, string>> | undefined) => boolean;

/** meta/v1 LabelSelector, as Deployments, Services' owners and PodDisruptionBudgets carry it. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export class LabelSelectorError extends Error {
  override readonly name = "LabelSelectorError";
}

type Requirement =
  | { key: string; operator: "in" | "notin"; values: string[] }
  | { key: string; operator: "exists" | "!exists" };

/** Splits on commas outside parentheses: "a in (x,y),b" → ["a in (x,y)", "b"]. Field selectors use it too. */
export function splitSelectorTerms(selector: string): string[] {
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

function parseTerm(term: string): Requirement {
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
  throw new LabelSelectorError(
    `unable to parse requirement: found '${term}', expected: identifier, '!', 'in', 'notin', '=', '==', '!='`,
  );
}

function holds(requirement: Requirement, value: string | undefined): boolean {
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

/** A matcher for the selector; an empty selector matches everything, as on the API server. */
export function parseLabelSelector(selector: string): LabelMatcher {
  const requirements = splitSelectorTerms(selector).map(parseTerm);
  return (labels = {}) => requirements.every((requirement) => holds(requirement, labels[requirement.key]));
}

/** A `LabelSelector` object (a Deployment's `spec.selector`) in the string syntax. */
export function formatLabelSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    if (operator === "In") parts.push(`${key} in (${values.join(",")})`);
    else if (operator === "NotIn") parts.push(`${key} notin (${values.join(",")})`);
    else if (operator === "Exists") parts.push(key);
    else if (operator === "DoesNotExist") parts.push(`!${key}`);
  }
  return parts.join(",");
}
